import { readFileSync } from 'node:fs';
import { LineCounter, isMap, isPair, isScalar, parseDocument, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { formatPath } from '../util/format-path.util';
import { describeIssue } from '../util/zod-issue.util';
import { checkReferences } from './references';
import { RulebookValidationError, type RulebookIssue } from './rulebook-error';
import { RulebookSchema, type Rulebook } from './schema';

type Path = ReadonlyArray<PropertyKey>;

/**
 * How many nodes YAML aliases (`*name`) may expand to. A rulebook may reuse a condition through an
 * anchor and aliases; a "billion laughs" document (aliases of lists of aliases) would expand to
 * billions of nodes and exhaust memory, and is refused instead. 100 is the yaml package's default,
 * set here so it is a decision, not an accident.
 */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses and validates a rulebook. Throws RulebookValidationError listing every problem, each with
 * its YAML path and line, so an admin fixes them all in one pass.
 */
export function parseRulebook(text: string, source = 'rulebook'): Rulebook {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });

  if (doc.errors.length > 0) {
    throw new RulebookValidationError(
      source,
      doc.errors.map((error) => {
        const position = lineCounter.linePos(error.pos[0]);
        return { path: '(yaml)', line: position.line, column: position.col, message: firstLine(error.message) };
      }),
    );
  }

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // the yaml package signals alias trouble (too many expansions, an alias without its anchor) with a ReferenceError
    if (!(error instanceof ReferenceError)) throw error;
    throw new RulebookValidationError(source, [aliasIssue(doc, lineCounter, error)]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new RulebookValidationError(source, [
      { path: '(root)', line: 1, column: 1, message: 'expected a YAML mapping with version, lists, fit, engagement, …' },
    ]);
  }

  const locate = (path: Path, key?: string) => locateNode(doc, lineCounter, path, key);
  const parsed = RulebookSchema.safeParse(raw);
  if (!parsed.success) {
    throw new RulebookValidationError(source, sortIssues(parsed.error.issues.flatMap((issue) => describeZodIssue(issue, locate, raw))));
  }

  const referenceIssues = checkReferences(parsed.data);
  if (referenceIssues.length > 0) {
    throw new RulebookValidationError(
      source,
      sortIssues(referenceIssues.map((issue) => ({ path: formatPath(issue.path), message: issue.message, ...locate(issue.path) }))),
    );
  }
  return parsed.data;
}

/** Located at the first alias in the document: where the expansion starts. */
function aliasIssue(doc: Document, lineCounter: LineCounter, error: ReferenceError): RulebookIssue {
  let first: Node | null = null;
  visit(doc, {
    Alias(_key, node) {
      first = node;
      return visit.BREAK;
    },
  });
  const start = (first as Node | null)?.range?.[0];
  const position = start === undefined ? null : lineCounter.linePos(start);
  const message = /excessive alias count/i.test(error.message)
    ? `YAML aliases (*name) expand to more than ${MAX_ALIAS_COUNT} nodes, as in a "billion laughs" document that would exhaust memory; reuse parts with fewer aliases (no aliases of lists of aliases)`
    : `YAML alias problem: ${firstLine(error.message)}`;
  return { path: '(yaml)', line: position?.line ?? null, column: position?.col ?? null, message };
}

export function loadRulebookFile(file: string): Rulebook {
  return parseRulebook(readFileSync(file, 'utf8'), file);
}

type Locator = (path: Path, key?: string) => { line: number | null; column: number | null };

function describeZodIssue(issue: z.core.$ZodIssue, locate: Locator, input: unknown): RulebookIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: formatPath([...issue.path, key]),
      message: `unknown key "${key}" (a misspelt key would silently disable a rule, so it is an error)`,
      ...locate(issue.path, key),
    }));
  }
  // what was expected and the value given (zod's own texts are terse: "expected number, received string")
  return [{ path: formatPath(issue.path), message: describeIssue(issue, input), ...locate(issue.path) }];
}

/** Finds the closest YAML node for a path; for an unknown key, the key itself. */
function locateNode(doc: Document, lineCounter: LineCounter, path: Path, key?: string) {
  let node: unknown = doc.contents;
  let found: Node | null = isNodeWithRange(node) ? node : null;
  for (const segment of path) {
    const child = childOf(node, segment);
    if (child === undefined) break;
    node = child;
    if (isNodeWithRange(child)) found = child;
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
    if (pair && isNodeWithRange(pair.key)) found = pair.key;
  }
  if (!found?.range) return { line: null, column: null };
  const position = lineCounter.linePos(found.range[0]);
  return { line: position.line, column: position.col };
}

function childOf(node: unknown, segment: PropertyKey): unknown {
  if (node && typeof node === 'object' && 'items' in node && Array.isArray((node as { items: unknown[] }).items)) {
    const items = (node as { items: unknown[] }).items;
    if (typeof segment === 'number') return items[segment];
    const pair = items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
    return isPair(pair) ? pair.value : undefined;
  }
  return undefined;
}

function isNodeWithRange(node: unknown): node is Node {
  return !!node && typeof node === 'object' && 'range' in node && Array.isArray((node as Node).range);
}

function sortIssues(issues: RulebookIssue[]): RulebookIssue[] {
  return [...issues].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0));
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
