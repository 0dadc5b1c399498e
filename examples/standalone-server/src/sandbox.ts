import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EngineProviders, Logger } from '@cloudlink/engine';
import {
  createSandboxAwsConnector,
  createSandboxAzureConnector,
  createSandboxCloudflareProvider,
  createSandboxGcpConnector,
  createSandboxResolver,
  createSandboxRoute53Provider,
} from '@cloudlink/engine/testing';
import type { ServerConfig } from './config.js';

/** The platform account of sandbox mode unless `CLOUDLINK_AWS_ACCOUNT_ID` says otherwise. */
export const SANDBOX_AWS_ACCOUNT_ID = '999999999999';

/** Sandbox mode: in-memory provider stand-ins whose state survives restarts in `<dataDir>/sandbox.json`. */
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
  /** Our own JWKS: the GCP stand-in verifies subject tokens against it, as GCP STS would. */
  readonly jwks: () => Promise<unknown> | unknown;
  readonly logger: Logger;
}

/**
 * Wire the engine's stand-ins (`@cloudlink/engine/testing`) for STS, GCP, Entra ID/ARM, Route 53,
 * Cloudflare and the resolver: no network and no cloud account, with the same URLs in responses as
 * production. Only the DNS stand-ins hold state worth keeping (zones and records).
 */
export function createSandbox({ config, jwks, logger }: SandboxOptions): Sandbox {
  const file = path.join(config.dataDir, 'sandbox.json');
  const accountId = config.aws.accountId ?? SANDBOX_AWS_ACCOUNT_ID;
  const route53 = createSandboxRoute53Provider();
  const cloudflare = createSandboxCloudflareProvider({ batchSize: config.cloudflare.batchSize });
  const resolver = createSandboxResolver({ zones: [route53, cloudflare] });
  const providers: EngineProviders = {
    aws: createSandboxAwsConnector({ platformAccountId: accountId }),
    gcp: createSandboxGcpConnector({ issuer: `${config.publicUrl}/api`, jwks: async () => (await jwks()) as never }),
    azure: createSandboxAzureConnector(),
    dns: { route53, cloudflare },
    resolver,
  };
  let lastWritten: string | undefined;
  const snapshot = () => JSON.stringify({ version: 1, route53: route53.snapshot(), cloudflare: cloudflare.snapshot(), resolver: resolver.snapshot() });
  return {
    providers,
    file,
    async restore() {
      if (!existsSync(file)) return;
      const text = readFileSync(file, 'utf8');
      let state: { version?: number; route53?: unknown; cloudflare?: unknown; resolver?: unknown };
      try {
        state = JSON.parse(text) as typeof state;
      } catch (e) {
        throw new Error(`${file} is not valid JSON (${(e as Error).message}); move it away to start with an empty sandbox`);
      }
      if (state.route53 !== undefined) route53.restore(state.route53 as never);
      if (state.cloudflare !== undefined) cloudflare.restore(state.cloudflare as never);
      if (state.resolver !== undefined) resolver.restore(state.resolver as never);
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
