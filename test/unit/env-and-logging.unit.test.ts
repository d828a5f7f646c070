import { Writable } from 'node:stream';
import winston from 'winston';
import { ConfigError, loadEnv } from '../../src/config/env';
import { createLogger } from '../../src/log/logger';
import { redact, registerSecret } from '../../src/log/redact';

describe('environment configuration', () => {
  it('applies defaults when nothing is set', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ NODE_ENV: 'development', REDIS_URL: 'redis://127.0.0.1:6379', PORT: 3000, LEADSTAGE_DATA_DIR: '.data' });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('lists every bad or missing variable in one error, without echoing values', () => {
    try {
      loadEnv({ NODE_ENV: 'production', PORT: 'eighty', REDIS_URL: 'http://nope', DATABASE_URL: 'mysql://x', LEADSTAGE_SECRET_KEY: undefined, HUBSPOT_ACCESS_TOKEN: '' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const { problems, message } = error as ConfigError;
      expect(problems.map((p) => p.split(':')[0])).toEqual(expect.arrayContaining(['PORT', 'REDIS_URL', 'DATABASE_URL', 'LEADSTAGE_SECRET_KEY']));
      expect(message).toMatch(/LEADSTAGE_SECRET_KEY: required in production/);
    }
  });

  it('binds the servers to HOST (127.0.0.1 unless set) and serves the worker health on WORKER_HEALTH_PORT', () => {
    expect(loadEnv({})).toMatchObject({ HOST: '127.0.0.1', WORKER_HEALTH_PORT: 3001 });
    expect(loadEnv({ HOST: '0.0.0.0', WORKER_HEALTH_PORT: '9001' })).toMatchObject({ HOST: '0.0.0.0', WORKER_HEALTH_PORT: 9001 });
    expect(loadEnv({ HOST: '::' }).HOST).toBe('::');
    expect(loadEnv({ HOST: 'leadstage-web.internal' }).HOST).toBe('leadstage-web.internal');
    expect(() => loadEnv({ HOST: 'every interface', WORKER_HEALTH_PORT: '70000' })).toThrow(
      /HOST: expected an IP address or host name, e\.g\. 0\.0\.0\.0 or 127\.0\.0\.1\n  - WORKER_HEALTH_PORT: expected a port number/,
    );
  });

  it('rejects a secret key of the wrong length without printing it', () => {
    try {
      loadEnv({ LEADSTAGE_SECRET_KEY: 'abc123-very-secret' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as Error).message).toMatch(/LEADSTAGE_SECRET_KEY: expected 32 bytes/);
      expect((error as Error).message).not.toContain('abc123-very-secret');
    }
  });
});

describe('logging', () => {
  function capture(format: 'json' | 'pretty') {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ format, transports: [new winston.transports.Stream({ stream })] });
    return { logger, lines };
  }

  it('redacts secret-looking keys, bearer tokens and registered secret values', () => {
    registerSecret('pat-na1-0123456789abcdef');
    const { logger, lines } = capture('json');
    logger.info('calling HubSpot with pat-na1-0123456789abcdef', {
      accessToken: 'anything',
      nested: { refresh_token: 'r-1', headers: { Authorization: 'Bearer abcdefghijkl' } },
      note: 'header was Bearer abcdefghijkl',
      portalId: 12345,
    });
    const record = JSON.parse(lines[0]!);
    expect(record.message).toBe('calling HubSpot with [redacted]');
    expect(record.accessToken).toBe('[redacted]');
    expect(record.nested.refresh_token).toBe('[redacted]');
    expect(record.nested.headers.Authorization).toBe('[redacted]');
    expect(record.note).toBe('header was Bearer [redacted]');
    expect(record.portalId).toBe(12345);
    expect(lines.join('')).not.toMatch(/abcdefghijkl|0123456789abcdef|r-1/);
  });

  it('writes JSON in production and readable lines in development', () => {
    const json = capture('json');
    json.logger.warn('sync slow', { installationId: 'i-1' });
    expect(JSON.parse(json.lines[0]!)).toMatchObject({ level: 'warn', message: 'sync slow', installationId: 'i-1' });
    const pretty = capture('pretty');
    pretty.logger.info('started', { port: 3000 });
    expect(pretty.lines[0]).toMatch(/^\d\d:\d\d:\d\d info  started \{"port":3000\}/);
  });

  it('scrubs errors, including their stack', () => {
    const scrubbed = redact(new Error('401 for Bearer secretvalue123')) as { message: string; stack: string };
    expect(scrubbed.message).toBe('401 for Bearer [redacted]');
    expect(scrubbed.stack).not.toContain('secretvalue123');
  });
});
