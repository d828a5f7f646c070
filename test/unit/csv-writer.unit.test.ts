import { parseCsv } from '../../src/connector/shared/rfc4180-csv.util';
import { toCsv } from '../../src/util/csv-writer.util';

describe('toCsv', () => {
  it('writes RFC 4180: CRLF, quotes only where needed, doubled quotes, empty nulls', () => {
    const text = toCsv(['reason', 'n', 'note'], [['rejected, bad timing', 2, null], ['said "no"', 1, 'line\nbreak'], ['plain', 0, undefined]]);
    expect(text).toBe('reason,n,note\r\n"rejected, bad timing",2,\r\n"said ""no""",1,"line\nbreak"\r\nplain,0,\r\n');
    expect(parseCsv(text)).toEqual([
      { reason: 'rejected, bad timing', n: '2', note: '' },
      { reason: 'said "no"', n: '1', note: 'line\nbreak' },
      { reason: 'plain', n: '0', note: '' },
    ]);
  });

  it('never lets a spreadsheet read a value as a formula', () => {
    expect(toCsv(['source'], [['=HYPERLINK("x")'], ['-5'], [-5]])).toBe('source\r\n"\'=HYPERLINK(""x"")"\r\n\'-5\r\n-5\r\n');
  });
});
