import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noInstallationMessage } from '../../src/cli/commands/serve.command';
import { runCli } from '../../src/cli/main';
import type { ConnectorModule } from '../../src/connector/connector-module';
import { connectorRegistry } from '../../connectors/registry';
import type { Decision } from '../../src/model/decision';

const ROOT = join(__dirname, '..', '..');
const RULEBOOK = join(ROOT, 'config', 'rulebook.default.yaml');
const PEOPLE = join(ROOT, 'test', 'fixtures', 'people.jsonl');
const NOW = '2026-11-27T12:00:00Z';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

describe('leadstage score on the default rulebook', () => {
  let decisions: Map<string, Decision>;
  let order: string[];

  beforeAll(async () => {
    const result = await run('score', '--rulebook', RULEBOOK, '--input', PEOPLE, '--now', NOW);
    expect(result.code).toBe(0);
    expect(result.err).toEqual([]);
    const parsed = result.out.map((line) => JSON.parse(line) as Decision);
    order = parsed.map((d) => d.personId);
    decisions = new Map(parsed.map((d) => [d.personId, d]));
  });

  it('answers one decision per line, in input order', () => {
    expect(order.slice(0, 3)).toEqual(['personal-email', 'student', 'competitor']);
    expect(order).toHaveLength(18);
  });

  it.each([
    ['personal-email', 'personal email address (gmail.com)'],
    ['student', 'student email address (mit.edu)'],
    ['competitor', 'works at a competitor (gearwatch-analytics.com)'],
    ['non-us', 'outside served region (DE)'],
    ['ip-non-us', 'outside served region (IP in IN)'],
    ['self-employed', 'self-employed'],
  ])('disqualifies %s with the reason "%s"', (id, reason) => {
    expect(decisions.get(id)).toMatchObject({ stage: 'disqualified', excluded: { reason }, priority: 'cold' });
  });

  it('puts a non-target industry in tier-2 nurture', () => {
    expect(decisions.get('non-target-industry')).toMatchObject({ stage: 'nurture', mqlTier: 'tier2' });
  });

  it('makes a US persona at a 100+ employee target-industry company an MQL', () => {
    expect(decisions.get('mql')).toMatchObject({ stage: 'mql', mqlTier: 'tier1', fit: { grade: 'A' } });
  });

  it('fast-tracks such an MQL who requests a demo to SQL at once', () => {
    expect(decisions.get('fast-track-sql')).toMatchObject({ stage: 'sql', priority: 'hot', transition: { reason: 'fast track: requested a demo' } });
  });

  it('makes such an MQL SQL when decayed engagement (pricing, webinar, downloads) crosses the threshold', () => {
    const decision = decisions.get('threshold-sql')!;
    expect(decision.stage).toBe('sql');
    expect(decision.transition!.reason).toMatch(/reached the SQL threshold of 60/);
    expect(decision.reasons.map((r) => r.text)).toContain('viewed pricing (3×)');
  });

  it('never makes a blog-only reader SQL, however much they read', () => {
    expect(decisions.get('blog-reader')).toMatchObject({ stage: 'mql' });
    expect(decisions.get('blog-reader')!.engagement.score).toBeLessThan(60);
  });

  it('no longer counts engagement older than the decay horizon', () => {
    expect(decisions.get('stale-engagement')).toMatchObject({ stage: 'mql', engagement: { score: 0 } });
  });

  it('keeps a small company a lead, and takes customers and opportunities from deals', () => {
    expect(decisions.get('small-company')!.stage).toBe('lead');
    expect(decisions.get('customer')!.stage).toBe('customer');
    expect(decisions.get('opportunity')!.stage).toBe('opportunity');
  });

  it('holds a sales-ready lead missing a handoff field, and reaches SQL by BANT', () => {
    expect(decisions.get('held-no-phone')).toMatchObject({ stage: 'mql', missingForHandoff: ['phone'] });
    expect(decisions.get('bant-sql')).toMatchObject({ stage: 'sql' });
  });

  it('recycles an SQL that sales marked bad timing, with the reason', () => {
    expect(decisions.get('recycled')).toMatchObject({ stage: 'nurture', transition: { from: 'sql', reason: 'recycled to nurture: sales marked it BAD_TIMING' } });
  });

  it('ranks hot, warm and cold', () => {
    const priorities = new Set([...decisions.values()].map((d) => d.priority));
    expect(priorities).toEqual(new Set(['hot', 'warm', 'cold']));
  });
});

describe('leadstage CLI errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leadstage-cli-'));

  it('reports a malformed line by number, scores the rest and exits non-zero', async () => {
    const file = join(dir, 'mixed.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ person: { id: 'a', email: 'a@acme.com' }, events: [] }),
        '{not json',
        JSON.stringify({ person: { id: 'c', email: 'c@acme.com', employees: 'many' } }),
        '',
        JSON.stringify({ person: { id: 'd', email: 'd@acme.com' }, events: [{ id: 'x', type: 'page_veiw', occurredAt: NOW }] }),
        JSON.stringify({ person: { id: 'e', email: 'e@acme.com' } }),
      ].join('\n'),
    );
    const result = await run('score', '--rulebook', RULEBOOK, '--input', file, '--now', NOW);
    expect(result.code).toBe(1);
    expect(result.out.map((line) => JSON.parse(line).personId)).toEqual(['a', 'e']);
    expect(result.err[0]).toMatch(/mixed\.jsonl:2: not valid JSON/);
    expect(result.err[1]).toMatch(/mixed\.jsonl:3: person\.employees: expected number, got "many"/);
    expect(result.err[2]).toMatch(/mixed\.jsonl:5: events\[0\]\.type/);
    expect(result.err[3]).toBe('3 lines failed');
  });

  it('validate exits 0 for the default rulebook and 1 with every problem for a bad one', async () => {
    const ok = await run('rulebook', 'validate', RULEBOOK);
    expect(ok.code).toBe(0);
    expect(ok.out[0]).toMatch(/valid \(version 2026\.11-default-1/);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: "x"\nname: bad\nfit:\n  rules: []\n  grades: []\n  extra: 1\n');
    const result = await run('rulebook', 'validate', bad);
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).toMatch(/bad\.yaml:6:3 fit\.extra: unknown key "extra"/);
    expect(result.err.join('\n')).toMatch(/fit\.rules: /);
  });

  it('explains one person in plain words', async () => {
    const result = await run('explain', '--rulebook', RULEBOOK, '--input', PEOPLE, '--id', 'fast-track-sql', '--now', NOW);
    expect(result.code).toBe(0);
    const text = result.out.join('\n');
    expect(text).toMatch(/Stage: sql \(tier1\)/);
    expect(text).toMatch(/Moved contact → sql: fast track: requested a demo/);
    expect(text).toMatch(/\+40 +requested a demo/);
  });

  it('says what is wrong with the call: missing options, unknown ids and commands, missing files', async () => {
    expect(await run('score', '--input', PEOPLE)).toMatchObject({ code: 2, err: [expect.stringMatching(/missing --rulebook/)] });
    expect((await run('explain', '--rulebook', RULEBOOK, '--input', PEOPLE, '--id', 'nobody')).err[0]).toMatch(/no person with id "nobody"/);
    expect((await run('frobnicate')).code).toBe(2);
    expect(await run('score', '--rulebook', RULEBOOK, '--input', join(dir, 'missing.jsonl'))).toMatchObject({ code: 1, err: [expect.stringMatching(/missing\.jsonl: no such file/)] });
    expect((await run('score', '--rulebook', RULEBOOK, '--input', PEOPLE, '--now', 'soon')).err[0]).toMatch(/--now: "soon" is not an ISO 8601/);
    expect(await run('score', '--rulebook', RULEBOOK, '--input', PEOPLE, '--now', NOW, '--time-zone', 'Berlin')).toMatchObject({
      code: 2,
      err: [expect.stringMatching(/--time-zone: "Berlin" is not a time zone: expected an IANA name such as "Europe\/Berlin"/)],
    });
  });

  it('scores in the workspace\'s time zone when given one: the day, and so the fading, starts at its midnight', async () => {
    // 15:00 to 17:00 on the 26th in New York; scored at 22:00 there (03:00Z on the 27th): today there, yesterday in UTC
    const events = [
      ['webinar_attended', {}], ['webinar_attended', {}], ['page_view', { url: 'https://x.test/pricing' }], ['page_view', { url: 'https://x.test/pricing' }],
      ['page_view', { url: 'https://x.test/pricing' }], ['page_view', { url: 'https://x.test/contact' }], ['page_view', { url: 'https://x.test/contact' }],
    ].map(([type, properties], i) => ({ id: `e${i}`, type, occurredAt: `2026-11-26T2${i % 2}:00:00Z`, properties }));
    const person = { id: 'tz', email: 'pat@acme.com', country: 'US', title: 'Reliability Engineer', employees: 450, industry: 'manufacturing' };
    const file = join(mkdtempSync(join(tmpdir(), 'leadstage-cli-tz-')), 'tz.jsonl');
    writeFileSync(file, `${JSON.stringify({ person, events })}\n`);
    const at = '2026-11-27T03:00:00Z';
    const [utc] = (await run('score', '--rulebook', RULEBOOK, '--input', file, '--now', at)).out.map((line) => JSON.parse(line) as Decision);
    const [local] = (await run('score', '--rulebook', RULEBOOK, '--input', file, '--now', at, '--time-zone', 'America/New_York')).out.map((line) => JSON.parse(line) as Decision);
    expect(local!.engagement.score).toBe(90); // full points: nothing has faded on the day it happened
    expect(utc!.engagement.score).toBeLessThan(90);
  });
});

describe('every command answers --help and refuses unknown flags', () => {
  const COMMANDS = [['rulebook', 'validate'], ['score'], ['explain'], ['web'], ['worker'], ['start']].map((words) => [words.join(' '), words] as const);

  it.each(COMMANDS)('%s answers --help and -h with its own usage, exit 0, starting nothing', async (name, words) => {
    for (const flag of ['--help', '-h']) {
      const result = await run(...words, flag);
      expect(result).toMatchObject({ code: 0, err: [] });
      expect(result.out.join('\n')).toMatch(new RegExp(`^usage: leadstage ${name}\\b`));
    }
    // whatever else is on the line: help wins over a missing value or an unknown option
    expect(await run(...words, '--bogus', '--help')).toMatchObject({ code: 0 });
  });

  it.each(COMMANDS)('%s refuses an unknown flag with exit 2, naming it, then the usage', async (_name, words) => {
    const result = await run(...words, '--bogus');
    expect(result.code).toBe(2);
    expect(result.out).toEqual([]);
    expect(result.err.join('\n')).toMatch(new RegExp(`^unknown option --bogus\nusage: leadstage ${words.join(' ')}\\b`));
  });

  it('refuses a plain argument a command does not take, and names a missing value', async () => {
    expect(await run('worker', 'now')).toMatchObject({ code: 2, err: [expect.stringMatching(/^unexpected argument "now"\nusage: leadstage worker/)] });
    expect(await run('rulebook', 'validate', RULEBOOK, 'extra.yaml')).toMatchObject({ code: 2, err: [expect.stringMatching(/^unexpected argument "extra\.yaml"/)] });
    expect(await run('score', '--input', PEOPLE, '--rulebook')).toMatchObject({ code: 2, err: [expect.stringMatching(/^--rulebook needs a value\nusage: leadstage score/)] });
    expect(await run('rulebook')).toMatchObject({ code: 2, err: [expect.stringMatching(/"rulebook" needs a subcommand\nusage: leadstage rulebook validate <file>/)] });
  });

  it('answers help for the whole CLI and for one command', async () => {
    expect(await run('--help')).toMatchObject({ code: 0, out: [expect.stringMatching(/^usage: leadstage <command> \[options\]\n/)] });
    expect(await run('help', 'score')).toMatchObject({ code: 0, out: [expect.stringMatching(/^usage: leadstage score /)] });
    expect(await run('help', 'rulebook', 'validate')).toMatchObject({ code: 0, out: [expect.stringMatching(/^usage: leadstage rulebook validate <file>/)] });
    expect(await run()).toMatchObject({ code: 2, out: [] });
  });

  it('says a directory is not a rulebook or an input file, in one line, instead of a stack trace', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'leadstage-cli-dir-'));
    const notFile = (path: string, what: string) => [`${path}: is a directory, not a file; expected ${what}`];
    expect(await run('rulebook', 'validate', folder)).toEqual({ code: 1, out: [], err: notFile(folder, 'a rulebook file (YAML)') });
    expect(await run('score', '--rulebook', folder, '--input', PEOPLE)).toEqual({ code: 1, out: [], err: notFile(folder, 'a rulebook file (YAML)') });
    expect(await run('explain', '--rulebook', folder, '--input', PEOPLE, '--id', 'x')).toEqual({ code: 1, out: [], err: notFile(folder, 'a rulebook file (YAML)') });
    expect(await run('score', '--rulebook', RULEBOOK, '--input', folder)).toEqual({ code: 1, out: [], err: notFile(folder, 'a JSON Lines file of people') });
    expect(await run('rulebook', 'validate', join(folder, 'nope.yaml'))).toEqual({ code: 1, out: [], err: [`${join(folder, 'nope.yaml')}: no such file`] });
  });
});

describe('a worker with nothing connected', () => {
  it('names the variables that connect an account today, read from each connector, and that CRM installs do not exist yet', () => {
    expect(noInstallationMessage(connectorRegistry.modules)).toBe(
      'worker: no installation is connected, so there is nothing to sync; connect one in self-hosted single-account mode: ' +
        'set HUBSPOT_ACCESS_TOKEN for HubSpot and restart the worker (docs/operations.md). Or install from the CRM (HubSpot, Salesforce): open /install/<system> on the web server with the system\'s OAuth app configured (README, Install from the CRM).',
    );
    const other = { label: 'Acme CRM', fromEnvironment: (env: Record<string, string | undefined>) => (env.ACME_KEY ? null : null) } as unknown as ConnectorModule;
    expect(noInstallationMessage([...connectorRegistry.modules, other])).toMatch(/set HUBSPOT_ACCESS_TOKEN for HubSpot, or ACME_KEY for Acme CRM and restart/);
    expect(noInstallationMessage([])).toMatch(/no connector offers a single-account mode/);
  });
});

describe('the installed bin', () => {
  it('runs through npx-style bin on the project Node', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'leadstage.js'), 'rulebook', 'validate', RULEBOOK], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/valid/);
    expect(execFileSync(process.execPath, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).trim()).toBe('24');
  });
});

describe('the bin on another Node', () => {
  const SCRIPT_GUARD = join(ROOT, 'scripts', 'require-node.js');
  const BIN = join(ROOT, 'bin', 'leadstage.js');

  // Node 24 made to report another version before the bin runs: the guard must answer before any require
  function asNode(version: string, script: string, ...args: string[]) {
    const dir = mkdtempSync(join(tmpdir(), 'leadstage-node-'));
    const preload = join(dir, 'as-node.js');
    writeFileSync(
      preload,
      `Object.defineProperty(process, 'versions', { value: { ...process.versions, node: ${JSON.stringify(version)} } });\n` +
        // anything required after the guard would load a module: make that visible
        `require('node:module').prototype.require = function (id) { process.stderr.write('required ' + id + '\\n'); process.exit(99); };\n`,
    );
    return spawnSync(process.execPath, ['--require', preload, script, ...args], { encoding: 'utf8' });
  }

  it('says which Node it needs, before requiring anything, with the message of scripts/require-node.js', () => {
    const bin = asNode('20.20.2', BIN, '--help');
    expect(bin.status).toBe(1);
    expect(bin.stdout).toBe('');
    expect(bin.stderr).toMatch(/^Leadstage needs Node 24 LTS, but this script runs on Node 20\.20\.2 \(/);
    expect(bin.stderr).toBe(asNode('20.20.2', SCRIPT_GUARD).stderr);
  });

  // the machine's own older Node, when there is one (/usr/bin/node is v20 on the CI image)
  const systemNode = ['/usr/bin/node', '/usr/local/bin/node'].find(
    (path) => existsSync(path) && spawnSync(path, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).stdout.trim() !== '24',
  );
  (systemNode ? it : it.skip)(`run by an older system Node (${systemNode ?? 'none found'}), it says so instead of crashing inside a dependency`, () => {
    const bin = spawnSync(systemNode!, [BIN, 'rulebook', 'validate', RULEBOOK], { encoding: 'utf8' });
    expect(bin.status).toBe(1);
    expect(bin.stderr).toBe(spawnSync(systemNode!, [SCRIPT_GUARD], { encoding: 'utf8' }).stderr);
    expect(bin.stderr).not.toMatch(/undici|TypeError|at /);
  });
});

describe('leadstage status', () => {
  it('answers --help and refuses an unknown flag, before connecting to anything', async () => {
    expect(await run('status', '--help')).toMatchObject({ code: 0, out: [expect.stringMatching(/^usage: leadstage status \[--json\]\n/)] });
    expect(await run('help', 'status')).toMatchObject({ code: 0, out: [expect.stringMatching(/^usage: leadstage status/)] });
    expect(await run('status', '--verbose')).toEqual({ code: 2, out: [], err: ['unknown option --verbose\nusage: leadstage status [--json]'] });
    expect(await run('status', 'extra')).toEqual({ code: 2, out: [], err: ['unexpected argument "extra"\nusage: leadstage status [--json]'] });
  });
});
