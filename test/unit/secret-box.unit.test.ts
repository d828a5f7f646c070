import { SecretBox, SecretBoxError, keyIdOf } from '../../src/store/secret-box';

describe('SecretBox (AES-256-GCM for credentials at rest)', () => {
  const key = SecretBox.generateKey();
  const box = new SecretBox(key);
  const token = 'ya29.a0AfH6SMBx-refresh-token-for-org-00D5g000000abcd';

  it('opens what it sealed, and the ciphertext does not contain the plaintext', () => {
    const sealed = box.seal(token, 'salesforce:00D5g000000abcd');
    expect(sealed).toMatch(new RegExp(`^v2\\.${box.keyId}\\.`));
    expect(sealed).not.toContain(token);
    expect(sealed).not.toContain(Buffer.from(token).toString('base64').slice(0, 16));
    expect(box.open(sealed, 'salesforce:00D5g000000abcd')).toBe(token);
  });

  it('uses a fresh nonce every time', () => {
    expect(box.seal(token)).not.toBe(box.seal(token));
  });

  it('refuses the wrong key, the wrong context and tampered data', () => {
    const sealed = box.seal(token, 'hubspot:123');
    expect(() => new SecretBox(SecretBox.generateKey()).open(sealed, 'hubspot:123')).toThrow(/sealed with key id [0-9a-f]{8}, which is not among the configured keys/);
    expect(() => box.open(sealed, 'hubspot:456')).toThrow(/could not be opened/);
    const [version, keyId, data] = sealed.split('.');
    const raw = Buffer.from(data!, 'base64');
    raw[raw.length - 1] = raw[raw.length - 1]! ^ 1;
    expect(() => box.open(`${version}.${keyId}.${raw.toString('base64')}`, 'hubspot:123')).toThrow(/could not be opened/);
    expect(() => box.open('plaintext-token')).toThrow(/not a secret-box ciphertext/);
  });

  it('requires a 32-byte key', () => {
    expect(() => new SecretBox(Buffer.alloc(16))).toThrow(/must be 32 bytes/);
    expect(() => new SecretBox(Buffer.from(key, 'base64'))).not.toThrow();
  });
});

describe('SecretBox key rotation', () => {
  const A = SecretBox.generateKey();
  const B = SecretBox.generateKey();
  const C = SecretBox.generateKey();
  const token = '{"accessToken":"pat-na1-0123-rotation-test","refreshToken":"r-0123456789"}';
  const context = 'installation-1';

  it('names each key by a short hash: 8 hex digits, stable, different per key, nothing of the key', () => {
    expect(keyIdOf(A)).toMatch(/^[0-9a-f]{8}$/);
    expect(keyIdOf(A)).toBe(keyIdOf(Buffer.from(A, 'base64')));
    expect(keyIdOf(A)).not.toBe(keyIdOf(B));
    expect(new SecretBox([B, A]).keyIds).toEqual([keyIdOf(B), keyIdOf(A)]);
    expect(Buffer.from(A, 'base64').toString('hex')).not.toContain(keyIdOf(A));
  });

  it('seals with A; "B,A" opens it; rotated, "B" alone opens it', () => {
    const sealedWithA = new SecretBox(A).seal(token, context);
    expect(SecretBox.keyIdIn(sealedWithA)).toBe(keyIdOf(A));
    const during = new SecretBox([B, A]);
    expect(during.open(sealedWithA, context)).toBe(token);
    expect(during.isCurrent(sealedWithA)).toBe(false);
    const rotated = during.reseal(sealedWithA, context);
    expect(during.isCurrent(rotated)).toBe(true);
    expect(SecretBox.keyIdIn(rotated)).toBe(keyIdOf(B));
    expect(new SecretBox(B).open(rotated, context)).toBe(token);
    // and the rotated value no longer needs A: A alone cannot open it
    expect(() => new SecretBox(A).open(rotated, context)).toThrow(SecretBoxError);
  });

  it('refuses a value sealed with a key that is not configured, naming its key id and never a key', () => {
    const sealedWithC = new SecretBox(C).seal(token, context);
    let failure: SecretBoxError | null = null;
    try {
      new SecretBox([B, A]).open(sealedWithC, context);
    } catch (error) {
      failure = error as SecretBoxError;
    }
    expect(failure).toBeInstanceOf(SecretBoxError);
    expect(failure!.reason).toBe('unknown_key');
    expect(failure!.keyId).toBe(keyIdOf(C));
    expect(failure!.message).toBe(
      `secret-box ciphertext was sealed with key id ${keyIdOf(C)}, which is not among the configured keys (${keyIdOf(B)}, ${keyIdOf(A)}); configure that key after the current one`,
    );
    for (const key of [A, B, C]) {
      expect(failure!.message).not.toContain(key);
      expect(failure!.message).not.toContain(Buffer.from(key, 'base64').toString('hex'));
    }
  });

  // sealed by the SecretBox before key ids (commit c1195a2), with the key 0x07 × 32 and context installation-1
  const LEGACY_KEY = Buffer.alloc(32, 7);
  const LEGACY = 'v1.Xw0it1SCBKLGjJqDqjK3IWJDebXJfvnskKl3HIWvhreFw6Da3bUmch3f5gSTW110qLKRbeidtWSPJK8jixAX4Y93clBk+LA=';
  const LEGACY_PLAINTEXT = '{"accessToken":"pat-na1-legacy-token-0001"}';

  it('opens values sealed before key ids with whichever configured key fits, and rotates them', () => {
    expect(SecretBox.keyIdIn(LEGACY)).toBeNull();
    expect(new SecretBox(LEGACY_KEY).open(LEGACY, context)).toBe(LEGACY_PLAINTEXT);
    const during = new SecretBox([B, LEGACY_KEY]);
    expect(during.open(LEGACY, context)).toBe(LEGACY_PLAINTEXT);
    expect(during.isCurrent(LEGACY)).toBe(false);
    expect(new SecretBox(B).open(during.reseal(LEGACY, context), context)).toBe(LEGACY_PLAINTEXT);
    expect(() => new SecretBox([B, A]).open(LEGACY, context)).toThrow(/sealed before key ids\) could not be opened with any of the 2 configured keys/);
  });
});

