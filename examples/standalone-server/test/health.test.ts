import type { AddressInfo } from 'node:net';
import { createEngine, createSecretBox, parseEncryptionKeys } from '@cloudlink/engine';
import { createPostgresStorage } from '@cloudlink/storage-postgres';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { adminUrl } from '../../../test-support/postgres.js';
import { healthRoutes, withoutUrlCredentials, type HealthSource } from '../src/health.js';
import { createLogger } from '../src/logging.js';

const KEYS = `k1:${Buffer.alloc(32, 1).toString('base64')}`;

/** GET /readyz of `healthRoutes(source)` as an anonymous caller sees it, and the log lines it wrote. */
async function readyz(source: HealthSource): Promise<{ status: number; body: unknown; text: string; log: Record<string, unknown>[] }> {
  const log: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (s: string) => void log.push(JSON.parse(s) as Record<string, unknown>) } });
  const server = express().use(healthRoutes(source, logger)).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`);
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text), text, log };
  } finally {
    await new Promise((r) => server.close(r));
  }
}

describe('/readyz tells anonymous callers nothing about the database', () => {
  it('answers a fixed message when Postgres refuses the configured user, and logs the reason', async () => {
    const url = new URL(adminUrl());
    url.username = 'cloudlink_no_such_role';
    url.password = 'hunter2-secret';
    const storage = createPostgresStorage({ connectionString: url.toString(), max: 1 });
    const engine = createEngine({ storage, secrets: createSecretBox({ keys: parseEncryptionKeys(KEYS) }), publicUrl: 'http://localhost:3000' });
    try {
      const res = await readyz(engine);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'not ready', message: 'The database is not ready' });
      expect(res.text).not.toContain('cloudlink_no_such_role');
      expect(res.text).not.toContain(url.hostname);
      const line = res.log.find((l) => l.msg === 'not ready');
      expect(line).toMatchObject({ level: 40, reason: expect.stringContaining('cloudlink_no_such_role') });
      expect(JSON.stringify(res.log)).not.toContain('hunter2-secret');
    } finally {
      await engine.close();
    }
  });

  it('answers the same for a thrown health check and for pending migrations; URL credentials never reach the log', async () => {
    const thrown = await readyz({ health: () => Promise.reject(new Error('connect to postgres://admin:s3cret@db.internal:5432/cloudlink failed')) });
    expect(thrown.body).toEqual({ status: 'not ready', message: 'The database is not ready' });
    expect(thrown.log.find((l) => l.msg === 'not ready')?.reason).toBe('health check failed: connect to postgres://[credentials]@db.internal:5432/cloudlink failed');

    const pending = await readyz({ health: async () => ({ ok: false, reason: 'pending migrations: 0007_secret_table' }) });
    expect([pending.status, pending.body]).toEqual([503, { status: 'not ready', message: 'The database is not ready' }]);
    expect(pending.log.find((l) => l.msg === 'not ready')?.reason).toBe('pending migrations: 0007_secret_table');
  });

  it('redacts the userinfo of every URL in a text, in one pass', () => {
    expect(withoutUrlCredentials('a postgres://u:p@h/x and https://t@h2 but not mailto:u@h or http://h/p@q')).toBe(
      'a postgres://[credentials]@h/x and https://[credentials]@h2 but not mailto:u@h or http://h/p@q',
    );
  });
});
