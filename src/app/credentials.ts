import type { z } from 'zod';
import { registerSecretsIn } from '../log/redact';
import type { Installation, Sealed, SecretBox, Store } from '../store';
import { SecretBoxError } from '../store/secret-box';

/**
 * A connector's credentials, kept sealed in the store; never logged or put in job data. Each
 * connector declares their shape (ConnectorModule.credentialsSchema): they are parsed on the way in
 * and on the way out, so a blob that does not fit is a clear error naming the fields, never a cast.
 */

/** The installation id binds the ciphertext to its row: copied elsewhere, it does not open. */
export function sealCredentials(box: SecretBox, installationId: string, credentials: unknown): Sealed {
  return box.seal(JSON.stringify(credentials), installationId);
}

/**
 * Opens an installation's credentials. Their secret fields (tokens, secrets, passwords: the keys the
 * log redactor treats as secret) are registered with the redactor at once, whatever the connector
 * does with them, so a token never reaches a log line even inside a URL or a message.
 */
export async function openCredentials<C>(store: Store, box: SecretBox, installation: Installation, schema: z.ZodType<C>): Promise<C> {
  const sealed = await store.installations.getCredentials(installation.workspaceId, installation.id);
  if (!sealed) throw new CredentialsError(installation, 'has no credentials');
  let text: string;
  try {
    text = box.open(sealed, installation.id);
  } catch (error) {
    // names the key id, never a key
    if (error instanceof SecretBoxError) {
      throw new CredentialsError(installation, `has credentials that cannot be opened (${error.message})`, 'configure the key that sealed them in LEADSTAGE_SECRET_KEY, or reconnect it');
    }
    throw error;
  }
  let opened: unknown;
  try {
    opened = JSON.parse(text);
  } catch {
    throw new CredentialsError(installation, 'has credentials that are not readable JSON');
  }
  registerSecretsIn(opened);
  return parseCredentials(installation, schema, opened);
}

/** Names each field that does not fit and why, never a value (values are secrets). */
export function parseCredentials<C>(installation: Pick<Installation, 'id' | 'provider' | 'displayName'>, schema: z.ZodType<C>, value: unknown): C {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(credentials)'}: ${issue.code === 'unrecognized_keys' ? `unexpected ${issue.keys.join(', ')}` : issue.code}`);
  throw new CredentialsError(installation, `has credentials that do not fit (${problems.join('; ')})`);
}

export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
  readonly code = 'CREDENTIALS_INVALID';
  /** Retrying cannot help: an admin must reconnect the system. */
  readonly retryable = false;
  constructor(installation: Pick<Installation, 'id' | 'provider' | 'displayName'>, problem: string, remedy = 'reconnect it') {
    super(`installation ${installation.id} (${installation.provider} ${installation.displayName}) ${problem}; ${remedy}`);
  }
}
