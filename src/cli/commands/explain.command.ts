import { compileRulebook, type Evaluation } from '../../engine/engine';
import { loadRulebookFile } from '../../rulebook/load';
import { UsageError } from '../cli-error';
import { commandHelp, parseNow, parseOptions, parseTimeZone, readableFile, required } from '../options';
import { readRecords } from '../read-records';
import type { CommandIo } from './command';

export const EXPLAIN_HELP = commandHelp(
  'usage: leadstage explain --rulebook <file> --input <people.jsonl|-> --id <person id> [--now <iso>] [--time-zone <zone>]',
  "A readable breakdown of one person's decision: exclusions checked, fit rules, engagement per rule",
  'and signal (counted, capped, decayed), SQL readiness and the reasons written to the CRM.',
  '',
  '  --rulebook <file>   the rulebook (YAML), e.g. config/rulebook.default.yaml',
  '  --input <file>      people as JSON Lines; - reads standard input',
  '  --id <person id>    the person to explain (person.id in the input)',
  '  --now <iso>         the clock, e.g. 2026-11-27T12:00:00Z (default: now)',
  '  --time-zone <zone> the workspace\'s IANA zone (default UTC): scores fade at its midnight',
  '  -h, --help          this help',
);

/** `leadstage explain`: a readable breakdown of one person's decision, rule by rule. */
export async function explain(args: string[], io: CommandIo): Promise<number> {
  const options = parseOptions(
    args,
    { rulebook: { type: 'string' }, input: { type: 'string' }, id: { type: 'string' }, now: { type: 'string' }, 'time-zone': { type: 'string' } },
    EXPLAIN_HELP,
  );
  const rulebook = readableFile(required(options.rulebook, 'rulebook', EXPLAIN_HELP), 'a rulebook file (YAML)');
  const input = readableFile(required(options.input, 'input', EXPLAIN_HELP), 'a JSON Lines file of people', { stdin: true });
  const id = required(options.id, 'id', EXPLAIN_HELP);
  const now = parseNow(options.now);
  const engine = compileRulebook(loadRulebookFile(rulebook), { timeZone: parseTimeZone(options['time-zone']) });
  for await (const item of readRecords(input)) {
    if ('error' in item || item.record.person.id !== id) continue;
    const { person, events, state } = item.record;
    for (const line of renderExplanation(engine.explain(person, events, state, now))) io.out(line);
    return 0;
  }
  throw new UsageError(`no person with id "${id}" in ${input}`);
}

export function renderExplanation(evaluation: Evaluation): string[] {
  const { decision } = evaluation;
  const signed = (points: number) => (points >= 0 ? `+${points}` : String(points));
  const lines = [
    `Person ${decision.personId} — rulebook ${decision.rulebookVersion}`,
    `  Stage: ${decision.stage}${decision.mqlTier ? ` (${decision.mqlTier})` : ''}   Priority: ${decision.priority}   Score: ${decision.score}`,
    decision.transition
      ? `  Moved ${decision.transition.from} → ${decision.transition.to}: ${decision.transition.reason}`
      : `  No stage change (today's facts point to ${evaluation.target.stage}: ${evaluation.target.reason})`,
    '',
    'Exclusions',
    ...evaluation.exclusionsChecked.map((check) => `  ${check.matched ? '✗ applies ' : '  —       '} ${check.id}`),
    decision.excluded ? `  → ${decision.excluded.reason}` : '  → none applies',
    '',
    `Fit: ${decision.fit.score} (grade ${decision.fit.grade})`,
    ...evaluation.fitRules.map((rule) => (rule.matched ? `  ${signed(rule.points).padStart(5)}  ${rule.reason}` : `      ·  ${rule.id} (no match)`)),
    '',
    `Engagement: ${decision.engagement.score} (${evaluation.eventsConsidered} events since ${evaluation.eventsSince.slice(0, 10)}, after decay)`,
    ...(evaluation.engagement.length === 0
      ? ['      ·  no scored activity']
      : evaluation.engagement.map(
          (item) =>
            `  ${signed(item.points).padStart(5)}  ${item.reason} [${item.kind} ${item.id}: ${item.count} counted${item.capped ? `, ${item.capped} over the cap` : ''}]`,
        )),
    '',
    `SQL readiness: ${evaluation.sqlPath ?? 'not sales-ready'}`,
    `Missing for handoff: ${decision.missingForHandoff.length ? decision.missingForHandoff.join(', ') : 'nothing'}`,
    '',
    'Reasons written to the CRM',
    ...decision.reasons.map((reason) => `  ${signed(reason.points).padStart(5)}  ${reason.text}`),
  ];
  return lines;
}
