/**
 * Key rotation outside the store: LEADSTAGE_SECRET_KEY with several keys, the keys registered with
 * the log redactor, credentials sealed with an unknown key, and the `keys rotate` command line (the
 * store side is test/integration/keys-rotate.integration.test.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { CredentialsError, openCredentials, sealCredentials } from '../../src/app/credentials';
import { loadSecretKey } from '../../src/app/secret-key';
import { runCli } from '../../src/cli/main';
import { ConfigError, loadEnv } from '../../src/config/env';
import { scrubString } from '../../src/log/redact';
import type { Installation, Store } from '../../src/store';
import { SecretBox, keyIdOf } from '../../src/store/secret-box';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

const hexKey = () => Buffer.from(SecretBox.generateKey(), 'base64').toString('hex');

describe('LEADSTAGE_SECRET_KEY with several keys', () => {
  it('accepts the current key then old ones, comma-separated, hex or base64', () => {
    const [current, old] = [SecretBox.generateKey(), hexKey()];
    expect(loadEnv({ LEADSTAGE_SECRET_KEY: `${current}, ${old}` }).LEADSTAGE_SECRET_KEY).toBe(`${current}, ${old}`);
    const keys = loadSecretKey(`${current}, ${old}`, mkdtempSync(join(tmpdir(), 'leadstage-keys-')));
    expect(keys.map((key) => keyIdOf(key))).toEqual([keyIdOf(current), keyIdOf(Buffer.from(old, 'hex'))]);
  });

  it('refuses a list with anything that is not a key, without printing it', () => {
    const good = SecretBox.generateKey();
    for (const value of [`${good},not-a-key-at-all`, `${good},`]) {
      try {
        loadEnv({ LEADSTAGE_SECRET_KEY: value });
        throw new Error('expected a ConfigError');
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as Error).message).toMatch(/LEADSTAGE_SECRET_KEY: expected 32 bytes .*comma-separated, the current one first/);
        expect((error as Error).message).not.toContain(good);
        expect((error as Error).message).not.toContain('not-a-key-at-all');
      }
    }
  });

  it('registers every key with the log redactor, as written, in base64 and in hex', () => {
    const [current, old] = [SecretBox.generateKey(), hexKey()];
    loadSecretKey(`${current},${old}`, '/nonexistent');
    const line = `keys ${current} ${old} ${Buffer.from(old, 'hex').toString('base64')} ${Buffer.from(current, 'base64').toString('hex')}`;
    expect(scrubString(line)).toBe('keys [redacted] [redacted] [redacted] [redacted]');
  });
});

describe('opening credentials sealed with a key that is not configured', () => {
  const installation: Installation = {
    id: 'inst-1',
    workspaceId: 'ws-1',
    provider: 'hubspot',
    externalAccountId: '123',
    displayName: 'Acme',
    status: 'active',
    hasCredentials: true,
    statusReason: null,
    ratePolicy: null,
    createdAt: '2026-11-27T12:00:00Z',
    updatedAt: '2026-11-27T12:00:00Z',
  };
  const storeHolding = (sealed: string) => ({ installations: { getCredentials: async () => sealed } }) as unknown as Store;
  const schema = z.object({ accessToken: z.string(), refreshToken: z.string(), clientId: z.string(), nested: z.object({ clientSecret: z.string() }) });

  it('says which key id sealed credentials that no configured key opens, and never a key', async () => {
    const [a, b] = [SecretBox.generateKey(), SecretBox.generateKey()];
    const sealed = sealCredentials(new SecretBox(a), installation.id, { accessToken: 'x', refreshToken: 'y', clientId: 'z', nested: { clientSecret: 'w' } });
    const failure = await openCredentials(storeHolding(sealed), new SecretBox(b), installation, schema).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CredentialsError);
    expect((failure as Error).message).toBe(
      `installation inst-1 (hubspot Acme) has credentials that cannot be opened (secret-box ciphertext was sealed with key id ${keyIdOf(a)}, which is not among the configured keys (${keyIdOf(b)}); configure that key after the current one); configure the key that sealed them in LEADSTAGE_SECRET_KEY, or reconnect it`,
    );
    expect((failure as Error).message).not.toContain(a);
  });
});

describe('leadstage keys rotate (command line)', () => {
  it('answers --help', async () => {
    const { code, out } = await run('keys', 'rotate', '--help');
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/^usage: leadstage keys rotate\n\nRe-seals every installation's credentials/);
  });

  it('refuses an unknown option with the usage line, exit code 2', async () => {
    const { code, err } = await run('keys', 'rotate', '--all');
    expect(code).toBe(2);
    expect(err.join('\n')).toBe('unknown option --all\nusage: leadstage keys rotate');
  });

  it('is listed in the help and under "keys"', async () => {
    expect((await run('--help')).out.join('\n')).toMatch(/keys rotate +re-seal every stored credential/);
    expect((await run('keys', '--help')).out).toEqual(['usage: leadstage keys rotate']);
    expect((await run('keys')).code).toBe(2);
  });
});
