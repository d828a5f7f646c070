/**
 * npm run bench:engine [-- --people 100000 --events 30 --peer-people 3000]
 *
 * Leadstage's compiled engine on the default rulebook against the same fit and engagement rules
 * run through json-rules-engine, on the same synthetic people, in one run. People are generated in
 * pages of 100 (a CRM page) outside the timed sections, so the figures are the engines' alone.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { compileRulebook } from '../src/engine/engine';
import { loadRulebookFile } from '../src/rulebook/load';
import { createRulesEnginePeer } from './json-rules-engine-peer';
import { syntheticPeople } from './synthetic-people';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '100000' },
    events: { type: 'string', default: '30' },
    'peer-people': { type: 'string', default: '3000' },
  },
});
const PEOPLE = Number(values.people);
const EVENTS = Number(values.events);
const PEER_PEOPLE = Math.min(Number(values['peer-people']), PEOPLE);
const PAGE = 100;
const NOW = Date.parse('2026-11-27T12:00:00Z');

// npm scripts run at the package root, whether this runs compiled (dist/bench) or not
const rulebook = loadRulebookFile(join(process.cwd(), 'config', 'rulebook.default.yaml'));
const engine = compileRulebook(rulebook);
const peer = createRulesEnginePeer(rulebook);

let peakRss = 0;
const sampleMemory = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

async function main(): Promise<void> {
  console.log(`Leadstage engine benchmark: ${PEOPLE.toLocaleString('en-US')} people × ${EVENTS} events, default rulebook ${rulebook.version}`);
  console.log(`Node ${process.version}, one core (the engine is synchronous and single-threaded)\n`);

  // warm both up on pages that are not measured
  for (const record of syntheticPeople(2 * PAGE, EVENTS, NOW, 1_000_001)) engine.evaluate(record.person, record.events, null, NOW);
  for (const record of syntheticPeople(PAGE, EVENTS, NOW, 1_000_002)) await peer(record.person, record.events, NOW);

  const stages: Record<string, number> = {};
  let engineMs = 0;
  for (let page = 0; page * PAGE < PEOPLE; page++) {
    const records = syntheticPeople(Math.min(PAGE, PEOPLE - page * PAGE), EVENTS, NOW, page);
    const started = performance.now();
    for (const record of records) {
      const decision = engine.evaluate(record.person, record.events, null, NOW);
      stages[decision.stage] = (stages[decision.stage] ?? 0) + 1;
    }
    engineMs += performance.now() - started;
    if (page % 50 === 0) sampleMemory();
  }
  sampleMemory();
  const engineRate = PEOPLE / (engineMs / 1000);

  // the peer on the first PEER_PEOPLE of the same people (it is far slower); parity is checked on them
  let peerMs = 0;
  let fitMismatches = 0;
  let ruleMismatches = 0;
  let recycledSkipped = 0;
  for (let page = 0; page * PAGE < PEER_PEOPLE; page++) {
    const records = syntheticPeople(Math.min(PAGE, PEER_PEOPLE - page * PAGE), EVENTS, NOW, page);
    const started = performance.now();
    const results: Array<Awaited<ReturnType<typeof peer>>> = [];
    for (const record of records) results.push(await peer(record.person, record.events, NOW));
    peerMs += performance.now() - started;
    records.forEach((record, i) => {
      const explained = engine.explain(record.person, record.events, null, NOW);
      if (explained.decision.fit.score !== results[i]!.fitScore) fitMismatches++;
      // someone recycled by this evaluation has, by design, no engagement before the recycle
      if (explained.decision.recycledAt !== null) {
        recycledSkipped++;
        return;
      }
      const ruleCounts = new Map(explained.engagement.filter((e) => e.kind === 'rule').map((e) => [e.id, e.count + e.capped]));
      const peerCounts = new Map<string, number>();
      for (const index of results[i]!.matchedRules) {
        if (index < 0) continue;
        const id = rulebook.engagement.rules[index]!.id;
        peerCounts.set(id, (peerCounts.get(id) ?? 0) + 1);
      }
      if (JSON.stringify([...ruleCounts].sort()) !== JSON.stringify([...peerCounts].sort())) ruleMismatches++;
    });
    sampleMemory();
  }
  const peerRate = PEER_PEOPLE / (peerMs / 1000);

  const row = (name: string, people: number, ms: number, rate: number) =>
    `${name.padEnd(34)} ${people.toLocaleString('en-US').padStart(9)} ${(ms / 1000).toFixed(2).padStart(8)} s ${Math.round(rate).toLocaleString('en-US').padStart(10)} people/s`;
  console.log(`${'engine'.padEnd(34)} ${'people'.padStart(9)} ${'time'.padStart(10)} ${'throughput'.padStart(19)}`);
  console.log(row('Leadstage compiled engine', PEOPLE, engineMs, engineRate));
  console.log(row('json-rules-engine (fit+engagement)', PEER_PEOPLE, peerMs, peerRate));
  console.log(`\nratio: Leadstage is ${(engineRate / peerRate).toFixed(1)}× json-rules-engine (target ≥ 20×)`);
  console.log(`throughput target ≥ 100,000 people/s: ${engineRate >= 100_000 ? 'met' : 'NOT met'} (${Math.round(engineRate).toLocaleString('en-US')})`);
  console.log(`peak RSS: ${(peakRss / 1024 / 1024).toFixed(0)} MB`);
  console.log(
    `parity on ${PEER_PEOPLE.toLocaleString('en-US')} people: fit score mismatches ${fitMismatches}, engagement rule-match mismatches ${ruleMismatches}` +
      ` (${recycledSkipped} recycled people have no engagement by design and are compared on fit only)`,
  );
  console.log(`stages: ${Object.entries(stages).sort((a, b) => b[1] - a[1]).map(([stage, n]) => `${stage} ${n}`).join(', ')}`);
  if (fitMismatches > 0 || ruleMismatches > 0) process.exitCode = 1;
}

void main();
