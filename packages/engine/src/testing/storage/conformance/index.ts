import { describe } from 'vitest';
import { useStorage, type CreateStorage, type StorageConformanceContext } from './context.js';
import { describeLifecycle } from './lifecycle.js';
import { describeUsersAndPlans } from './users-plans.js';
import { describeWorkspacesAndMembers } from './workspaces-members.js';
import { describeProjectsAndEnvironments } from './projects-environments.js';
import { describeConnections } from './connections.js';
import { describeConnectionTokens } from './connection-tokens.js';
import { describeConnectionHealth } from './connection-health.js';
import { describeResources } from './resources.js';
import { describeDnsRecordsAndOidcKeys } from './dns-records-oidc.js';
import { describeSlugVacancy } from './slug-vacancy.js';
import { describeListPages } from './pages.js';
import { describeDnsWriteIntents } from './dns-write-intents.js';
import { describeResourceConnections } from './resource-connections.js';
import { describeAuditLog } from './audit.js';
import { describeScopes } from './scopes.js';

export type { CreateStorage, StorageConformanceContext, StorageUnderTest } from './context.js';
import { T0, at, expectConflict, raw } from './context.js';

/** Helpers for `additionalTests`: fixed instants, dialect-tolerant raw readers, conflict assertion. */
export const storageConformanceHelpers = { T0, at, expectConflict, raw } as const;

export interface StorageConformanceOptions {
  /** Shown in the test names, e.g. `sqlite`. */
  readonly name: string;
  /** A fresh, empty, un-migrated storage and its raw reader, per test; the suite migrates it. */
  readonly create: CreateStorage;
  /** Driver-specific cases, registered inside the suite's `describe` with the same per-test context. */
  readonly additionalTests?: (ctx: StorageConformanceContext) => void;
}

/**
 * The Storage conformance suite (CONTRIBUTING.md): every repository method, each unique constraint,
 * soft delete, scoping, ordering, transactions and locks. Writes are verified through `peek`, never
 * through the storage's own getters. Every storage (memory, SQLite, Postgres) must pass it.
 */
export function describeStorageConformance(options: StorageConformanceOptions): void {
  describe(`storage conformance: ${options.name}`, () => {
    const ctx = useStorage(options.create);
    describeLifecycle(ctx);
    describeUsersAndPlans(ctx);
    describeWorkspacesAndMembers(ctx);
    describeProjectsAndEnvironments(ctx);
    describeConnections(ctx);
    describeConnectionTokens(ctx);
    describeConnectionHealth(ctx);
    describeResources(ctx);
    describeDnsRecordsAndOidcKeys(ctx);
    describeSlugVacancy(ctx);
    describeListPages(ctx);
    describeDnsWriteIntents(ctx);
    describeResourceConnections(ctx);
    describeAuditLog(ctx);
    describeScopes(ctx);
    options.additionalTests?.(ctx);
  });
}
