import { describe, expect, it } from 'vitest';
import { isZoneLockTimeout } from '../../../ports/storage.js';
import { T0, type StorageConformanceContext } from './context.js';
import { fixtures } from './fixtures.js';

/** migrate, health, close, transaction, lockWorkspace, withZoneLock. */
export function describeLifecycle(ctx: StorageConformanceContext): void {
  /** Hold a zone's lock until `release()`; `entered` resolves once the lock is held (no sleeping to guess when). */
  const holdZone = (zoneResourceId: number) => {
    let release!: () => void;
    let entered!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const inside = new Promise<void>((r) => (entered = r));
    const done = ctx.storage.withZoneLock(
      zoneResourceId,
      () => {
        entered();
        return held;
      },
      { timeoutMs: 5000 },
    );
    return { entered: inside, release, done };
  };

  describe('migrate', () => {
    it('applies every migration on a fresh database, then nothing', async () => {
      expect(ctx.firstMigration).toEqual({ applied: ['0001_initial', '0002_write_intents', '0003_resource_connections', '0004_audit_log', '0005_connection_health', '0006_user_external_id', '0007_connection_auth_mode'] });
      expect(await ctx.storage.migrate()).toEqual({ applied: [] });
    });

    it('seeds once: plans, roles and cloud providers keep their counts after a second run', async () => {
      await ctx.storage.migrate();
      expect((await ctx.rows('plans')).map((r) => Number(r.id))).toEqual([1, 2, 3, 4]);
      expect((await ctx.rows('roles')).map((r) => Number(r.id))).toEqual([1, 2, 3, 4, 5, 6]);
      expect((await ctx.rows('cloud_providers')).map((r) => [Number(r.id), r.name, r.display_name])).toEqual([
        [1, 'aws', 'Amazon Web Services'],
        [2, 'gcp', 'Google Cloud Platform'],
        [3, 'azure', 'Microsoft Azure'],
      ]);
    });

    it('leaves the domain tables empty', async () => {
      for (const table of ['users', 'workspaces', 'workspace_members', 'projects', 'environments', 'cloud_connections', 'resources', 'dns_records', 'oidc_signing_keys'] as const) {
        expect(await ctx.rows(table), table).toEqual([]);
      }
    });
  });

  describe('health', () => {
    it('is ok once migrated', async () => {
      expect(await ctx.storage.health()).toEqual({ ok: true });
    });
  });

  describe('close', () => {
    it('makes every later call fail the same way, and is idempotent', async () => {
      await ctx.storage.close();
      await expect(ctx.storage.users.getUserById(1)).rejects.toThrow(/ is closed$/);
      await expect(ctx.storage.transaction(async () => 1)).rejects.toThrow(/ is closed$/);
      await expect(ctx.storage.withZoneLock(1, async () => 1, { timeoutMs: 100 })).rejects.toThrow(/ is closed$/);
      await expect(ctx.storage.migrate()).rejects.toThrow(/ is closed$/);
      expect(await ctx.storage.health()).toEqual({ ok: false, reason: 'storage is closed' });
      await ctx.storage.close();
    });
  });

  describe('the root storage inside its own transaction', () => {
    it('fails at once instead of waiting for the connection the transaction holds', async () => {
      await expect(ctx.storage.transaction(() => ctx.storage.plans.getPlanById(1))).rejects.toThrow(/use its tx instead$/);
      await expect(ctx.storage.transaction(() => ctx.storage.transaction(async () => 1))).rejects.toThrow(/use its tx instead$/);
      const [inside, outside] = await Promise.all([ctx.storage.transaction((tx) => tx.plans.getPlanById(1)), ctx.storage.plans.getPlanById(1)]);
      expect(inside).toEqual(outside);
    });
  });

  describe('transaction', () => {
    it('commits when fn resolves and returns its value', async () => {
      const result = await ctx.storage.transaction(async (tx) => {
        const user = await fixtures(tx).user('commit@example.com');
        const workspace = await fixtures(tx).workspace('committed');
        return { user, workspace };
      });
      expect(result.user.email).toBe('commit@example.com');
      expect((await ctx.rows('users')).map((r) => r.email)).toEqual(['commit@example.com']);
      expect((await ctx.rows('workspaces')).map((r) => r.slug)).toEqual(['committed']);
    });

    it('reads its own writes before commit', async () => {
      await ctx.storage.transaction(async (tx) => {
        const user = await fixtures(tx).user('own@example.com');
        expect((await tx.users.getUserByEmail('own@example.com'))?.id).toBe(user.id);
      });
    });

    it('rolls back every write and rethrows the same error when fn throws', async () => {
      const boom = new Error('boom');
      const seen = await ctx.storage
        .transaction(async (tx) => {
          const f = fixtures(tx);
          const user = await f.user('rollback@example.com');
          const workspace = await f.workspace('rolled-back');
          await tx.members.addMember({ workspaceId: workspace.id, userId: user.id, role: 'owner', permissions: null, now: T0 });
          await f.project(workspace, user, 'rolled-back-project');
          throw boom;
        })
        .catch((e: unknown) => e);
      expect(seen).toBe(boom);
      for (const table of ['users', 'workspaces', 'workspace_members', 'projects'] as const) {
        expect(await ctx.rows(table), table).toEqual([]);
      }
    });

    it('rolls back earlier writes when a unique index refuses a later one', async () => {
      await fixtures(ctx.storage).workspace('taken');
      await expect(
        ctx.storage.transaction(async (tx) => {
          await fixtures(tx).user('half@example.com');
          await fixtures(tx).workspace('taken');
        }),
      ).rejects.toThrow();
      expect(await ctx.rows('users')).toEqual([]);
      expect(await ctx.storage.users.getUserByEmail('half@example.com')).toBeNull();
    });

    it('hides uncommitted writes from callers outside the transaction', async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let inserted!: () => void;
      const didInsert = new Promise<void>((r) => (inserted = r));
      const running = ctx.storage.transaction(async (tx) => {
        await fixtures(tx).user('isolated@example.com');
        inserted();
        await gate;
      });
      await didInsert;
      // Postgres answers at once (without the row); SQLite waits for the commit. Never a dirty read.
      let early: { value: unknown } | null = null;
      const outside = ctx.storage.users.getUserByEmail('isolated@example.com').then((value) => {
        early ??= { value };
        return value;
      });
      await new Promise((r) => setTimeout(r, 50));
      const seenBeforeCommit = early as { value: unknown } | null;
      release();
      await running;
      await outside;
      if (seenBeforeCommit) expect(seenBeforeCommit.value).toBeNull();
      expect((await ctx.rows('users')).map((r) => r.email)).toEqual(['isolated@example.com']);
    });

    it('keeps working after a rollback', async () => {
      await expect(ctx.storage.transaction(async () => Promise.reject(new Error('first')))).rejects.toThrow('first');
      await ctx.storage.transaction(async (tx) => fixtures(tx).user('after@example.com'));
      expect((await ctx.rows('users')).map((r) => r.email)).toEqual(['after@example.com']);
    });
  });

  describe('lockWorkspace', () => {
    it('resolves inside a transaction', async () => {
      const workspace = await fixtures(ctx.storage).workspace();
      await ctx.storage.transaction(async (tx) => {
        await expect(tx.lockWorkspace(workspace.id)).resolves.toBeUndefined();
      });
    });

    it('serialises check-then-write transactions so a limit of one holds under concurrency', async () => {
      const f = fixtures(ctx.storage);
      const user = await f.user();
      const workspace = await f.workspace();
      const pending = [];
      for (let i = 0; i < 5; i++) pending.push(await f.connection(workspace, user));
      const outcomes = await Promise.all(
        pending.map((c) =>
          ctx.storage.transaction(async (tx) => {
            await tx.lockWorkspace(workspace.id);
            if ((await tx.connections.countConnected(workspace.id)) >= 1) return false;
            await tx.connections.updateConnection(c.id, { status: 'connected', connectedAt: T0 }, T0);
            return true;
          }),
        ),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      expect((await ctx.rows('cloud_connections')).filter((r) => r.connection_status === 'connected')).toHaveLength(1);
    });
  });

  describe('withZoneLock', () => {
    it('returns what fn returns and rethrows what it throws, releasing the lock either way', async () => {
      expect(await ctx.storage.withZoneLock(101, async () => 42, { timeoutMs: 1000 })).toBe(42);
      await expect(ctx.storage.withZoneLock(101, async () => Promise.reject(new Error('inside')), { timeoutMs: 1000 })).rejects.toThrow('inside');
      expect(await ctx.storage.withZoneLock(101, async () => 'again', { timeoutMs: 1000 })).toBe('again');
    });

    it('serialises holders of the same zone, in arrival order', async () => {
      const events: string[] = [];
      const first = holdZone(102);
      await first.entered;
      const others = ['b', 'c'].map((name) =>
        ctx.storage.withZoneLock(
          102,
          async () => {
            events.push(name);
          },
          { timeoutMs: 5000 },
        ),
      );
      expect(events).toEqual([]);
      first.release();
      await Promise.all([first.done, ...others]);
      expect(events).toEqual(['b', 'c']);
    });

    it('lets different zones proceed at the same time', async () => {
      const first = holdZone(103);
      await first.entered;
      expect(await ctx.storage.withZoneLock(104, async () => 'other zone', { timeoutMs: 500 })).toBe('other zone');
      first.release();
      await first.done;
    });

    it('throws ZoneLockTimeoutError when the zone stays locked past timeoutMs', async () => {
      const first = holdZone(105);
      await first.entered;
      const release = first.release;
      let ran = false;
      const error = await ctx.storage
        .withZoneLock(
          105,
          async () => {
            ran = true;
          },
          { timeoutMs: 100 },
        )
        .catch((e: unknown) => e);
      expect(isZoneLockTimeout(error)).toBe(true);
      expect((error as { zoneResourceId: number }).zoneResourceId).toBe(105);
      expect(ran).toBe(false);
      release();
      await first.done;
      expect(await ctx.storage.withZoneLock(105, async () => 'free again', { timeoutMs: 1000 })).toBe('free again');
    });
  });
}
