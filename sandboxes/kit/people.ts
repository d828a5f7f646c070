/**
 * How both seeds make a person from the shared catalog (people-catalog.ts): a name from the country's
 * pool, an email address written the same way, a phone number in the country's format. The draws are
 * part of each seed (same PRNG calls in the same order), so changing one changes both sandboxes' data.
 */
import { NAMES, PERSONAL_EMAIL_DOMAINS, type CountryInfo } from './people-catalog';
import type { Prng } from './prng';

/** A first and a last name from the country's pool (two draws). */
export function pickName(prng: Prng, country: CountryInfo): { first: string; last: string } {
  const names = NAMES[country.names];
  const first = prng.pick(names.first);
  const last = prng.pick(names.last);
  return { first, last };
}

/** A name as it is written in an email address: "Müller" → "muller", "Weiß" → "weiss". */
export function ascii(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ß/g, 'ss').toLowerCase().replace(/[^a-z]/g, '');
}

/**
 * The local part of a person's email: `jane.doe` at work; at a personal provider or a university
 * `jdoe` and digits from the person's position, the way people's real ones carry them (jsmith84@gmail.com).
 */
export function emailLocalPart(first: string, last: string, personal: boolean, index: number): string {
  return personal ? `${ascii(first).charAt(0)}${ascii(last)}${(index * 37) % 97}` : `${ascii(first)}.${ascii(last)}`;
}

/**
 * Where a person's email points, by their fit: a personal provider for a `personal-email` sign-up (one
 * draw); for a `self-employed` consultant half the time a personal provider, else their own consultancy's
 * domain, "Okafor" → okaforreliability.com (one or two draws); otherwise `workDomain`, their company's (no
 * draw). `personal`: the address is written the personal way (`emailLocalPart`).
 */
export function emailDomainFor(prng: Prng, fit: string, last: string, workDomain: string): { domain: string; personal: boolean } {
  if (fit === 'personal-email') return { domain: prng.pick(PERSONAL_EMAIL_DOMAINS), personal: true };
  if (fit !== 'self-employed') return { domain: workDomain, personal: false };
  const personal = prng.chance(0.5);
  return { domain: personal ? prng.pick(PERSONAL_EMAIL_DOMAINS) : `${ascii(last)}reliability.com`, personal };
}

/** A phone number in the country's format (three draws). */
export function phoneNumber(prng: Prng, country: CountryInfo): string {
  return `${country.phonePrefix} ${prng.int(200, 989)} ${prng.int(200, 989)} ${prng.int(1000, 9999)}`;
}
