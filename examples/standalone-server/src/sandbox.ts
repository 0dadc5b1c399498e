import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EngineProviders, Logger } from '@cloudlink/engine';
import { SANDBOX_PLATFORM_ACCOUNT, createSandboxProviders, upgradeSandboxState } from '@cloudlink/sandbox';
import type { ServerConfig } from './config.js';

/** The platform account of sandbox mode unless `CLOUDLINK_AWS_ACCOUNT_ID` says otherwise. */
export const SANDBOX_AWS_ACCOUNT_ID = SANDBOX_PLATFORM_ACCOUNT;

/** Sandbox mode: the real providers against in-process fakes whose state survives restarts in `<dataDir>/sandbox.json`. */
export interface Sandbox {
  readonly providers: EngineProviders;
  /** The file the state lives in. */
  readonly file: string;
  /** Load the state saved by a previous run, if any. */
  restore(): Promise<void>;
  /** Write the state when it changed since the last write (atomically: temp file + rename). */
  persist(): Promise<void>;
}

export interface SandboxOptions {
  readonly config: ServerConfig;
  /** Our own JWKS: the fake GCP STS verifies subject tokens against it, as Google's would. */
  readonly jwks: () => Promise<unknown> | unknown;
  readonly logger: Logger;
}

/**
 * Wire `@cloudlink/sandbox`: the real AWS, GCP, Azure, Route 53 and Cloudflare providers, answered
 * in-process by fakes of the clouds (no network, no cloud account), and a resolver answering from
 * the fakes' zones. Only the DNS fakes hold state worth keeping (zones and records). The file is
 * version 2 (each fake's own state); a version 1 file of earlier releases is upgraded on load.
 */
export function createSandbox({ config, jwks, logger }: SandboxOptions): Sandbox {
  const file = path.join(config.dataDir, 'sandbox.json');
  const sandbox = createSandboxProviders({
    platformAccountId: config.aws.accountId ?? SANDBOX_AWS_ACCOUNT_ID,
    oidc: { issuer: `${config.publicUrl}/api`, jwks: async () => (await jwks()) as never },
    cloudflareBatchSize: config.cloudflare.batchSize,
  });
  const providers: EngineProviders = sandbox.providers;
  let lastWritten: string | undefined;
  const snapshot = () => JSON.stringify(sandbox.snapshot());
  return {
    providers,
    file,
    async restore() {
      if (!existsSync(file)) return;
      const text = readFileSync(file, 'utf8');
      let state: unknown;
      try {
        state = JSON.parse(text);
      } catch (e) {
        throw new Error(`${file} is not valid JSON (${(e as Error).message}); move it away to start with an empty sandbox`);
      }
      try {
        sandbox.restore(upgradeSandboxState(state));
      } catch (e) {
        throw new Error(`${file} cannot be loaded (${(e as Error).message}); move it away to start with an empty sandbox`);
      }
      lastWritten = snapshot();
      logger.info({ file }, 'sandbox state restored');
    },
    async persist() {
      const text = snapshot();
      if (text === lastWritten) return;
      mkdirSync(config.dataDir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      // Flush before the rename, so a power loss leaves the old state or the new one, never an empty file.
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeFileSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, file);
      lastWritten = text;
    },
  };
}
