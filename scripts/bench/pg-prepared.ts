import { createPostgresStorage, type Storage } from '../../examples/standalone-server/bench/deps.js';
import { createTestDatabase } from '../../test-support/postgres.js';
import type { BenchRow } from './measure.js';
import { median } from './measure.js';

/** Mean µs per call of `fn`, called one after another for about `ms` after a short warm-up. */
async function usPerCall(fn: () => Promise<unknown>, ms: number): Promise<number> {
  const warmUntil = performance.now() + Math.min(100, ms / 4);
  while (performance.now() < warmUntil) await fn();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    await fn();
    n++;
    now = performance.now();
  }
  return ((now - start) * 1000) / n;
}


/**
 * The storage's hot reads on Postgres with named prepared statements (the default) against the
 * same storage with `preparedStatements: false`, on one fresh database (DATABASE_URL). Each read
 * runs sequentially on one connection; on and off alternate over `rounds` rounds of `ms` each and
 * the median round counts, so drift on a shared machine hits both alike.
 */
export async function benchPgPrepared(opts: { ms?: number; rounds?: number } = {}): Promise<BenchRow[]> {
  const ms = opts.ms ?? 600;
  const rounds = opts.rounds ?? 5;
  const db = await createTestDatabase('cloudlink_bench');
  const named = createPostgresStorage({ connectionString: db.url, max: 1 });
  const unnamed = createPostgresStorage({ connectionString: db.url, max: 1, preparedStatements: false });
  try {
    await named.migrate();
    const now = new Date('2026-01-01T00:00:00Z');
    const user = await named.users.createUser({ email: 'bench@example.com', name: 'Bench', now });
    const workspace = await named.workspaces.createWorkspace({ name: 'Acme', slug: 'acme', description: null, planId: 2, now });
    await named.members.addMember({ workspaceId: workspace.id, userId: user.id, role: 'owner', permissions: null, now });
    for (let i = 0; i < 18; i++) {
      const provider = (['aws', 'gcp', 'azure'] as const)[i % 3]!;
      await named.connections.createConnection({ workspaceId: workspace.id, provider, createdBy: user.id, region: 'us-east-1', accountName: `${provider}-${i}`, now });
    }
    const reads: [string, (s: Storage) => Promise<unknown>][] = [
      ['users.getUserById', (s) => s.users.getUserById(user.id)],
      ['workspaces.getWorkspaceBySlug', (s) => s.workspaces.getWorkspaceBySlug('acme')],
      ['members.getMember', (s) => s.members.getMember(workspace.id, user.id)],
      ['scopes.workspaceScope', (s) => s.scopes.workspaceScope(user.id, 'acme')],
      ['connections.listConnections (18 rows)', (s) => s.connections.listConnections(workspace.id, {}, { limit: 50 })],
      ['connections.countConnectionsByStatus', (s) => s.connections.countConnectionsByStatus(workspace.id)],
    ];
    const rows: BenchRow[] = [];
    for (const [name, read] of reads) {
      const on: number[] = [];
      const off: number[] = [];
      for (let r = 0; r < rounds; r++) {
        on.push(await usPerCall(() => read(named), ms));
        off.push(await usPerCall(() => read(unnamed), ms));
      }
      rows.push({ name: `Postgres ${name}, named prepared`, unit: 'µs/call', value: median(on), baselineName: 'unnamed', baseline: median(off), better: 'lower' });
    }
    return rows;
  } finally {
    await named.close();
    await unnamed.close();
    await db.drop();
  }
}
