import type { Storage, StorageTx } from '../../ports/storage.js';
import { createInProcessZoneLock, createMutex, createStorageGuard } from '../../ports/storage-guards.js';
import { scopeRepoFrom } from '../../ports/storage-scopes.js';
import { createMemberRepo, createEnvironmentRepo, createPlanRepo, createProjectRepo, createUserRepo, createWorkspaceRepo } from './memory/admin-repos.js';
import { createConnectionRepo, createOidcKeyRepo, createResourceRepo } from './memory/cloud-repos.js';
import { createDnsRecordRepo } from './memory/dns-repos.js';
import { createResourceConnectionRepo } from './memory/resource-connections.js';
import { createAuditRepo } from './memory/audit.js';
import { emptyDb, type Db } from './memory/rows.js';
import type { Run } from './memory/run.js';
import { applySeeds } from './memory/seed.js';
import type { StoragePeek } from './peek.js';

const MIGRATIONS = ['0001_initial', '0002_write_intents', '0003_resource_connections', '0004_audit_log', '0005_connection_health', '0006_user_external_id', '0007_connection_auth_mode'] as const;

export interface MemoryStorageOptions {
  /** Apply the migration at creation, so `migrate()` then reports nothing to do. Default false, like the SQL storages. */
  readonly migrated?: boolean;
}

/** The memory storage plus its raw reader. */
export interface MemoryStorage extends Storage {
  /** Raw rows as stored (snake_case, `Date`s, booleans, parsed JSON); copies, safe to keep. */
  readonly peek: StoragePeek;
}

/**
 * The reference Storage, kept in memory: the same seeds, unique indexes (partial ones included),
 * foreign keys, soft delete and ordering as the SQL storages, so services tested on it behave the
 * same on SQLite and Postgres.
 *
 * Concurrency follows SQLite's single connection: every call and every `transaction` runs one at a
 * time; a transaction's writes are invisible outside it until it commits and are undone when it
 * throws. Calling the storage itself (not `tx`) inside a transaction throws at once, as that
 * deadlocks on SQLite. Calls before `migrate()` or after `close()` throw.
 */
export function createMemoryStorage(options: MemoryStorageOptions = {}): MemoryStorage {
  let db: Db = emptyDb();
  let migrated = false;
  const guard = createStorageGuard('memory storage');
  const gate = createMutex();
  const zoneLock = createInProcessZoneLock();

  if (options.migrated) {
    applySeeds(db);
    migrated = true;
  }

  function assertUsable(): void {
    guard.assertOpen();
    if (!migrated) throw new Error('memory storage: not migrated; call migrate() first');
  }

  // Outside a transaction: wait for the connection like any other caller.
  const runOutside: Run = async (op) => {
    guard.assertRoot();
    return gate.run(async () => {
      assertUsable();
      return op(db);
    });
  };

  function repos(run: Run, lockWorkspace: (workspaceId: number) => Promise<void>): StorageTx {
    const admin = {
      users: createUserRepo(run),
      workspaces: createWorkspaceRepo(run),
      members: createMemberRepo(run),
      projects: createProjectRepo(run),
      environments: createEnvironmentRepo(run),
    };
    return {
      ...admin,
      plans: createPlanRepo(run),
      connections: createConnectionRepo(run),
      resources: createResourceRepo(run),
      dnsRecords: createDnsRecordRepo(run),
      resourceConnections: createResourceConnectionRepo(run),
      oidcKeys: createOidcKeyRepo(run),
      audit: createAuditRepo(run),
      scopes: scopeRepoFrom(admin),
      lockWorkspace,
    };
  }

  const outside = repos(runOutside, () =>
    Promise.reject(new Error('memory storage: lockWorkspace is only valid inside transaction()')),
  );

  const peek: StoragePeek = {
    rows: async (table) => {
      guard.assertOpen();
      return structuredClone(db.tables[table]) as unknown as Record<string, unknown>[];
    },
  };

  return {
    ...outside,
    peek,

    async transaction(fn) {
      guard.assertRoot();
      return gate.run(async () => {
        assertUsable();
        let open = true;
        const runInside: Run = async (op) => {
          if (!open) throw new Error('memory storage: tx used after its transaction ended');
          return op(db);
        };
        // The whole transaction holds the connection, so locking a workspace has nothing left to do.
        const tx = repos(runInside, async () => {
          if (!open) throw new Error('memory storage: tx used after its transaction ended');
        });
        const snapshot = structuredClone(db);
        try {
          return await guard.insideTransaction(() => fn(tx));
        } catch (error) {
          db = snapshot;
          throw error;
        } finally {
          open = false;
        }
      });
    },

    async withZoneLock(zoneResourceId, fn, lockOptions) {
      assertUsable();
      return zoneLock.withLock(zoneResourceId, fn, lockOptions);
    },

    migrate() {
      return gate.run(async () => {
        guard.assertOpen();
        if (migrated) return { applied: [] };
        applySeeds(db);
        migrated = true;
        return { applied: [...MIGRATIONS] };
      });
    },

    async health() {
      if (guard.closed) return { ok: false, reason: 'storage is closed' };
      if (!migrated) return { ok: false, reason: `pending migrations: ${MIGRATIONS.join(', ')}` };
      return { ok: true };
    },

    async close() {
      guard.close();
    },
  };
}
