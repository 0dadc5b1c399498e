import { randomBytes } from 'node:crypto';
import { KEY_ID_PATTERN, SecretBoxError, type EncryptionKey } from './secret-box.js';

const BASE64 = /^[\w+/-]+={0,2}$/;
const FORMAT = '"kid:base64key[,kid2:base64key…]"';

/**
 * Parse `CLOUDLINK_ENCRYPTION_KEYS` (`kid:base64(32 bytes)`, comma-separated; first seals). Errors
 * name the entry by position (and its key id once that is valid), never echoing key material.
 * Standard and URL-safe base64 are both accepted; whitespace around entries is ignored.
 */
export function parseEncryptionKeys(value: string): EncryptionKey[] {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new SecretBoxError(`encryption keys: none given; expected ${FORMAT}`);
  }
  const seen = new Set<string>();
  return value.split(',').map((raw, i) => {
    const n = i + 1;
    const entry = raw.trim();
    if (entry === '') throw new SecretBoxError(`encryption keys: entry ${n} is empty; expected ${FORMAT}`);
    const colon = entry.indexOf(':');
    if (colon < 0) throw new SecretBoxError(`encryption keys: entry ${n} has no ":"; expected ${FORMAT}`);
    const kid = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    if (!KEY_ID_PATTERN.test(kid)) {
      throw new SecretBoxError(`encryption keys: entry ${n}: key id must match ${KEY_ID_PATTERN.source}`);
    }
    if (seen.has(kid)) throw new SecretBoxError(`encryption keys: entry ${n} ("${kid}"): duplicate key id`);
    seen.add(kid);
    if (!BASE64.test(encoded)) throw new SecretBoxError(`encryption keys: entry ${n} ("${kid}"): key is not base64`);
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== 32) {
      throw new SecretBoxError(`encryption keys: entry ${n} ("${kid}"): key must decode to 32 bytes, got ${key.length}`);
    }
    return { kid, key: new Uint8Array(key) };
  });
}

/** A fresh random key in the `kid:base64` form `CLOUDLINK_ENCRYPTION_KEYS` takes. */
export function generateEncryptionKey(kid: string): string {
  if (!KEY_ID_PATTERN.test(kid)) throw new SecretBoxError(`encryption keys: key id must match ${KEY_ID_PATTERN.source}`);
  return `${kid}:${randomBytes(32).toString('base64')}`;
}
