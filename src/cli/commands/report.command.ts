import { ConfigError, loadEnv, type Env } from '../../config/env';
import { DEFAULT_WEEKS, MAX_WEEKS, REPORT_NAMES, formatTable, runReport, type ReportName } from '../../reports';
import { createStore, type Store } from '../../store';
import { toCsv } from '../../util/csv-writer.util';
import { UsageError } from '../cli-error';
import { chooseWorkspace } from '../choose-workspace';
import { commandHelp, parseCommandLine, parseNow } from '../options';
import type { Command, CommandIo } from './command';

export const REPORT_HELP = commandHelp(
  'usage: leadstage report <funnel|volume|sla|recycle|roi> [--format table|csv|json] [--workspace ID] [--weeks N] [--now ISO]',
  'The console\'s reports in a terminal or a file (SPEC.md §5):',
  '  funnel    people per stage now, conversion between consecutive stages, time in stage (median, p90)',
  '  volume    people entering MQL and SQL per week (workspace time zone) against the rulebook\'s targets',
  '  sla       SLA compliance of rep handoffs: met, met late, breached, expired, by rep and by team',
  '  recycle   moves to nurture and disqualified, by reason',
  '  roi       cost per lead, MQL, SQL and customer, and ROI, by source and campaign (costs entered on the console)',
  '',
  '  --format     table (default), csv (RFC 4180) or json',
  '  --workspace  the workspace id; may be left out when the store has one workspace',
  '  --weeks      how many weeks volume, sla and recycle cover, ending now (default 13, at most 104)',
  '  --now        the end of the window (ISO 8601; default: the real time)',
  '  -h, --help   this help',
  '',
  'Reads DATABASE_URL (or the embedded store in LEADSTAGE_DATA_DIR: stop the worker first).',
);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FORMATS = ['table', 'csv', 'json'] as const;

export interface ReportDeps {
  open(env: Env): Promise<Store>;
  env(): Env;
}

const defaultDeps: ReportDeps = {
  open: (env) => createStore(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: env.LEADSTAGE_DATA_DIR }),
  env: () => loadEnv(),
};

/** `leadstage report <name>`: one report of one workspace, as a table, CSV or JSON on stdout. */
export function reportCommand(deps: ReportDeps = defaultDeps): Command {
  return async (args: string[], io: CommandIo): Promise<number> => {
    const { values, positionals } = parseCommandLine(args, { format: { type: 'string' }, workspace: { type: 'string' }, weeks: { type: 'string' }, now: { type: 'string' } }, REPORT_HELP, 1);
    const name = positionals[0];
    if (name === undefined) throw new UsageError(`name a report: ${REPORT_NAMES.join(', ')}\n${REPORT_HELP.usage}`);
    if (!(REPORT_NAMES as readonly string[]).includes(name)) throw new UsageError(`unknown report "${name}": expected one of ${REPORT_NAMES.join(', ')}\n${REPORT_HELP.usage}`);
    const format = values.format ?? 'table';
    if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format: "${format}" is not one of ${FORMATS.join(', ')}\n${REPORT_HELP.usage}`);
    const weeks = values.weeks === undefined ? DEFAULT_WEEKS : Number(values.weeks);
    if (!Number.isInteger(weeks) || weeks < 1 || weeks > MAX_WEEKS) throw new UsageError(`--weeks: "${values.weeks}" is not a whole number from 1 to ${MAX_WEEKS}\n${REPORT_HELP.usage}`);
    if (values.workspace !== undefined && !UUID.test(values.workspace)) throw new UsageError(`--workspace: "${values.workspace}" is not a workspace id (a UUID)\n${REPORT_HELP.usage}`);
    const now = new Date(parseNow(values.now));

    let store: Store | null = null;
    try {
      store = await deps.open(deps.env());
      const workspace = await chooseWorkspace(store, values.workspace ?? null, { nothing: 'nothing to report', usage: REPORT_HELP.usage });
      const { report, table } = await runReport(store, workspace.id, name as ReportName, { now, weeks });
      if (format === 'json') io.out(JSON.stringify({ report: name, workspace: workspace.id, generatedAt: now.toISOString(), ...report }, null, 2));
      else if (format === 'csv') io.out(toCsv(table.header, table.rows).replace(/\r\n$/, ''));
      else io.out(formatTable(table));
      return 0;
    } catch (error) {
      if (error instanceof UsageError || error instanceof ConfigError) throw error;
      io.err(`report failed: ${(error as Error).message ?? String(error)}`);
      return 1;
    } finally {
      await store?.close().catch(() => undefined);
    }
  };
}

export const report = reportCommand();
