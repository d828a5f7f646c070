import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Ciphertext as the store keeps it. The brand means only `SecretBox.seal` makes one, so a plaintext
 * token cannot be handed to the installation repository by mistake (SPEC.md §7: tokens encrypted at rest).
 */
export type Sealed = string & { readonly __sealed: unique symbol };

const VERSION = 'v1';
const IV_BYTES = 12; // the GCM standard nonce size
const TAG_BYTES = 16;

function toKey(key: Buffer | string): Buffer {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'base64') : key;
  if (bytes.length !== 32) {
    throw new Error(`secret-box key must be 32 bytes (AES-256), got ${bytes.length}; pass it base64-encoded`);
  }
  return bytes;
}

/**
 * AES-256-GCM with a random nonce per message. `context` is bound as associated data (e.g. the
 * installation id), so ciphertext copied to another installation's row fails to open.
 * Format: `v1.<base64 nonce|tag|ciphertext>`; the version leaves room for key rotation.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer | string) {
    this.key = toKey(key);
  }

  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }

  seal(plaintext: string, context = ''): Sealed {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}` as Sealed;
  }

  /** Throws when the key, the context or a single byte of the ciphertext is wrong. */
  open(sealed: Sealed | string, context = ''): string {
    const [version, encoded] = sealed.split('.', 2);
    if (version !== VERSION || encoded === undefined) throw new Error('not a secret-box v1 ciphertext');
    const raw = Buffer.from(encoded, 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('secret-box ciphertext is truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('secret-box ciphertext could not be opened: wrong key, wrong context or tampered data');
    }
  }
}
