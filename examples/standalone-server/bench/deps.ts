/**
 * What `pnpm bench` (scripts/bench.ts) uses from the workspace. The root has no dependency on the
 * packages, so the benchmark imports them through this file, which resolves from this package.
 */
import { createRequire } from 'node:module';

export { createEngine, createSecretBox, normalizeRecordSet, parseEncryptionKeys } from '@cloudlink/engine';
export type { RecordChange, RecordItemInput, Storage } from '@cloudlink/engine';
export { createSqliteStorage } from '@cloudlink/storage-sqlite';
export { createPostgresStorage } from '@cloudlink/storage-postgres';
export { planChangeBatches } from '@cloudlink/providers/aws';
export { default as express } from 'express';
export { createApp } from '../src/app.js';
export { createJwtAuth } from '../src/auth.js';
export { createLogger } from '../src/logging.js';

/** The part of autocannon's programmatic API the benchmark uses (it ships no types). */
export interface AutocannonResult {
  readonly requests: { readonly average: number; readonly total: number };
  readonly latency: { readonly p50: number; readonly p99: number };
  readonly non2xx: number;
  readonly errors: number;
}
export type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;

export const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
