/** The Bulk API 2.0 result parser (rfc4180-csv.util.ts): RFC 4180 quoting, line endings, errors. */
import { CsvParseError, parseCsv } from '../../src/connector/shared/rfc4180-csv.util';

describe('parseCsv (Bulk 2.0 results)', () => {
  it('reads a header and rows, empty fields as ""', () => {
    expect(parseCsv('Id,Name,Email\n00Q1,Ada,\n00Q2,,b@x.io\n')).toEqual([
      { Id: '00Q1', Name: 'Ada', Email: '' },
      { Id: '00Q2', Name: '', Email: 'b@x.io' },
    ]);
  });

  it('handles quoted commas, doubled quotes and line breaks inside quotes', () => {
    const text = 'Id,Description\r\n00Q1,"Line one\nLine two, with ""quotes"""\r\n00Q2,"a|b;c"\r\n';
    expect(parseCsv(text)).toEqual([
      { Id: '00Q1', Description: 'Line one\nLine two, with "quotes"' },
      { Id: '00Q2', Description: 'a|b;c' },
    ]);
  });

  it('keeps | and ; inside unquoted values (no multi-delimiter splitting)', () => {
    expect(parseCsv('Id,Title\n00Q1,VP | Ops; EMEA')).toEqual([{ Id: '00Q1', Title: 'VP | Ops; EMEA' }]);
  });

  it('reads a last row without a trailing line break, and a trailing empty field', () => {
    expect(parseCsv('A,B\n1,')).toEqual([{ A: '1', B: '' }]);
  });

  it('strips a byte-order mark and answers [] for an empty page', () => {
    expect(parseCsv('\uFEFFId\n1\n')).toEqual([{ Id: '1' }]);
    expect(parseCsv('')).toEqual([]);
  });

  it('names the line of a malformed row', () => {
    expect(() => parseCsv('A,B\n1,2\n3\n')).toThrow(CsvParseError);
    expect(() => parseCsv('A,B\n1,2\n3\n')).toThrow(/line 3/);
    expect(() => parseCsv('A\n"open')).toThrow(/unterminated/);
    expect(() => parseCsv('A\n"x"y\n')).toThrow(/after a closing quote/);
  });
});
