/**
 * The log redactor on the shapes credentials travel in: Authorization headers, query strings,
 * form bodies and JSON quoted in messages, and deep in what is logged (nested meta objects, arrays,
 * errors and their causes), through the logger as production writes it; and credentials opened
 * from the store registered with it.
 */
import { Writable } from 'node:stream';
import winston from 'winston';
import { z } from 'zod';
import { openCredentials, sealCredentials } from '../../src/app/credentials';
import { createLogger } from '../../src/log/logger';
import { redact, registerSecret, scrubString } from '../../src/log/redact';
import { SecretBox, type Installation, type Store } from '../../src/store';

function jsonLines() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ format: 'json', transports: [new winston.transports.Stream({ stream })] }), lines };
}

const SF_SESSION = '00D5g000000abcd!AQ4AQJXgLb5xk9P2.vJzXq_wIcYHTaPd1Lw3m';
const HS_TOKEN = 'pat-na1-8f6e2c1a-3b4d-4e5f-9a0b-1c2d3e4f5a6b';

describe('headers', () => {
  it.each([
    [`Authorization: OAuth ${SF_SESSION}`, 'Authorization: OAuth [redacted]'],
    [`Authorization: Bearer ${HS_TOKEN}`, 'Authorization: Bearer [redacted]'],
    [`authorization: bearer ${HS_TOKEN}`, 'authorization: bearer [redacted]'],
    [`{"Authorization":"Bearer ${HS_TOKEN}"}`, '{"Authorization":"[redacted]"}'],
    ['Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: Basic [redacted]'],
  ])('%s', (text, expected) => {
    expect(scrubString(text)).toBe(expected);
  });

  it('leaves OAuth in prose alone', () => {
    expect(scrubString('OAuth callback received; OAuth authorization started')).toBe('OAuth callback received; OAuth authorization started');
  });
});

describe('query strings and form bodies', () => {
  it.each([
    ['https://api.example.test/oauth/v1/access-tokens/abc?access_token=ya29.a0Af-1&limit=10', 'https://api.example.test/oauth/v1/access-tokens/abc?access_token=[redacted]&limit=10'],
    ['GET /callback?code=4%2F0AX4XfW-1&state=s1', 'GET /callback?code=[redacted]&state=s1'],
    ['https://x.test/contacts?token=abc123&hapikey=def456', 'https://x.test/contacts?token=[redacted]&hapikey=[redacted]'],
    [
      'POST /services/oauth2/token grant_type=refresh_token&refresh_token=5Aep861-rt&client_id=3MVG9-id&client_secret=F00-cs',
      'POST /services/oauth2/token grant_type=refresh_token&refresh_token=[redacted]&client_id=3MVG9-id&client_secret=[redacted]',
    ],
    ['body: code=abc&redirect_uri=https%3A%2F%2Fx.test', 'body: code=[redacted]&redirect_uri=https%3A%2F%2Fx.test'],
    ['zipcode=12345&postal_code=99999', 'zipcode=12345&postal_code=99999'],
    ['response {"access_token":"ya29.secret","instance_url":"https://x.test","refresh_token":"rt-1"}', 'response {"access_token":"[redacted]","instance_url":"https://x.test","refresh_token":"[redacted]"}'],
  ])('%s', (text, expected) => {
    expect(scrubString(text)).toBe(expected);
  });
});

describe('deep objects', () => {
  it('redacts secret keys and scrubs strings in nested meta objects and arrays', () => {
    const { logger, lines } = jsonLines();
    logger.info('refresh', {
      installation: { id: 'i-1', credentials: { accessToken: 'a' }, calls: [{ url: '/x?access_token=zzz999', headers: { authorization: `OAuth ${SF_SESSION}` } }, `Bearer ${HS_TOKEN}`] },
      deeper: { a: { b: { c: { d: { refresh_token: 'rt-deep', note: `body refresh_token=rt-deep-2` } } } } },
    });
    const record = JSON.parse(lines[0]!);
    expect(record.installation).toEqual({ id: 'i-1', credentials: '[redacted]', calls: [{ url: '/x?access_token=[redacted]', headers: { authorization: '[redacted]' } }, 'Bearer [redacted]'] });
    expect(record.deeper.a.b.c.d).toEqual({ refresh_token: '[redacted]', note: 'body refresh_token=[redacted]' });
    expect(lines.join('')).not.toMatch(/zzz999|AQ4AQJX|8f6e2c1a|rt-deep/);
  });

  it('scrubs an error, its own fields and its causes, at any depth', () => {
    const root = new Error(`token endpoint said {"error":"invalid_grant"} for refresh_token=rt-cause-1`);
    const middle = new Error(`401 for Bearer ${HS_TOKEN}`, { cause: root });
    const top = Object.assign(new Error('sync failed', { cause: middle }), { status: 401, request: { headers: { Authorization: `OAuth ${SF_SESSION}` }, url: '/q?code=c-0001' } });
    const { logger, lines } = jsonLines();
    logger.error('job failed', { error: top, attempts: [new AggregateError([new Error('client_secret=cs-agg-1')], 'all failed')] });
    const record = JSON.parse(lines[0]!);
    expect(record.error).toMatchObject({
      name: 'Error',
      message: 'sync failed',
      status: 401,
      request: { headers: { Authorization: '[redacted]' }, url: '/q?code=[redacted]' },
      cause: { message: '401 for Bearer [redacted]', cause: { message: 'token endpoint said {"error":"invalid_grant"} for refresh_token=[redacted]' } },
    });
    expect(record.attempts[0].errors[0].message).toBe('client_secret=[redacted]');
    expect(lines.join('')).not.toMatch(/rt-cause-1|8f6e2c1a|AQ4AQJX|c-0001|cs-agg-1/);
  });

  it('survives a cycle', () => {
    const meta: Record<string, unknown> = { token: 'x' };
    meta.self = meta;
    expect(redact(meta)).toEqual({ token: '[redacted]', self: '[circular]' });
  });

  it('scrubs a registered secret also when it is URL-encoded', () => {
    registerSecret('sk/registered+secret==');
    expect(scrubString('a=sk/registered+secret== b=sk%2Fregistered%2Bsecret%3D%3D')).toBe('a=[redacted] b=[redacted]');
  });
});

describe('credentials opened from the store', () => {
  const installation = { id: 'inst-1', workspaceId: 'ws-1', provider: 'hubspot', displayName: 'Acme' } as Installation;
  const schema = z.object({ accessToken: z.string(), refreshToken: z.string(), clientId: z.string(), nested: z.object({ clientSecret: z.string() }) });

  it('have their secret fields registered with the redactor at once, whatever the connector does', async () => {
    const box = new SecretBox(SecretBox.generateKey());
    const credentials = { accessToken: 'at-opened-0001-zzzz', refreshToken: 'rt/opened+0002==', clientId: 'client-id-visible', nested: { clientSecret: 'cs-opened-0003' } };
    const store = { installations: { getCredentials: async () => sealCredentials(box, installation.id, credentials) } } as unknown as Store;
    expect(scrubString('at-opened-0001-zzzz cs-opened-0003')).toBe('at-opened-0001-zzzz cs-opened-0003');
    await openCredentials(store, box, installation, schema);
    expect(scrubString('GET /x?access=at-opened-0001-zzzz; body rt%2Fopened%2B0002%3D%3D; cs-opened-0003; client-id-visible')).toBe(
      'GET /x?access=[redacted]; body [redacted]; [redacted]; client-id-visible',
    );
  });
});

