/**
 * A worker process for the crash test: the test starts it, kills it with SIGKILL mid-run, and
 * starts another. Everything it needs comes from the environment; it prints "ready" once serving.
 */
import { createRuntime } from '../../../src/app/runtime';
import { serve } from '../../../src/app/serve';
import { loadEnv } from '../../../src/config/env';
import { createLogger } from '../../../src/log/logger';

async function main(): Promise<void> {
  const portalStart = Number(process.env.CRASH_PORTAL_START);
  const wallStart = Number(process.env.CRASH_WALL_START);
  const runtime = await createRuntime({
    env: loadEnv({ ...process.env, NODE_ENV: 'test' }),
    prefix: process.env.CRASH_PREFIX!,
    schema: process.env.CRASH_SCHEMA!,
    clock: () => portalStart + (Date.now() - wallStart),
    logger: createLogger({ level: 'error' }),
    ratePolicies: { hubspot: { standard: { max: 2_000, windowMs: 10_000 }, search: { max: 200, windowMs: 1_000 }, daily: null } },
    // a killed worker's claims and locks lapse in seconds, so the next worker takes over quickly
    outboxLeaseMs: 3_000,
  });
  await serve(runtime, { web: false, worker: true, port: 0, stall: { lockDuration: 2_000, stalledInterval: 1_000 } });
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`crash worker failed: ${(error as Error).message}\n`);
  process.exit(1);
});
