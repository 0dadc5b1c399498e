import { describe, expect, it } from 'vitest';
import { T0, at, expectConflict, raw, type StorageConformanceContext } from './context.js';
import { fixtures } from './fixtures.js';

/** connections.* except the setup-token methods (connection-tokens.ts). */
export function describeConnections(ctx: StorageConformanceContext): void {
  async function base() {
    const f = fixtures(ctx.storage);
    const user = await f.user();
    const workspace = await f.workspace();
    return { f, user, workspace };
  }

  describe('connections.createConnection', () => {
    it('inserts an active pending connection with the provider id and the given fields', async () => {
      const { user, workspace } = await base();
      const c = await ctx.storage.connections.createConnection({
        workspaceId: workspace.id,
        provider: 'gcp',
        createdBy: user.id,
        region: 'europe-west1',
        accountName: 'Prod',
        externalId: 'ext-123',
        stackName: 'stack-1',
        now: T0,
      });
      expect(c).toMatchObject({
        workspaceId: workspace.id, provider: 'gcp', createdBy: user.id, accountId: null, accountName: 'Prod', region: 'europe-west1',
        roleArn: null, externalId: 'ext-123', stackName: 'stack-1', status: 'pending', connectedAt: null, failureReason: null,
        secretData: null, setupTokenHash: null, setupTokenExpiresAt: null, setupTokenUsedAt: null, isActive: true, createdAt: T0, deletedAt: null,
      });
      const row = await ctx.row('cloud_connections', c.id);
      expect([raw.num(row.workspace_id), raw.num(row.cloud_provider_id), raw.num(row.created_by), row.region]).toEqual([workspace.id, 2, user.id, 'europe-west1']);
      expect([row.account_name, row.external_id, row.stack_name, row.connection_status, raw.bool(row.is_active)]).toEqual(['Prod', 'ext-123', 'stack-1', 'pending', true]);
      expect([row.account_id, row.role_arn, row.secret_data, row.setup_token_hash, row.deleted_at]).toEqual([null, null, null, null, null]);
    });

    it('stores auth_mode: null by default (the provider\'s default mode), \'oidc\' when given', async () => {
      const { user, workspace } = await base();
      const byDefault = await ctx.storage.connections.createConnection({ workspaceId: workspace.id, provider: 'aws', createdBy: user.id, region: 'us-east-1', now: T0 });
      const federated = await ctx.storage.connections.createConnection({
        workspaceId: workspace.id, provider: 'aws', createdBy: user.id, region: 'us-east-1', authMode: 'oidc', now: T0,
      });
      expect([byDefault.authMode, federated.authMode]).toEqual([null, 'oidc']);
      expect([(await ctx.row('cloud_connections', byDefault.id)).auth_mode, (await ctx.row('cloud_connections', federated.id)).auth_mode]).toEqual([null, 'oidc']);
      expect((await ctx.storage.connections.getConnectionById(federated.id))?.authMode).toBe('oidc');
      // The mode survives later updates that do not mention it.
      expect((await ctx.storage.connections.updateConnection(federated.id, { status: 'connected' }, at(1))).authMode).toBe('oidc');
    });

    it('maps aws, gcp, azure to cloud_provider_id 1, 2, 3', async () => {
      const { f, user, workspace } = await base();
      for (const provider of ['aws', 'gcp', 'azure'] as const) await f.connection(workspace, user, { provider });
      expect((await ctx.rows('cloud_connections')).map((r) => raw.num(r.cloud_provider_id))).toEqual([1, 2, 3]);
    });

    it('refuses an account name already used by an active connection of the workspace: cloud_connections.account_name', async () => {
      const { f, user, workspace } = await base();
      await f.connection(workspace, user, { accountName: 'Main' });
      await expectConflict(f.connection(workspace, user, { accountName: 'Main', provider: 'azure' }), 'cloud_connections.account_name');
      expect(await ctx.rows('cloud_connections')).toHaveLength(1);
    });

    it('allows the same name in another workspace, in another case, and any number of null names', async () => {
      const { f, user, workspace } = await base();
      const other = await f.workspace();
      await f.connection(workspace, user, { accountName: 'Main' });
      await f.connection(other, user, { accountName: 'Main' });
      await f.connection(workspace, user, { accountName: 'main' });
      await f.connection(workspace, user, { accountName: null });
      await f.connection(workspace, user, { accountName: null });
      expect(await ctx.rows('cloud_connections')).toHaveLength(5);
    });

    it('lets a soft-deleted connection free its account name (partial index)', async () => {
      const { f, user, workspace } = await base();
      const old = await f.connection(workspace, user, { accountName: 'Reused' });
      await ctx.storage.connections.softDeleteConnection(old.id, at(1));
      const again = await f.connection(workspace, user, { accountName: 'Reused' });
      expect(again.id).not.toBe(old.id);
      expect((await ctx.rows('cloud_connections')).map((r) => r.account_name)).toEqual(['Reused', 'Reused']);
    });
  });

  describe('connections.getConnection', () => {
    it('finds an active connection of the workspace; null in another workspace, when deleted or missing', async () => {
      const { f, user, workspace } = await base();
      const other = await f.workspace();
      const c = await f.connection(workspace, user);
      expect(await ctx.storage.connections.getConnection(workspace.id, c.id)).toEqual(c);
      expect(await ctx.storage.connections.getConnection(other.id, c.id)).toBeNull();
      expect(await ctx.storage.connections.getConnection(workspace.id, c.id + 1000)).toBeNull();
      await ctx.storage.connections.softDeleteConnection(c.id, at(1));
      expect(await ctx.storage.connections.getConnection(workspace.id, c.id)).toBeNull();
    });
  });

  describe('connections.getConnectionById', () => {
    it('finds any connection, soft-deleted included; null when missing', async () => {
      const { f, user, workspace } = await base();
      const c = await f.connection(workspace, user);
      await ctx.storage.connections.softDeleteConnection(c.id, at(1));
      expect(await ctx.storage.connections.getConnectionById(c.id)).toMatchObject({ id: c.id, isActive: false, status: 'disconnected', deletedAt: at(1) });
      expect(await ctx.storage.connections.getConnectionById(c.id + 1000)).toBeNull();
    });
  });

  describe('connections.listConnections', () => {
    it('lists the workspace connections id ascending, filtered by status, provider, provider id and activity', async () => {
      const { f, user, workspace } = await base();
      const other = await f.workspace();
      const aws = await f.connection(workspace, user, { provider: 'aws' });
      const gcp = await f.connection(workspace, user, { provider: 'gcp' });
      const azure = await f.connection(workspace, user, { provider: 'azure' });
      const gone = await f.connection(workspace, user, { provider: 'aws' });
      await f.connection(other, user);
      await ctx.storage.connections.updateConnection(gcp.id, { status: 'connected' }, at(1));
      await ctx.storage.connections.softDeleteConnection(gone.id, at(1));
      const ids = async (filter: Parameters<typeof ctx.storage.connections.listConnections>[1]) =>
        (await ctx.storage.connections.listConnections(workspace.id, filter, { limit: 100 })).map((c) => c.id);
      expect(await ids({})).toEqual([aws.id, gcp.id, azure.id]);
      expect(await ids({ includeInactive: true })).toEqual([aws.id, gcp.id, azure.id, gone.id]);
      expect(await ids({ status: 'connected' })).toEqual([gcp.id]);
      expect(await ids({ status: 'disconnected' })).toEqual([]);
      expect(await ids({ status: 'disconnected', includeInactive: true })).toEqual([gone.id]);
      expect(await ids({ provider: 'aws' })).toEqual([aws.id]);
      expect(await ids({ provider: 'aws', includeInactive: true })).toEqual([aws.id, gone.id]);
      expect(await ids({ providerId: 3 })).toEqual([azure.id]);
      expect(await ctx.storage.connections.listConnections(workspace.id + 1000, {}, { limit: 100 })).toEqual([]);
    });
  });

  describe('connections.countConnectionsByStatus', () => {
    it('counts active connections per status, every status present', async () => {
      const { f, user, workspace } = await base();
      expect(await ctx.storage.connections.countConnectionsByStatus(workspace.id)).toEqual({ pending: 0, connected: 0, failed: 0, disconnected: 0 });
      const [a, b, c] = [await f.connection(workspace, user), await f.connection(workspace, user), await f.connection(workspace, user)];
      await f.connection(workspace, user);
      await ctx.storage.connections.updateConnection(a.id, { status: 'connected' }, T0);
      await ctx.storage.connections.updateConnection(b.id, { status: 'failed', failureReason: 'denied' }, T0);
      await ctx.storage.connections.softDeleteConnection(c.id, T0);
      expect(await ctx.storage.connections.countConnectionsByStatus(workspace.id)).toEqual({ pending: 1, connected: 1, failed: 1, disconnected: 0 });
    });
  });

  describe('connections.countConnected', () => {
    it('counts active connected connections, optionally excluding one id', async () => {
      const { f, user, workspace } = await base();
      const other = await f.workspace();
      const [a, b, c] = [await f.connection(workspace, user), await f.connection(workspace, user), await f.connection(workspace, user)];
      const elsewhere = await f.connection(other, user);
      for (const x of [a, b, c, elsewhere]) await ctx.storage.connections.updateConnection(x.id, { status: 'connected' }, T0);
      await ctx.storage.connections.softDeleteConnection(c.id, at(1));
      expect(await ctx.storage.connections.countConnected(workspace.id)).toBe(2);
      expect(await ctx.storage.connections.countConnected(workspace.id, { excludeId: a.id })).toBe(1);
      expect(await ctx.storage.connections.countConnected(workspace.id, { excludeId: elsewhere.id })).toBe(2);
    });
  });

  describe('connections.updateConnection', () => {
    it('writes exactly the patched columns and updated_at; secret_data holds what was passed', async () => {
      const { f, user, workspace } = await base();
      const c = await f.connection(workspace, user, { accountName: 'Before' });
      const sealed = 'v1:k1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA:c2VhbGVk';
      const updated = await ctx.storage.connections.updateConnection(
        c.id,
        { accountId: '123456789012', roleArn: 'arn:aws:iam::123456789012:role/R', status: 'connected', connectedAt: at(2), secretData: sealed },
        at(2),
      );
      expect(updated).toMatchObject({ id: c.id, accountId: '123456789012', accountName: 'Before', status: 'connected', connectedAt: at(2), secretData: sealed, updatedAt: at(2), createdAt: T0 });
      const row = await ctx.row('cloud_connections', c.id);
      expect([row.account_id, row.account_name, row.role_arn, row.connection_status, row.secret_data]).toEqual([
        '123456789012', 'Before', 'arn:aws:iam::123456789012:role/R', 'connected', sealed,
      ]);
      expect(raw.time(row.connected_at)).toBe(at(2).getTime());
      expect(raw.time(row.updated_at)).toBe(at(2).getTime());
      expect(raw.time(row.created_at)).toBe(T0.getTime());
    });

    it('sets columns back to null when the patch says null', async () => {
      const { f, user, workspace } = await base();
      const c = await f.connection(workspace, user, { accountName: 'Named' });
      await ctx.storage.connections.updateConnection(c.id, { status: 'failed', failureReason: 'AccessDenied', secretData: 'x' }, at(1));
      await ctx.storage.connections.updateConnection(c.id, { accountName: null, failureReason: null, secretData: null }, at(2));
      const row = await ctx.row('cloud_connections', c.id);
      expect([row.account_name, row.failure_reason, row.secret_data, row.connection_status]).toEqual([null, null, null, 'failed']);
    });

    it('refuses renaming to an active name of the workspace: cloud_connections.account_name', async () => {
      const { f, user, workspace } = await base();
      await f.connection(workspace, user, { accountName: 'Taken' });
      const c = await f.connection(workspace, user, { accountName: 'Mine' });
      await expectConflict(ctx.storage.connections.updateConnection(c.id, { accountName: 'Taken' }, at(1)), 'cloud_connections.account_name');
      expect((await ctx.row('cloud_connections', c.id)).account_name).toBe('Mine');
    });
  });

  describe('connections.softDeleteConnection', () => {
    it('sets is_active=false, disconnected and deleted_at', async () => {
      const { f, user, workspace } = await base();
      const c = await f.connection(workspace, user);
      await ctx.storage.connections.updateConnection(c.id, { status: 'connected' }, T0);
      await ctx.storage.connections.softDeleteConnection(c.id, at(4));
      const row = await ctx.row('cloud_connections', c.id);
      expect([raw.bool(row.is_active), row.connection_status, raw.time(row.deleted_at)]).toEqual([false, 'disconnected', at(4).getTime()]);
    });
  });

  describe('connections.listSealedSecrets', () => {
    it('lists every connection with secret_data, active or not, id ascending', async () => {
      const { f, user, workspace } = await base();
      const [a, b, c] = [await f.connection(workspace, user), await f.connection(workspace, user), await f.connection(workspace, user)];
      await ctx.storage.connections.updateConnection(c.id, { secretData: 'sealed-c' }, T0);
      await ctx.storage.connections.updateConnection(a.id, { secretData: 'sealed-a' }, T0);
      await ctx.storage.connections.softDeleteConnection(a.id, at(1));
      expect(await ctx.storage.connections.listSealedSecrets()).toEqual([
        { id: a.id, secretData: 'sealed-a' },
        { id: c.id, secretData: 'sealed-c' },
      ]);
      expect(b.secretData).toBeNull();
    });
  });
}
