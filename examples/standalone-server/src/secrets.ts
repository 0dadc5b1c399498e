import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateEncryptionKey } from '@cloudlink/engine';
import { ConfigError, checkEncryptionKeys, type ServerConfig } from './config.js';

/** The two secrets the server needs, from the environment or the data dir. */
export interface ServerSecrets {
  /** `kid:base64`, comma-separated; the first seals. */
  readonly encryptionKeys: string;
  /** HS256 secret of the Bearer tokens. */
  readonly jwtSecret: string;
}

/** Where a warning about generated keys goes (the pino logger, or stderr in the CLI). */
export type Warn = (message: string) => void;

/**
 * Use `CLOUDLINK_ENCRYPTION_KEYS` / `CLOUDLINK_JWT_SECRET` when set; otherwise read them from
 * `<dataDir>/encryption-keys` and `<dataDir>/jwt-secret`, generating those files (mode 0600) with a
 * warning on first use. Generated keys suit development only: losing the file loses every secret
 * sealed with it, and several instances must share one value, so production sets the variables.
 */
export function resolveSecrets(config: ServerConfig, warn: Warn): ServerSecrets {
  const encryptionKeys =
    config.encryptionKeys ??
    fromFile(config.dataDir, 'encryption-keys', 'CLOUDLINK_ENCRYPTION_KEYS', warn, () => generateEncryptionKey(`dev${randomBytes(3).toString('hex')}`));
  const problem = checkEncryptionKeys(encryptionKeys);
  if (problem) throw new ConfigError([`${path.join(config.dataDir, 'encryption-keys')} ${problem}`]);
  const jwtSecret =
    config.jwtSecret ?? fromFile(config.dataDir, 'jwt-secret', 'CLOUDLINK_JWT_SECRET', warn, () => randomBytes(48).toString('base64url'));
  // The file gets the variable's rule: an empty one would otherwise give a zero-length HMAC key
  // (every token refused, and an unhandled rejection from the key import).
  if (config.jwtSecret === undefined && jwtSecret.length < 32) {
    throw new ConfigError([
      `${path.join(config.dataDir, 'jwt-secret')} must hold at least 32 characters (HS256 needs a 256-bit secret); delete it to generate one, or set CLOUDLINK_JWT_SECRET`,
    ]);
  }
  return { encryptionKeys, jwtSecret };
}

function fromFile(dataDir: string, file: string, variable: string, warn: Warn, generate: () => string): string {
  const full = path.join(dataDir, file);
  if (existsSync(full)) {
    const value = readFileSync(full, 'utf8').trim();
    if (value) return value;
  }
  mkdirSync(dataDir, { recursive: true });
  const value = generate();
  // `wx` so two processes starting at once cannot both write: the loser reads the winner's value.
  try {
    writeFileSync(full, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(full, 'utf8').trim();
    throw e;
  }
  chmodSync(full, 0o600);
  warn(`${variable} is not set: generated one into ${full} (development only; set ${variable} in production)`);
  return value;
}
