import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Ciphertext as the store keeps it. The brand means only `SecretBox.seal` makes one, so a plaintext
 * token cannot be handed to the installation repository by mistake (SPEC.md §7: tokens encrypted at rest).
 */
export type Sealed = string & { readonly __sealed: unique symbol };

/** Before key ids: `v1.<base64>`, sealed with the one key there was. Still opened, never written. */
const V1 = 'v1';
/** `v2.<key id>.<base64>`: the key id names the key that sealed it. */
const V2 = 'v2';
const IV_BYTES = 12; // the GCM standard nonce size
const TAG_BYTES = 16;
const KEY_ID_LABEL = 'leadstage secret-box key id\u0000';

function toKey(key: Buffer | string): Buffer {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'base64') : key;
  if (bytes.length !== 32) {
    throw new Error(`secret-box key must be 32 bytes (AES-256), got ${bytes.length}; pass it base64-encoded`);
  }
  return bytes;
}

/**
 * A key's public name: the first 8 hex digits of SHA-256 over a label and the key. It tells keys
 * apart in sealed values, logs and errors; it reveals nothing usable about the key (32 bits of a
 * hash of 256 random bits).
 */
export function keyIdOf(key: Buffer | string): string {
  return createHash('sha256').update(KEY_ID_LABEL).update(toKey(key)).digest('hex').slice(0, 8);
}

/** A sealed value that cannot be opened: which key it names (never a key), and why. */
export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
  constructor(
    readonly reason: 'malformed' | 'unknown_key' | 'unreadable',
    message: string,
    /** The key id the value names; null for a value sealed before key ids. */
    readonly keyId: string | null = null,
  ) {
    super(message);
  }
}

interface Key {
  id: string;
  key: Buffer;
}

/**
 * AES-256-GCM with a random nonce per message. `context` is bound as associated data (e.g. the
 * installation id), so ciphertext copied to another installation's row fails to open.
 *
 * Key rotation: a box holds the current key first, then older ones. It seals with the current key
 * and writes that key's id in the value (`v2.<key id>.<base64 nonce|tag|ciphertext>`); it opens a
 * value with the key its id names. Values sealed before key ids (`v1.<base64>`) open with whichever
 * configured key fits, so existing stores keep working; `leadstage keys rotate` re-seals everything
 * with the current key, after which the old keys can go.
 */
export class SecretBox {
  private readonly keys: readonly Key[];

  /** One key, or several: the first is the current one (it seals), the rest only open. */
  constructor(keys: Buffer | string | ReadonlyArray<Buffer | string>) {
    const list = Array.isArray(keys) ? (keys as ReadonlyArray<Buffer | string>) : [keys as Buffer | string];
    if (list.length === 0) throw new Error('secret-box needs at least one key');
    const seen = new Set<string>();
    this.keys = list
      .map((key) => ({ id: keyIdOf(key), key: toKey(key) }))
      .filter(({ key }) => {
        const hex = key.toString('hex');
        if (seen.has(hex)) return false;
        seen.add(hex);
        return true;
      });
  }

  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }

  /** The id of the key that seals. */
  get keyId(): string {
    return this.keys[0]!.id;
  }

  /** Every configured key's id, the current one first. */
  get keyIds(): string[] {
    return this.keys.map((key) => key.id);
  }

  /** The key id a sealed value names, or null when it was sealed before key ids (v1). Throws when it is no sealed value. */
  static keyIdIn(sealed: Sealed | string): string | null {
    return parse(sealed).keyId;
  }

  /** Whether a value is sealed with the current key (so rotating it would change nothing); false for anything malformed. */
  isCurrent(sealed: Sealed | string): boolean {
    try {
      return SecretBox.keyIdIn(sealed) === this.keyId;
    } catch (error) {
      if (error instanceof SecretBoxError) return false;
      throw error;
    }
  }

  seal(plaintext: string, context = ''): Sealed {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${V2}.${id}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}` as Sealed;
  }

  /**
   * Opens with the key the value names (a v1 value: with each configured key in turn). Throws a
   * SecretBoxError when that key is not configured, or when the key, the context or a single byte
   * of the ciphertext is wrong.
   */
  open(sealed: Sealed | string, context = ''): string {
    const { keyId, raw } = parse(sealed);
    const candidates = keyId === null ? this.keys : this.keys.filter((key) => key.id === keyId);
    if (candidates.length === 0) {
      throw new SecretBoxError(
        'unknown_key',
        `secret-box ciphertext was sealed with key id ${keyId}, which is not among the configured keys (${this.keyIds.join(', ')}); configure that key after the current one`,
        keyId,
      );
    }
    for (const { key } of candidates) {
      const opened = tryOpen(key, raw, context);
      if (opened !== null) return opened;
    }
    throw new SecretBoxError(
      'unreadable',
      keyId === null
        ? `secret-box ciphertext (sealed before key ids) could not be opened with any of the ${this.keys.length} configured key${this.keys.length === 1 ? '' : 's'}: wrong key, wrong context or tampered data`
        : `secret-box ciphertext could not be opened with key id ${keyId}: wrong context or tampered data`,
      keyId,
    );
  }

  /** The same plaintext sealed with the current key (a fresh nonce), for rotation. */
  reseal(sealed: Sealed | string, context = ''): Sealed {
    return this.seal(this.open(sealed, context), context);
  }
}

function parse(sealed: string): { keyId: string | null; raw: Buffer } {
  const parts = sealed.split('.');
  let keyId: string | null;
  let encoded: string | undefined;
  if (parts[0] === V1 && parts.length === 2) [keyId, encoded] = [null, parts[1]];
  else if (parts[0] === V2 && parts.length === 3 && /^[0-9a-f]{8}$/.test(parts[1]!)) [keyId, encoded] = [parts[1]!, parts[2]];
  else throw new SecretBoxError('malformed', 'not a secret-box ciphertext (v2.<key id>.<data>, or v1.<data> from before key ids)');
  const raw = Buffer.from(encoded!, 'base64');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError('malformed', 'secret-box ciphertext is truncated', keyId);
  return { keyId, raw };
}

/** The plaintext, or null when this key (with this context) does not open it. */
function tryOpen(key: Buffer, raw: Buffer, context: string): string | null {
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
