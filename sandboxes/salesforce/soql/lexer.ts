/**
 * Splits SOQL text into tokens. Keywords are not told apart from names here: SOQL lets many keywords
 * appear as names (`FROM Order`), so the parser decides by position. Errors use the wording of
 * Salesforce's ANTLR-generated parser (`line 1:27 no viable alternative at character '%'`).
 */
import { decodeSoqlString } from './string-literal';
import { malformed, type SoqlPosition } from './soql-error';

export type Token =
  | { kind: 'identifier' | 'number' | 'date' | 'datetime' | 'symbol'; text: string; position: SoqlPosition }
  /** `value` is decoded; `raw` is the text between the quotes with its escapes (LIKE needs them). */
  | { kind: 'string'; text: string; value: string; raw: string; position: SoqlPosition }
  | { kind: 'eof'; text: ''; position: SoqlPosition };

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/y;
// the longest literal shape first: a datetime starts like a date, a date like a number
const DATETIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})/y;
const DATE = /\d{4}-\d{2}-\d{2}(?![\d:T])/y;
const NUMBER = /-?\d+(?:\.\d+)?(?![\d.])/y;
const SYMBOLS = ['!=', '<>', '<=', '>=', '=', '<', '>', '(', ')', ',', '.', ':'];

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let index = 0;
  const positionAt = (offset: number): SoqlPosition => ({ line, column: offset - lineStart });

  while (index < text.length) {
    const char = text[index]!;
    if (char === '\n') {
      index++;
      line++;
      lineStart = index;
      continue;
    }
    if (char === ' ' || char === '\t' || char === '\r') {
      index++;
      continue;
    }
    const position = positionAt(index);
    if (char === "'") {
      const end = closingQuote(text, index + 1);
      if (end < 0) throw malformed(`line ${position.line}:${position.column} mismatched character '<EOF>' expecting '''`, position);
      const raw = text.slice(index + 1, end);
      const decoded = decodeSoqlString(raw);
      if (!decoded.ok) {
        throw malformed(
          `line ${position.line}:${position.column} Invalid string literal '${raw}'. Illegal character sequence '${decoded.badSequence}' in string literal.`,
          position,
        );
      }
      tokens.push({ kind: 'string', text: text.slice(index, end + 1), value: decoded.value, raw, position });
      index = end + 1;
      continue;
    }
    const literal = matchAt(DATETIME, text, index, 'datetime') ?? matchAt(DATE, text, index, 'date') ?? matchAt(NUMBER, text, index, 'number');
    const word = literal ?? matchAt(IDENTIFIER, text, index, 'identifier');
    if (word) {
      tokens.push({ ...word, position });
      index += word.text.length;
      continue;
    }
    const symbol = SYMBOLS.find((candidate) => text.startsWith(candidate, index));
    if (symbol === undefined) {
      throw malformed(`line ${position.line}:${position.column} no viable alternative at character '${char}'`, position);
    }
    tokens.push({ kind: 'symbol', text: symbol, position });
    index += symbol.length;
  }
  tokens.push({ kind: 'eof', text: '', position: positionAt(index) });
  return tokens;
}

function matchAt<K extends 'identifier' | 'number' | 'date' | 'datetime'>(
  pattern: RegExp,
  text: string,
  index: number,
  kind: K,
): { kind: K; text: string } | undefined {
  pattern.lastIndex = index;
  const match = pattern.exec(text);
  return match ? { kind, text: match[0] } : undefined;
}

/** The index of the quote closing a string that starts at `start`, or -1; a backslash escapes the next character. */
function closingQuote(text: string, start: number): number {
  for (let i = start; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === "'") return i;
  }
  return -1;
}
