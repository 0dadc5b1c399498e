/** @module secrets — the AES-256-GCM SecretBox and its key parsing. */
export { createSecretBox, KEY_ID_PATTERN, SecretBoxError } from './secret-box.js';
export type { EncryptionKey, SecretBoxOptions } from './secret-box.js';
export { generateEncryptionKey, parseEncryptionKeys } from './keys.js';
