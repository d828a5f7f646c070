import { createRuntime } from '../../app/runtime';
import { inspectWork, type WorkReport } from '../../app/self-heal';
import { loadEnv } from '../../config/env';
import { createLogger } from '../../log/logger';
import { registerSecret } from '../../log/redact';
import { checkDependencies } from '../../web/health';
import { commandHelp, parseOptions } from '../options';
import type { CommandIo } from './command';

export const STATUS_HELP = commandHelp(
  'usage: leadstage status [--json]',
  'What /readyz says, in a terminal: whether the store and Redis answer and whether the work moves',
  '(every active installation has its schedulers, no write waits longer than the bound, no first sync',
  'without a job), then per installation its pending writes and tasks, first sync and sync lag, and',
  'the queue depths. Exit 0 when ready, 1 when not. Reads the same environment as `leadstage worker`.',
  '',
  '  --json       one JSON object instead of lines',
  '  -h, --help   this help',
);

/** `leadstage status`: readiness and the work per installation, from the store and Redis. */
export async function status(args: string[], io: CommandIo): Promise<number> {
  const options = parseOptions(args, { json: { type: 'boolean' } }, STATUS_HELP);
  const env = loadEnv();
  registerSecret(env.LEADSTAGE_SECRET_KEY);
  const runtime = await createRuntime({ env, logger: createLogger({ level: 'error' }) });
  try {
    const { ok, checks } = await checkDependencies({ store: runtime.store, redis: runtime.redis }, {}, undefined, () => inspectWork(runtime, runtime.heal));
    const report = ok || (checks.store === 'ok' && checks.redis === 'ok') ? await inspectWork(runtime, runtime.heal).catch(() => null) : null;
    if (options.json) {
      io.out(JSON.stringify({ status: ok ? 'ready' : 'not ready', checks, installations: report?.installations ?? [], queueDepth: report?.queueDepth ?? null }));
    } else {
      for (const [name, word] of Object.entries(checks)) io.out(`${name.padEnd(11)} ${word}`);
      if (report) for (const line of describe(report)) io.out(line);
      io.out(ok ? 'ready' : 'not ready');
    }
    return ok ? 0 : 1;
  } finally {
    await runtime.close();
  }
}

function describe(report: WorkReport): string[] {
  const lines = report.installations.map((work) => {
    const firstSync = !work.firstSyncStarted ? 'first sync not started' : work.firstSyncStalled ? 'first sync stalled' : work.firstSyncRunning ? 'first sync running' : 'first sync done';
    const writes = `${work.pendingWrites} pending write${work.pendingWrites === 1 ? '' : 's'}${work.oldestWriteSeconds === null ? '' : ` (oldest ${Math.round(work.oldestWriteSeconds)} s)`}`;
    const schedulers = work.syncScheduler && work.rescoreScheduler ? 'schedulers ok' : 'schedulers missing';
    const lag = Object.values(work.lag);
    return `installation ${work.installationId} (${work.provider}): ${writes}, ${work.pendingTasks} pending task${work.pendingTasks === 1 ? '' : 's'}, ${firstSync}, ${schedulers}${lag.length ? `, sync lag ${Math.round(Math.max(...lag))} s` : ''}`;
  });
  if (report.installations.length === 0) lines.push('no active installation');
  lines.push(`queues: ${Object.entries(report.queueDepth).map(([name, depth]) => `${name} ${depth}`).join(', ')}`);
  return lines;
}
