/**
 * Runs the sandbox from a shell:
 *   npx tsx sandboxes/hubspot/main.ts --port 4010 --contacts 2000
 * Options: --port, --contacts, --seed, --now, --token, --window-ms, --max-per-window, --search-max,
 * --daily, --frozen-clock. Ctrl-C stops it.
 */
import { parseArgs } from 'node:util';
import { startHubSpotSandbox } from './server';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4010' },
      contacts: { type: 'string' },
      seed: { type: 'string' },
      now: { type: 'string' },
      token: { type: 'string' },
      'window-ms': { type: 'string' },
      'max-per-window': { type: 'string' },
      'search-max': { type: 'string' },
      daily: { type: 'string' },
      'frozen-clock': { type: 'boolean', default: false },
    },
  });
  const int = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got "${text}"`);
    return n;
  };
  const rateLimit = Object.fromEntries(
    Object.entries({
      windowMs: int('window-ms', values['window-ms']),
      maxPerWindow: int('max-per-window', values['max-per-window']),
      searchMax: int('search-max', values['search-max']),
      daily: int('daily', values.daily),
    }).filter(([, v]) => v !== undefined),
  );
  const started = Date.now();
  const sandbox = await startHubSpotSandbox({
    port: int('port', values.port),
    contacts: int('contacts', values.contacts),
    seed: int('seed', values.seed),
    now: values.now,
    token: values.token,
    rateLimit,
    clock: values['frozen-clock'] ? 'frozen' : 'running',
    warm: true,
  });
  const seed = sandbox.describeSeed();
  console.log(`HubSpot sandbox on ${sandbox.url} (token "${sandbox.token}", ${seed.contacts} contacts, seed ${seed.seed}, ready in ${Date.now() - started} ms)`);
  console.log(`Admin: ${sandbox.url}/__sandbox/stats, /__sandbox/faults, /__sandbox/clock, /__sandbox/seed`);
  const stop = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
