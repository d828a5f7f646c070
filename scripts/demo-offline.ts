/**
 * `npm run demo` until a CRM sandbox is wired in: scores the sample people in
 * test/fixtures/people.jsonl with the default rulebook and prints the funnel a rep would see.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileRulebook } from '../src/engine/engine';
import { parsePersonRecord } from '../src/model/interchange';
import { loadRulebookFile } from '../src/rulebook/load';

const root = process.cwd();
const engine = compileRulebook(loadRulebookFile(join(root, 'config', 'rulebook.default.yaml')));
const now = Date.parse('2026-11-27T12:00:00Z');
const lines = readFileSync(join(root, 'test', 'fixtures', 'people.jsonl'), 'utf8').split('\n').filter(Boolean);

console.log(`Leadstage: ${lines.length} sample people scored with rulebook ${engine.version} at ${new Date(now).toISOString()}\n`);
console.log(`${'person'.padEnd(22)} ${'stage'.padEnd(13)} ${'prio'.padEnd(5)} ${'fit'.padStart(7)} ${'eng'.padStart(4)}  why`);
for (const [index, text] of lines.entries()) {
  const { person, events, state } = parsePersonRecord(text, index + 1);
  const decision = engine.evaluate(person, events, state, now);
  const why = decision.excluded?.reason ?? decision.transition?.reason ?? decision.reasons[0]?.text ?? '';
  console.log(
    `${person.id.padEnd(22)} ${decision.stage.padEnd(13)} ${decision.priority.padEnd(5)} ${`${decision.fit.score} ${decision.fit.grade}`.padStart(7)} ${String(decision.engagement.score).padStart(4)}  ${why}`,
  );
}
