/**
 * CRM country fields are often free text ("United States", "USA", "us", "germany");
 * the canonical person carries ISO 3166-1 alpha-2 ("US"). English region names come from ICU
 * (Intl.DisplayNames), so every country is known without a hand-kept table; the aliases below are
 * the spellings ICU does not produce. Unknown text becomes null rather than a guess.
 */
/**
 * Codes ICU names that are not assigned ISO 3166-1 countries: user-assigned ranges, EU/UN, the
 * exceptionally reserved (AC Ascension, IC Canary Islands, …) and withdrawn ones (UK, FX "France",
 * BU, YU, …), which would otherwise claim "United Kingdom" or "France".
 */
const NOT_COUNTRIES = /^(AA|Q[M-Z]|X[A-Z]|ZZ|EU|EZ|UN|AC|CP|DG|EA|IC|TA|AN|BU|CS|DD|DY|FX|HV|NH|NT|RH|SU|TP|UK|YD|YU|ZR)$/;

const ALIASES: Record<string, string> = {
  usa: 'US', 'u.s.': 'US', 'u.s.a.': 'US', 'u.s': 'US', 'united states of america': 'US', america: 'US',
  uk: 'GB', 'u.k.': 'GB', 'great britain': 'GB', britain: 'GB', england: 'GB', scotland: 'GB', wales: 'GB',
  'northern ireland': 'GB',
  deutschland: 'DE', brasil: 'BR', españa: 'ES', espana: 'ES', 'the netherlands': 'NL', holland: 'NL',
  'south korea': 'KR', 'republic of korea': 'KR', 'north korea': 'KP', russia: 'RU', 'russian federation': 'RU',
  'czech republic': 'CZ', uae: 'AE', 'viet nam': 'VN', 'ivory coast': 'CI', turkey: 'TR', türkiye: 'TR',
  deu: 'DE', gbr: 'GB', fra: 'FR', ind: 'IN', bra: 'BR', can: 'CA', mex: 'MX', aus: 'AU', jpn: 'JP', chn: 'CN',
  esp: 'ES', ita: 'IT', nld: 'NL', che: 'CH', swe: 'SE', nor: 'NO', dnk: 'DK', fin: 'FI', pol: 'PL', irl: 'IE',
};

let byName: Map<string, string> | undefined;

function nameTable(): Map<string, string> {
  if (byName) return byName;
  const table = new Map<string, string>();
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (NOT_COUNTRIES.test(code)) continue;
      const name = names.of(code);
      if (!name || name === code) continue;
      table.set(code.toLowerCase(), code);
      if (!table.has(name.toLowerCase())) table.set(name.toLowerCase(), code);
      // "Bosnia & Herzegovina" is also written with "and"
      if (name.includes('&')) table.set(name.replace(/&/g, 'and').toLowerCase(), code);
    }
  }
  byName = table;
  return table;
}

export function normaliseCountry(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim().replace(/\s+/g, ' ').toLowerCase();
  if (text === '') return null;
  return ALIASES[text] ?? nameTable().get(text) ?? null;
}
