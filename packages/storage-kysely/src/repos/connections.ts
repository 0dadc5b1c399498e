import type { Updateable } from 'kysely';
import { CLOUD_PROVIDERS, CONNECTION_STATUSES } from '@cloudlink/engine';
import type { CloudConnection, CloudProviderName, ConnectionPatch, ConnectionRepo, ConnectionStatus } from '@cloudlink/engine';
import type { CloudConnectionsTable } from '../schema.js';
import { encOptDate, idInRange, missingRow, optDate } from './context.js';
import type { RepoContext } from './context.js';
import { decodeNumber } from '../dialect.js';

/** Column of each patchable field; dates go through the dialect. */
const PATCH_COLUMNS = {
  accountId: 'account_id',
  accountName: 'account_name',
  roleArn: 'role_arn',
  status: 'connection_status',
  connectedAt: 'connected_at',
  failureReason: 'failure_reason',
  secretData: 'secret_data',
  setupTokenHash: 'setup_token_hash',
  setupTokenExpiresAt: 'setup_token_expires_at',
  setupTokenUsedAt: 'setup_token_used_at',
  lastVerifiedAt: 'last_verified_at',
  lastVerificationError: 'last_verification_error',
  verificationFailures: 'verification_failures',
  nextVerificationAt: 'next_verification_at',
} as const satisfies Record<keyof ConnectionPatch, keyof CloudConnectionsTable>;

export function createConnectionRepo({ db, d, compiled }: RepoContext): ConnectionRepo {
  const active = d.encodeBool(true);
  const base = () =>
    db
      .selectFrom('cloud_connections as c')
      .innerJoin('cloud_providers as cp', 'cp.id', 'c.cloud_provider_id')
      .selectAll('c')
      .select('cp.name as provider_name');
  type Row = Awaited<ReturnType<ReturnType<typeof base>['executeTakeFirstOrThrow']>>;
  const toConnection = (r: Row): CloudConnection => ({
    id: decodeNumber(r.id),
    workspaceId: decodeNumber(r.workspace_id),
    provider: r.provider_name as CloudProviderName,
    createdBy: decodeNumber(r.created_by),
    accountId: r.account_id,
    accountName: r.account_name,
    region: r.region,
    roleArn: r.role_arn,
    externalId: r.external_id,
    stackName: r.stack_name,
    status: r.connection_status as ConnectionStatus,
    connectedAt: optDate(d, r.connected_at),
    failureReason: r.failure_reason,
    secretData: r.secret_data,
    setupTokenHash: r.setup_token_hash === null ? null : r.setup_token_hash.trim(),
    setupTokenExpiresAt: optDate(d, r.setup_token_expires_at),
    setupTokenUsedAt: optDate(d, r.setup_token_used_at),
    lastVerifiedAt: optDate(d, r.last_verified_at),
    lastVerificationError: r.last_verification_error,
    verificationFailures: decodeNumber(r.verification_failures),
    nextVerificationAt: optDate(d, r.next_verification_at),
    authMode: r.auth_mode === 'oidc' ? 'oidc' : null,
    isActive: d.decodeBool(r.is_active),
    createdAt: d.decodeDate(r.created_at),
    updatedAt: d.decodeDate(r.updated_at),
    deletedAt: optDate(d, r.deleted_at),
  });
  const byId = async (id: number): Promise<CloudConnection | null> => {
    if (!idInRange(d, id)) return null;
    const row = await base().where('c.id', '=', id).executeTakeFirst();
    return row ? toConnection(row) : null;
  };

  return {
    async createConnection(input) {
      const provider = CLOUD_PROVIDERS.find((p) => p.name === input.provider);
      if (!provider) throw new Error(`unknown cloud provider ${input.provider}`);
      const now = d.encodeDate(input.now);
      const { id } = await db
        .insertInto('cloud_connections')
        .values({
          workspace_id: input.workspaceId,
          cloud_provider_id: provider.id,
          created_by: input.createdBy,
          account_name: input.accountName ?? null,
          region: input.region,
          external_id: input.externalId ?? null,
          stack_name: input.stackName ?? null,
          auth_mode: input.authMode ?? null,
          connection_status: 'pending',
          setup_token_hash: input.setupTokenHash ?? null,
          setup_token_expires_at: encOptDate(d, input.setupTokenExpiresAt),
          is_active: active,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return (await byId(decodeNumber(id)))!;
    },
    async getConnection(workspaceId, id) {
      if (!idInRange(d, id)) return null;
      const row = await base()
        .where('c.workspace_id', '=', workspaceId)
        .where('c.id', '=', id)
        .where('c.is_active', '=', active)
        .executeTakeFirst();
      return row ? toConnection(row) : null;
    },
    getConnectionById: byId,
    async listConnections(workspaceId, filter, page) {
      if (filter.providerId !== undefined && !idInRange(d, filter.providerId)) return [];
      // One compiled shape per combination of filters (at most 64); the values are bound per call.
      const args: unknown[] = [workspaceId, page.limit];
      const shape: string[] = [];
      const where = (name: string, value: unknown) => {
        shape.push(name);
        args.push(value);
      };
      if (filter.status) where('status', filter.status);
      if (filter.provider) where('provider', filter.provider);
      if (filter.providerId !== undefined) where('providerId', filter.providerId);
      if (filter.accountName !== undefined) where('accountName', filter.accountName);
      if (page.after !== undefined) where('after', Math.min(page.after, d.maxId));
      const rows = await compiled.rows(
        db,
        `connections.list:${filter.includeInactive ? 'all' : 'active'}:${shape.join(',')}`,
        (arg) => {
          let q = base().where('c.workspace_id', '=', arg<number>(0));
          if (!filter.includeInactive) q = q.where('c.is_active', '=', active);
          shape.forEach((name, i) => {
            const value = arg<never>(i + 2);
            if (name === 'status') q = q.where('c.connection_status', '=', value);
            else if (name === 'provider') q = q.where('cp.name', '=', value);
            else if (name === 'providerId') q = q.where('c.cloud_provider_id', '=', value);
            else if (name === 'accountName') q = q.where('c.account_name', '=', value);
            else q = q.where('c.id', '>', value);
          });
          return q.orderBy('c.id').limit(arg<number>(1));
        },
        args,
      );
      return rows.map(toConnection);
    },
    async countConnectionsByStatus(workspaceId) {
      const rows = await compiled.rows(
        db,
        'connections.countByStatus',
        (arg) =>
          db
            .selectFrom('cloud_connections')
            .select(['connection_status', (eb) => eb.fn.countAll().as('n')])
            .where('workspace_id', '=', arg<number>(0))
            .where('is_active', '=', active)
            .groupBy('connection_status'),
        [workspaceId],
      );
      const counts = Object.fromEntries(CONNECTION_STATUSES.map((s) => [s, 0])) as Record<ConnectionStatus, number>;
      for (const r of rows) counts[r.connection_status as ConnectionStatus] = decodeNumber(r.n);
      return counts;
    },
    async countConnected(workspaceId, options) {
      let q = db
        .selectFrom('cloud_connections')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('workspace_id', '=', workspaceId)
        .where('is_active', '=', active)
        .where('connection_status', '=', 'connected');
      if (options?.excludeId !== undefined) q = q.where('id', '<>', options.excludeId);
      return decodeNumber((await q.executeTakeFirstOrThrow()).n);
    },
    async updateConnection(id, patch, now) {
      const set: Updateable<CloudConnectionsTable> = { updated_at: d.encodeDate(now) };
      for (const [key, column] of Object.entries(PATCH_COLUMNS) as [keyof ConnectionPatch, keyof CloudConnectionsTable][]) {
        if (!(key in patch) || patch[key] === undefined) continue;
        const value = patch[key];
        (set as Record<string, unknown>)[column] = value instanceof Date ? d.encodeDate(value) : value;
      }
      const result = await db.updateTable('cloud_connections').set(set).where('id', '=', id).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw missingRow('cloud_connections', id);
      return (await byId(id))!;
    },
    async getConnectionBySetupTokenHash(hash) {
      const row = await base().where('c.setup_token_hash', '=', hash).where('c.is_active', '=', active).executeTakeFirst();
      return row ? toConnection(row) : null;
    },
    async claimSetupToken(id, now) {
      // One conditional UPDATE: the database decides the single winner among concurrent callers.
      const at = d.encodeDate(now);
      const result = await db
        .updateTable('cloud_connections')
        .set({ setup_token_used_at: at, updated_at: at })
        .where('id', '=', id)
        .where('is_active', '=', active)
        .where('setup_token_hash', 'is not', null)
        .where('setup_token_used_at', 'is', null)
        .where('setup_token_expires_at', '>', at)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async listSealedSecrets() {
      const rows = await db
        .selectFrom('cloud_connections')
        .select(['id', 'secret_data'])
        .where('secret_data', 'is not', null)
        .orderBy('id')
        .execute();
      return rows.map((r) => ({ id: decodeNumber(r.id), secretData: r.secret_data as string }));
    },
    async listConnectionsDueForVerification(now, limit) {
      const rows = await base()
        .where('c.is_active', '=', active)
        .where('c.connection_status', 'in', ['connected', 'failed'])
        .where((eb) => eb.or([eb('c.next_verification_at', 'is', null), eb('c.next_verification_at', '<=', d.encodeDate(now))]))
        .orderBy('c.id')
        .limit(limit)
        .execute();
      return rows.map(toConnection);
    },
    async claimVerification(id, expected, next) {
      if (!idInRange(d, id)) return false;
      // One conditional UPDATE: the database decides the single winner among instances.
      const result = await db
        .updateTable('cloud_connections')
        .set({ next_verification_at: d.encodeDate(next) })
        .where('id', '=', id)
        .where('is_active', '=', active)
        .where('connection_status', 'in', ['connected', 'failed'])
        .where((eb) => (expected === null ? eb('next_verification_at', 'is', null) : eb('next_verification_at', '=', d.encodeDate(expected))))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async softDeleteConnection(id, now) {
      const at = d.encodeDate(now);
      await db
        .updateTable('cloud_connections')
        .set({
          is_active: d.encodeBool(false),
          connection_status: 'disconnected',
          deleted_at: at,
          updated_at: at,
          // Dropping the hash both invalidates the token and frees it from the unique index.
          setup_token_hash: null,
        })
        .where('id', '=', id)
        .execute();
    },
  };
}
