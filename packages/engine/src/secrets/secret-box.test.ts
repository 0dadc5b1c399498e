import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, generateEncryptionKey, parseEncryptionKeys, SecretBoxError } from './index.js';

const AAD = 'cloudlink:cloud_connections.secret_data';
const PLAINTEXT = '{"clientSecret":"s3cr3t-VALUE-do-not-leak"}';
const key = (kid: string) => ({ kid, key: new Uint8Array(randomBytes(32)) });

/** Replace one base64url part of an envelope by flipping a bit of its first byte. */
function tamper(sealed: string, index: 2 | 3 | 4): string {
  const parts = sealed.split(':');
  const bytes = Buffer.from(parts[index]!, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join(':');
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('createSecretBox', () => {
  const k1 = key('k1');
  const box = createSecretBox({ keys: [k1] });

  it('round-trips with the documented envelope', () => {
    const sealed = box.seal(PLAINTEXT, AAD);
    expect(sealed).toMatch(/^v1:k1:[\w-]{16}:[\w-]{22}:[\w-]+$/);
    expect(sealed).not.toContain('s3cr3t');
    expect(box.open(sealed, AAD)).toBe(PLAINTEXT);
    expect(box.currentKeyId).toBe('k1');
  });

  it('uses a fresh IV every time', () => {
    const a = box.seal(PLAINTEXT, AAD);
    const b = box.seal(PLAINTEXT, AAD);
    expect(a).not.toBe(b);
    expect(a.split(':')[2]).not.toBe(b.split(':')[2]);
  });

  it('round-trips unicode and empty strings', () => {
    expect(box.open(box.seal('ключ 🔑', AAD), AAD)).toBe('ключ 🔑');
    expect(box.open(box.seal('', AAD), AAD)).toBe('');
  });

  it.each([
    ['iv', 2],
    ['tag', 3],
    ['ciphertext', 4],
  ] as const)('rejects a tampered %s', (_, index) => {
    const sealed = box.seal(PLAINTEXT, AAD);
    expect(() => box.open(tamper(sealed, index), AAD)).toThrow(SecretBoxError);
  });

  it('rejects the wrong AAD', () => {
    const sealed = box.seal(PLAINTEXT, AAD);
    expect(() => box.open(sealed, 'cloudlink:resources.secret_data')).toThrow(/cannot open/);
  });

  it('rejects an unknown key id', () => {
    const other = createSecretBox({ keys: [key('k2')] });
    expect(() => other.open(box.seal(PLAINTEXT, AAD), AAD)).toThrow('SecretBox: unknown key id "k1"');
  });

  it('rejects the same kid with a different key', () => {
    const impostor = createSecretBox({ keys: [key('k1')] });
    expect(() => impostor.open(box.seal(PLAINTEXT, AAD), AAD)).toThrow(/cannot open/);
  });

  it.each([
    '',
    'plain text',
    'v2:k1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA:AA',
    'v1:k1:AAAA:AAAAAAAAAAAAAAAAAAAAAA:AA',
    'v1:k1:AAAAAAAAAAAAAAAA:AAAA:AA',
    'v1:bad kid:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA:AA',
    'v1:k1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA:A+/=',
    'v1:k1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA:AA:extra',
  ])('rejects the malformed envelope %j', (sealed) => {
    expect(() => box.open(sealed, AAD)).toThrow(SecretBoxError);
  });

  it('never puts the plaintext or key in an error', () => {
    const sealed = box.seal(PLAINTEXT, AAD);
    const keyB64 = Buffer.from(k1.key).toString('base64');
    const keyB64url = Buffer.from(k1.key).toString('base64url');
    for (const error of [
      errorOf(() => box.open(sealed, 'wrong')),
      errorOf(() => box.open(tamper(sealed, 4), AAD)),
      errorOf(() => createSecretBox({ keys: [key('k2')] }).open(sealed, AAD)),
    ]) {
      const text = `${error.message}\n${error.stack ?? ''}\n${String(error.cause ?? '')}`;
      expect(text).not.toContain('s3cr3t');
      expect(text).not.toContain(keyB64);
      expect(text).not.toContain(keyB64url);
      expect(text).not.toContain(sealed.split(':')[4]);
    }
  });

  it('rotates: the new key seals, the old still opens, and old values need resealing', () => {
    const oldSealed = box.seal(PLAINTEXT, AAD);
    const k2 = key('k2');
    const rotated = createSecretBox({ keys: [k2, k1] });
    expect(rotated.currentKeyId).toBe('k2');
    expect(rotated.open(oldSealed, AAD)).toBe(PLAINTEXT);
    expect(rotated.needsReseal(oldSealed)).toBe(true);
    const newSealed = rotated.seal(PLAINTEXT, AAD);
    expect(newSealed.startsWith('v1:k2:')).toBe(true);
    expect(rotated.needsReseal(newSealed)).toBe(false);
    expect(box.needsReseal(oldSealed)).toBe(false);
    // After dropping the old key, values sealed with it no longer open.
    const dropped = createSecretBox({ keys: [k2] });
    expect(dropped.open(newSealed, AAD)).toBe(PLAINTEXT);
    expect(() => dropped.open(oldSealed, AAD)).toThrow(/unknown key id "k1"/);
  });

  it('validates the keyring', () => {
    expect(() => createSecretBox({ keys: [] })).toThrow(/at least one/);
    expect(() => createSecretBox({ keys: [{ kid: 'bad kid', key: new Uint8Array(32) }] })).toThrow(/key 1: key id must match/);
    expect(() => createSecretBox({ keys: [{ kid: 'k', key: new Uint8Array(16) }] })).toThrow('SecretBox: key "k" must be exactly 32 bytes');
    expect(() => createSecretBox({ keys: [key('k'), key('k')] })).toThrow('SecretBox: duplicate key id "k"');
  });
});

describe('parseEncryptionKeys', () => {
  it('parses several entries in order, standard and URL-safe base64, ignoring spaces', () => {
    const a = randomBytes(32);
    const b = randomBytes(32);
    const keys = parseEncryptionKeys(` new:${a.toString('base64')} , old_1:${b.toString('base64url')}`);
    expect(keys.map((k) => k.kid)).toEqual(['new', 'old_1']);
    expect(Buffer.from(keys[0]!.key).equals(a)).toBe(true);
    expect(Buffer.from(keys[1]!.key).equals(b)).toBe(true);
  });

  it('reads what generateEncryptionKey writes, and the result seals and opens', () => {
    const generated = generateEncryptionKey('k-2024');
    expect(generated).toMatch(/^k-2024:[A-Za-z0-9+/]{43}=$/);
    const box = createSecretBox({ keys: parseEncryptionKeys(generated) });
    expect(box.open(box.seal('x', AAD), AAD)).toBe('x');
    expect(generateEncryptionKey('k')).not.toBe(generateEncryptionKey('k'));
    expect(() => generateEncryptionKey('no spaces')).toThrow(/key id must match/);
  });

  it.each([
    ['', 'encryption keys: none given'],
    ['   ', 'encryption keys: none given'],
    ['k1:' + randomBytes(32).toString('base64') + ',', 'encryption keys: entry 2 is empty'],
    ['justakeywithoutcolon', 'encryption keys: entry 1 has no ":"'],
    ['bad kid!:' + randomBytes(32).toString('base64'), 'encryption keys: entry 1: key id must match'],
    ['k1:' + randomBytes(16).toString('base64'), 'encryption keys: entry 1 ("k1"): key must decode to 32 bytes, got 16'],
    ['k1:not base64!!', 'encryption keys: entry 1 ("k1"): key is not base64'],
    [`a:${randomBytes(32).toString('base64')},a:${randomBytes(32).toString('base64')}`, 'encryption keys: entry 2 ("a"): duplicate key id'],
  ])('rejects %j precisely', (value, message) => {
    expect(() => parseEncryptionKeys(value)).toThrow(message);
  });

  it('never echoes key material', () => {
    const material = randomBytes(16).toString('base64');
    for (const value of [`k1:${material}`, material, `${material}:${material}`]) {
      const error = errorOf(() => parseEncryptionKeys(value));
      expect(error.message).not.toContain(material);
    }
  });
});
