/**
 * Authenticated encryption of secrets at rest. `seal` always uses the current (first)
 * key; `open` accepts any configured key id. `aad` binds a ciphertext to its column, e.g.
 * `cloudlink:cloud_connections.secret_data`, so a value copied to another column does not open.
 */
export interface SecretBox {
  seal(plaintext: string, aad: string): string;
  /** Throws on an unknown key id, a bad envelope or a failed tag; never returns an empty value. */
  open(sealed: string, aad: string): string;
  /** Whether `sealed` was sealed with a key other than the current one. */
  needsReseal(sealed: string): boolean;
  /** The key id that seals. */
  readonly currentKeyId: string;
}
