/**
 * The console's multipart reader (src/web/http/multipart.ts): a browser's upload form (a file and
 * the CSRF field) reads into fields and files; a malformed body is refused naming what is wrong.
 */
import { MultipartError, parseMultipart } from '../../src/web/http/multipart';

const BOUNDARY = '----WebKitFormBoundaryx8FzQ2';
const TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

function body(parts: string[]): Buffer {
  return Buffer.from(`${parts.map((p) => `--${BOUNDARY}\r\n${p}\r\n`).join('')}--${BOUNDARY}--\r\n`, 'utf8');
}

describe('parseMultipart', () => {
  it('reads the text fields and the file, its content byte for byte, its name without a path', () => {
    const yaml = 'mappings:\r\n  - { objectType: lead, canonicalField: score }\r\n# “quotes” and ü\r\n';
    const form = parseMultipart(body([
      'Content-Disposition: form-data; name="_csrf"\r\n\r\ntoken-1',
      `Content-Disposition: form-data; name="file"; filename="C:\\\\Users\\\\ana\\\\mapping.yaml"\r\nContent-Type: application/yaml\r\n\r\n${yaml}`,
    ]), TYPE);
    expect(form.fields).toEqual({ _csrf: 'token-1' });
    expect(form.files.file!.filename).toBe('mapping.yaml');
    expect(form.files.file!.content.toString('utf8')).toBe(yaml);
  });

  it('gives an empty file with no name when none was chosen', () => {
    const form = parseMultipart(body(['Content-Disposition: form-data; name="file"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n']), TYPE);
    expect(form.files.file).toEqual({ filename: '', content: Buffer.alloc(0) });
  });

  it.each([
    ['no boundary in the content type', body(['Content-Disposition: form-data; name="a"\r\n\r\n1']), 'multipart/form-data', /no multipart boundary/],
    ['a body cut before its closing boundary', Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1`), TYPE, /ends before its closing boundary/],
    ['a part without a form-data name', body(['Content-Type: text/plain\r\n\r\n1']), TYPE, /no form-data name/],
    ['too many parts', body(Array.from({ length: 11 }, (_, i) => `Content-Disposition: form-data; name="f${i}"\r\n\r\n${i}`)), TYPE, /more than 10 parts/],
  ])('refuses %s', (_what, raw, type, message) => {
    expect(() => parseMultipart(raw, type)).toThrow(MultipartError);
    expect(() => parseMultipart(raw, type)).toThrow(message);
  });
});
