import { SecretBox } from '../../src/store/secret-box';

describe('SecretBox (AES-256-GCM for credentials at rest)', () => {
  const key = SecretBox.generateKey();
  const box = new SecretBox(key);
  const token = 'ya29.a0AfH6SMBx-refresh-token-for-org-00D5g000000abcd';

  it('opens what it sealed, and the ciphertext does not contain the plaintext', () => {
    const sealed = box.seal(token, 'salesforce:00D5g000000abcd');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain(token);
    expect(sealed).not.toContain(Buffer.from(token).toString('base64').slice(0, 16));
    expect(box.open(sealed, 'salesforce:00D5g000000abcd')).toBe(token);
  });

  it('uses a fresh nonce every time', () => {
    expect(box.seal(token)).not.toBe(box.seal(token));
  });

  it('refuses the wrong key, the wrong context and tampered data', () => {
    const sealed = box.seal(token, 'hubspot:123');
    expect(() => new SecretBox(SecretBox.generateKey()).open(sealed, 'hubspot:123')).toThrow(/could not be opened/);
    expect(() => box.open(sealed, 'hubspot:456')).toThrow(/could not be opened/);
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1] = raw[raw.length - 1]! ^ 1;
    expect(() => box.open(`v1.${raw.toString('base64')}`, 'hubspot:123')).toThrow(/could not be opened/);
    expect(() => box.open('plaintext-token')).toThrow(/not a secret-box v1 ciphertext/);
  });

  it('requires a 32-byte key', () => {
    expect(() => new SecretBox(Buffer.alloc(16))).toThrow(/must be 32 bytes/);
    expect(() => new SecretBox(Buffer.from(key, 'base64'))).not.toThrow();
  });
});
