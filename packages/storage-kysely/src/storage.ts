import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { StorageConflictError, createStorageGuard, isStorageConflict } from '@cloudlink/engine';
import type { Storage, StorageTx } from '@cloudlink/engine';
import type { SqlDialect } from './dialect.js';
import { DEFAULT_NAMESPACE, namespacePlugin, type Namespace } from './namespace.js';
import { pendingMigrations, runMigrations } from './migrator.js';
import type { Database } from './schema.js';
import type { RepoContext } from './repos/context.js';
import { createUserRepo } from './repos/users.js';
import { createPlanRepo } from './repos/plans.js';
import { createWorkspaceRepo } from './repos/workspaces.js';
import { createMemberRepo } from './repos/members.js';
import { createProjectRepo } from './repos/projects.js';
import { createEnvironmentRepo } from './repos/environments.js';
import { createConnectionRepo } from './repos/connections.js';
import { createResourceRepo } from './repos/resources.js';
import { createDnsRecordRepo } from './repos/dns-records.js';
import { createResourceConnectionRepo } from './repos/resource-connections.js';
import { createOidcKeyRepo } from './repos/oidc-keys.js';
import { createAuditRepo } from './repos/audit.js';
import { createScopeRepo } from './repos/scopes.js';
import { createCompiledQueries, type CompiledQueries, type ReadNow } from './compiled.js';

/** What a driver package supplies to build a Storage on the shared SQL layer. */
export interface KyselyStorageOptions {
  /** The root Kysely instance, without the namespace (it is applied here); `close()` destroys it. */
  readonly db: Kysely<Database>;
  readonly dialect: SqlDialect;
  /** Where the tables live (docs/storage-namespaces.md). Default: unqualified names, as before namespaces. */
  readonly namespace?: Namespace;
  /** Run `fn` in one transaction (SQLite: `BEGIN IMMEDIATE`; Postgres: READ COMMITTED). */
  runTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /** The zone lock of `Storage.withZoneLock`. */
  withZoneLock<T>(zoneResourceId: number, fn: () => Promise<T>, options: { timeoutMs: number }): Promise<T>;
  /** See `ReadNow`: the driver's way to run a compiled read without Kysely's executor, when it safely can. */
  readonly readNow?: ReadNow;
  /** Extra cleanup after the Kysely instance is destroyed. */
  onClose?(): Promise<void>;
}

/** Turn a driver's unique violation into the engine's StorageConflictError; anything else passes through. */
function mapError(e: unknown, d: SqlDialect, ns: Namespace): unknown {
  if (isStorageConflict(e)) return e;
  const constraint = d.uniqueViolation(e, ns);
  return constraint ? new StorageConflictError(constraint, { cause: e }) : e;
}

/** Wrap every method: refuse calls after close, map unique violations in one place. */
function guard<T extends object>(repo: T, check: () => void, d: SqlDialect, ns: Namespace): T {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(repo)) {
    out[name] = async (...args: unknown[]) => {
      check();
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (e) {
        throw mapError(e, d, ns);
      }
    };
  }
  return out as T;
}

function createRepos(db: Kysely<Database>, d: SqlDialect, ns: Namespace, check: () => void, atomic: RepoContext['atomic'], compiled: CompiledQueries): StorageTx {
  const ctx: RepoContext = { db, d, atomic, compiled };
  const guarded = <T extends object>(repo: T): T => guard(repo, check, d, ns);
  return {
    users: guarded(createUserRepo(ctx)),
    plans: guarded(createPlanRepo(ctx)),
    workspaces: guarded(createWorkspaceRepo(ctx)),
    members: guarded(createMemberRepo(ctx)),
    projects: guarded(createProjectRepo(ctx)),
    environments: guarded(createEnvironmentRepo(ctx)),
    connections: guarded(createConnectionRepo(ctx)),
    resources: guarded(createResourceRepo(ctx)),
    dnsRecords: guarded(createDnsRecordRepo(ctx)),
    resourceConnections: guarded(createResourceConnectionRepo(ctx)),
    oidcKeys: guarded(createOidcKeyRepo(ctx)),
    audit: guarded(createAuditRepo(ctx)),
    scopes: guarded(createScopeRepo(ctx)),
    lockWorkspace: async (workspaceId) => {
      check();
      await d.lockWorkspace(db, workspaceId);
    },
  };
}

/**
 * Build the engine's `Storage` over a Kysely instance and a dialect seam. All SQL is shared; the
 * driver packages (`@cloudlink/storage-sqlite`, `@cloudlink/storage-postgres`) supply transactions,
 * the zone lock and the dialect.
 */
export function createKyselyStorage(options: KyselyStorageOptions): Storage {
  const { dialect: d } = options;
  const ns = options.namespace ?? DEFAULT_NAMESPACE;
  // Every repository, transaction and compiled read goes through the namespaced handle; the
  // migrator names its own tables (migrator.ts).
  const plugin = namespacePlugin(ns);
  const db = plugin ? options.db.withPlugin(plugin) : options.db;
  const guard = createStorageGuard('cloudlink storage');
  const check = () => guard.assertOpen();
  const checkRoot = () => guard.assertRoot();
  const compiled = createCompiledQueries(options.readNow);
  const root = createRepos(db, d, ns, checkRoot, (fn) => options.runTransaction(db, fn), compiled);
  return {
    ...root,
    // Outside a transaction a row lock would be released at once: nothing to serialise.
    lockWorkspace: async () => checkRoot(),
    async transaction(fn) {
      checkRoot();
      try {
        return await options.runTransaction(db, (trx) => guard.insideTransaction(() => fn(createRepos(trx, d, ns, check, (inner) => inner(trx), compiled))));
      } catch (e) {
        throw mapError(e, d, ns);
      }
    },
    async withZoneLock(zoneResourceId, fn, lockOptions) {
      check();
      return options.withZoneLock(zoneResourceId, fn, lockOptions);
    },
    async migrate() {
      check();
      return runMigrations(options.db, d, ns);
    },
    async health() {
      if (guard.closed) return { ok: false, reason: 'storage is closed' };
      try {
        await sql`SELECT 1`.execute(db);
        const pending = await pendingMigrations(options.db, d, ns);
        return pending.length === 0 ? { ok: true } : { ok: false, reason: `pending migrations: ${pending.join(', ')}` };
      } catch (e) {
        return { ok: false, reason: `database unreachable: ${(e as Error).message}` };
      }
    },
    async close() {
      if (!guard.close()) return;
      await options.db.destroy();
      await options.onClose?.();
    },
  };
}
