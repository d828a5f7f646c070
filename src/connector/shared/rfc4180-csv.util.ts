/**
 * Parses one page of Bulk API 2.0 query results (RFC 4180 CSV, comma-delimited, LF or CRLF line
 * endings) into records keyed by the header row. Quoted fields may hold commas, quotes (doubled) and
 * line breaks. Hand-written because jsforce's own CSV step splits on any of six delimiters at once
 * (a `|` or `;` inside an unquoted value would split it), and csv-parse is only a transitive
 * dependency. An empty field is "" (Bulk 2.0 writes null as empty).
 */
export class CsvParseError extends Error {
  override readonly name = 'CsvParseError';
  constructor(message: string, readonly line: number) {
    super(`${message} (CSV line ${line})`);
  }
}

export function parseCsv(text: string): Record<string, string>[] {
  const rows = parseRows(text);
  const header = rows.shift();
  if (!header) return [];
  const out: Record<string, string>[] = [];
  for (const [index, row] of rows.entries()) {
    if (row.length === 1 && row[0] === '' && header.length > 1) continue; // a blank line
    if (row.length !== header.length) {
      throw new CsvParseError(`expected ${header.length} fields, found ${row.length}`, index + 2);
    }
    const record: Record<string, string> = {};
    header.forEach((name, i) => {
      record[name] = row[i] ?? '';
    });
    out.push(record);
  }
  return out;
}

function parseRows(input: string): string[][] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let line = 1;
  let i = 0;
  let atFieldStart = true;
  const endField = () => {
    row.push(field);
    field = '';
    atFieldStart = true;
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const c = text[i]!;
    if (atFieldStart && c === '"') {
      // quoted field: up to the closing quote; "" is one quote
      i += 1;
      const startLine = line;
      for (;;) {
        if (i >= text.length) throw new CsvParseError('unterminated quoted field', startLine);
        const q = text[i]!;
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        if (q === '\n') line += 1;
        field += q;
        i += 1;
      }
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        throw new CsvParseError('unexpected character after a closing quote', line);
      }
      atFieldStart = false;
      continue;
    }
    if (c === ',') {
      endField();
      i += 1;
      continue;
    }
    if (c === '\r' && text[i + 1] === '\n') {
      endRow();
      line += 1;
      i += 2;
      continue;
    }
    if (c === '\n') {
      endRow();
      line += 1;
      i += 1;
      continue;
    }
    if (c === '"') throw new CsvParseError('quote inside an unquoted field', line);
    field += c;
    atFieldStart = false;
    i += 1;
  }
  // the last row, unless the text ended with a line break
  if (!atFieldStart || row.length > 0) endRow();
  return rows;
}
