import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretBox } from '../ports/secret-box.js';

/** One AES-256 key and the id written into every envelope it seals. */
export interface EncryptionKey {
  /** `^[A-Za-z0-9_-]{1,32}$`. */
  readonly kid: string;
  /** Exactly 32 bytes. */
  readonly key: Uint8Array;
}

export interface SecretBoxOptions {
  /** The keyring: the first key seals, every key opens. At least one; key ids unique. */
  readonly keys: readonly EncryptionKey[];
}

/** A key id as it may appear in an envelope and in `CLOUDLINK_ENCRYPTION_KEYS`. */
export const KEY_ID_PATTERN = /^[\w-]{1,32}$/;

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const BASE64URL = /^[\w-]*$/;

/**
 * A sealed value could not be opened, or a keyring is unusable. Its message names the key id at
 * most; never the plaintext, the key or the ciphertext.
 */
export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
}

/** Decode canonical unpadded base64url, or null (so a flipped trailing bit cannot slip through). */
function decode(part: string): Buffer | null {
  if (!BASE64URL.test(part)) return null;
  const bytes = Buffer.from(part, 'base64url');
  return bytes.toString('base64url') === part ? bytes : null;
}

interface Envelope {
  readonly kid: string;
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly ciphertext: Buffer;
}

function parseEnvelope(sealed: string): Envelope {
  const parts = typeof sealed === 'string' ? sealed.split(':') : [];
  if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretBoxError('SecretBox: not a v1 sealed value');
  const [, kid = '', ivPart = '', tagPart = '', dataPart = ''] = parts;
  if (!KEY_ID_PATTERN.test(kid)) throw new SecretBoxError('SecretBox: malformed key id in sealed value');
  const iv = decode(ivPart);
  const tag = decode(tagPart);
  const ciphertext = decode(dataPart);
  if (!iv || iv.length !== IV_BYTES || !tag || tag.length !== TAG_BYTES || !ciphertext) {
    throw new SecretBoxError(`SecretBox: malformed sealed value (key id "${kid}")`);
  }
  return { kid, iv, tag, ciphertext };
}

function checkKeys(keys: readonly EncryptionKey[] | undefined): void {
  if (!Array.isArray(keys) || keys.length === 0) throw new SecretBoxError('SecretBox: at least one encryption key is required');
  const seen = new Set<string>();
  keys.forEach((k, i) => {
    if (typeof k?.kid !== 'string' || !KEY_ID_PATTERN.test(k.kid)) {
      throw new SecretBoxError(`SecretBox: key ${i + 1}: key id must match ${KEY_ID_PATTERN.source}`);
    }
    if (!(k.key instanceof Uint8Array) || k.key.length !== KEY_BYTES) {
      throw new SecretBoxError(`SecretBox: key "${k.kid}" must be exactly ${KEY_BYTES} bytes`);
    }
    if (seen.has(k.kid)) throw new SecretBoxError(`SecretBox: duplicate key id "${k.kid}"`);
    seen.add(k.kid);
  });
}

/**
 * AES-256-GCM SecretBox: 12-byte random IV, 16-byte tag, the caller's AAD, envelope
 * `v1:<kid>:<iv>:<tag>:<ciphertext>` (base64url, no padding). The first key seals; all keys open,
 * so rotation is "put the new key first, re-seal, drop the old key". Opening fails with
 * `SecretBoxError` on an unknown key id, a malformed envelope, a wrong AAD or any tampering.
 * `needsReseal` reads only the envelope's key id (no decryption) and throws on a malformed envelope.
 */
export function createSecretBox(options: SecretBoxOptions): SecretBox {
  checkKeys(options?.keys);
  // Copies, so a caller zeroing or reusing its buffers cannot change the keyring.
  const keyring = new Map(options.keys.map((k) => [k.kid, Buffer.from(k.key)]));
  const current = options.keys[0]!.kid;
  const currentKey = keyring.get(current)!;

  return {
    currentKeyId: current,

    seal(plaintext, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', currentKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, current, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join(':');
    },

    open(sealed, aad) {
      const envelope = parseEnvelope(sealed);
      const key = keyring.get(envelope.kid);
      if (!key) throw new SecretBoxError(`SecretBox: unknown key id "${envelope.kid}"`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, envelope.iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(aad, 'utf8'));
        decipher.setAuthTag(envelope.tag);
        return Buffer.concat([decipher.update(envelope.ciphertext), decipher.final()]).toString('utf8');
      } catch {
        // node:crypto's own message is harmless, but one fixed message keeps every failure alike.
        throw new SecretBoxError(`SecretBox: cannot open sealed value with key "${envelope.kid}" (wrong AAD or tampered data)`);
      }
    },

    needsReseal(sealed) {
      return parseEnvelope(sealed).kid !== current;
    },
  };
}
