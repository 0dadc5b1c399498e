import { describe, expect, it } from 'vitest';
import { ProviderCallError } from '../src/ports/provider-error.js';
import { createTestEngine, failure } from './support/engine.js';

async function awsSetup(plan: 'free' | 'pro' = 'free', options: Parameters<typeof createTestEngine>[0] = {}) {
  const t = await createTestEngine(options);
  const w = await t.workspace('ann@example.com', 'Acme', plan);
  return { t, ...w };
}

describe('connect-aws', () => {
  it('creates a pending connection with a fresh ExternalId, stack name and quick-create URL', async () => {
    const { t, actor, workspaceSlug } = await awsSetup();
    const res = await t.engine.cloudConnections.connectAws(actor, { workspaceSlug });
    const { externalId, stackName } = res.data;
    expect(externalId).toMatch(/^[0-9a-f]{32}$/);
    expect(stackName).toMatch(/^DeploCloudConnection-[0-9a-f]{8}$/);
    expect(res).toEqual({
      message: 'AWS connection initiated',
      data: {
        connectionId: 1,
        connectionUrl: `https://console.aws.amazon.com/cloudformation/home?region=us-east-1#/stacks/create/review?templateURL=https%3A%2F%2Fcloudlink.example.com%2Fapi%2Fcloud-connections%2Ftemplates%2Faws.yaml&stackName=${stackName}&param_ExternalId=${externalId}`,
        stackName,
        region: 'us-east-1',
        status: 'pending',
        externalId,
        mode: 'role',
      },
    });
    const second = await t.engine.cloudConnections.connectAws(actor, { workspaceSlug, region: 'eu-west-2' });
    expect(second.data.externalId).not.toBe(externalId);
    expect(second.data.connectionUrl).toContain('?region=eu-west-2#');
  });

  it('validates the region, checks permission and the plan limit', async () => {
    const { t, actor, workspaceSlug, workspaceId } = await awsSetup();
    expect(await failure(t.engine.cloudConnections.connectAws(actor, { workspaceSlug, region: 'mars' }))).toMatchObject({
      error: 'Validation failed',
      message: 'region: must be an AWS region such as us-east-1',
    });
    expect(await failure(t.engine.cloudConnections.connectGcp(actor, { workspaceSlug, region: 'US' }))).toMatchObject({ message: 'region: must be a GCP region such as us-central1' });
    expect(await failure(t.engine.cloudConnections.connectAws(actor, { workspaceSlug, mode: 'secret' }))).toMatchObject({ message: 'mode: must be "role" or "oidc"' });
    expect(await failure(t.engine.cloudConnections.connectAzure(actor, { workspaceSlug, mode: 'role' }))).toMatchObject({ message: 'mode: must be "secret" or "oidc"' });
    expect(await failure(t.engine.cloudConnections.connectAzure(actor, { workspaceSlug, region: 'east-us' }))).toMatchObject({ message: 'region: must be an Azure region such as eastus' });
    const dev = await t.user('dev@example.com');
    const viewer = await t.user('viewer@example.com');
    await t.storage.members.addMember({ workspaceId, userId: dev.userId, role: 'dev', permissions: null, now: t.clock.now() });
    await t.storage.members.addMember({ workspaceId, userId: viewer.userId, role: 'viewer', permissions: null, now: t.clock.now() });
    expect((await t.engine.cloudConnections.connectAws(dev, { workspaceSlug })).data.status).toBe('pending');
    expect(await failure(t.engine.cloudConnections.connectAws(viewer, { workspaceSlug }))).toMatchObject({
      error: 'Forbidden',
      message: 'You do not have permission to perform this action (requires canManageResources)',
    });
    expect(await failure(t.engine.cloudConnections.connectAws(null, { workspaceSlug }))).toMatchObject({ error: 'Unauthorized' });
    // One connected connection on the free plan blocks any new connect.
    const { data } = await t.engine.cloudConnections.connectAws(actor, { workspaceSlug });
    await t.engine.cloudConnections.complete(actor, { workspaceSlug, connectionId: String(data.connectionId), accountId: '123456789012', accountName: 'Prod' });
    expect(await failure(t.engine.cloudConnections.connectGcp(actor, { workspaceSlug }))).toMatchObject({
      error: 'Plan limit exceeded',
      message: 'You have reached the maximum number of cloud connections (1) for your plan. Please upgrade to create more cloud connections.',
      currentValue: 1,
      limit: 1,
      upgradeRequired: true,
    });
  });

  it('discovers the platform account once, or answers 503 without one', async () => {
    const { t, actor, workspaceSlug } = await awsSetup('pro', { awsAccountId: null });
    await t.engine.cloudConnections.connectAws(actor, { workspaceSlug });
    await t.engine.cloudConnections.connectAws(actor, { workspaceSlug });
    expect(t.aws.control.calls.filter((c) => c.call === 'GetCallerIdentity')).toHaveLength(1);
    expect(await t.engine.publicAssets.awsTemplate()).toContain("AWS: 'arn:aws:iam::999999999999:root'");

    const none = await awsSetup('pro', { awsAccountId: null, wrap: { aws: () => null } });
    expect(await failure(none.t.engine.cloudConnections.connectAws(none.actor, { workspaceSlug: none.workspaceSlug }))).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      error: 'Provider unavailable',
      message: 'AWS platform account is not configured',
    });
    expect(await failure(none.t.engine.publicAssets.awsTemplate())).toMatchObject({ error: 'Provider unavailable' });
  });
});

describe('complete (AWS)', () => {
  it('tests the role and marks the connection connected', async () => {
    const { t, actor, workspaceSlug } = await awsSetup();
    const { data } = await t.engine.cloudConnections.connectAws(actor, { workspaceSlug });
    t.clock.advance(5 * 60_000);
    const res = await t.engine.cloudConnections.complete(actor, { workspaceSlug, connectionId: data.connectionId, accountId: '123456789012', accountName: ' Production AWS ' });
    expect(res).toEqual({
      message: 'Cloud connection completed successfully',
      data: {
        id: 1,
        cloudProvider: { id: 1, name: 'aws', displayName: 'Amazon Web Services' },
        accountId: '123456789012',
        accountName: 'Production AWS',
        region: 'us-east-1',
        connectionStatus: 'connected',
        mode: 'role',
        connectedAt: '2024-01-15T10:35:00.000Z',
        failureReason: null,
        isActive: true,
        createdAt: '2024-01-15T10:30:00.000Z',
        updatedAt: '2024-01-15T10:35:00.000Z',
        lastVerifiedAt: null,
        lastVerificationError: null,
      },
    });
    const calls = t.aws.control.calls.map((c) => c.call);
    expect(calls).toEqual(['AssumeRole', 'GetCallerIdentity', 'AssumeRole']);
    const [row] = await t.storage.peek.rows('cloud_connections');
    expect(row).toMatchObject({ role_arn: 'arn:aws:iam::123456789012:role/GatewaysAppDeployRole', external_id: data.externalId });
    expect(await failure(t.engine.cloudConnections.complete(actor, { workspaceSlug, connectionId: 1, accountId: '123456789012', accountName: 'X' }))).toMatchObject({
      code: 'CONFLICT',
      error: 'Connection already completed',
      message: 'Cloud connection 1 is already connected',
    });
  });

  it('stores a refusal as failed with the reason, and a retry can succeed', async () => {
    const { t, actor, workspaceSlug } = await awsSetup();
    const { data } = await t.engine.cloudConnections.connectAws(actor, { workspaceSlug });
    const err = await failure(t.engine.cloudConnections.complete(actor, { workspaceSlug, connectionId: data.connectionId, accountId: '000000000000', accountName: 'Prod' }));
    const reason =
      'AssumeRole failed: AccessDenied: User: arn:aws:sts::999999999999:assumed-role/cloudlink-platform/cloudlink-1 is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::000000000000:role/GatewaysAppDeployRole';
    expect(err).toMatchObject({
      code: 'CONNECTION_TEST_FAILED',
      error: 'Connection test failed',
      message: reason,
      data: { id: 1, connectionStatus: 'failed', failureReason: reason, accountId: '000000000000', accountName: 'Prod', connectedAt: null },
    });
    const retry = await t.engine.cloudConnections.complete(actor, { workspaceSlug, connectionId: data.connectionId, accountId: '123456789012', accountName: 'Prod' });
    expect(retry.data).toMatchObject({ connectionStatus: 'connected', failureReason: null, accountId: '123456789012' });
  });

  it('refuses an account mismatch and a trust policy that ignores the ExternalId', async () => {
    const mismatch = await awsSetup('free', {
      wrap: { aws: (c) => ({ ...c, getCallerIdentity: async () => ({ account: '210987654321', arn: 'arn:aws:sts::210987654321:assumed-role/x/y' }) }) },
    });
    const a = await mismatch.t.engine.cloudConnections.connectAws(mismatch.actor, { workspaceSlug: mismatch.workspaceSlug });
    expect(
      await failure(mismatch.t.engine.cloudConnections.complete(mismatch.actor, { workspaceSlug: mismatch.workspaceSlug, connectionId: a.data.connectionId, accountId: '123456789012', accountName: 'P' })),
    ).toMatchObject({
      error: 'Connection test failed',
      message: 'GetCallerIdentity failed: AccountMismatch: role belongs to account 210987654321, expected 123456789012',
    });
    const lax = await awsSetup('free', {
      wrap: { aws: (c) => ({ ...c, assumeRole: (input) => c.assumeRole({ ...input, externalId: '0'.repeat(32) }) }) },
    });
    const b = await lax.t.engine.cloudConnections.connectAws(lax.actor, { workspaceSlug: lax.workspaceSlug });
    expect(
      await failure(lax.t.engine.cloudConnections.complete(lax.actor, { workspaceSlug: lax.workspaceSlug, connectionId: b.data.connectionId, accountId: '123456789012', accountName: 'P' })),
    ).toMatchObject({
      error: 'Connection test failed',
      message: 'AssumeRole without ExternalId failed: ExternalIdNotEnforced: trust policy does not require the ExternalId',
      data: { connectionStatus: 'failed' },
    });
  });

  it('reaches no verdict on throttling (503, Retry-After) or outages (502); the status stays', async () => {
    const { t, actor, workspaceSlug } = await awsSetup();
    const { data } = await t.engine.cloudConnections.connectAws(actor, { workspaceSlug });
    const input = { workspaceSlug, connectionId: data.connectionId, accountId: '123456789012', accountName: 'Prod' };
    // Connectors retry inside (docs/batching.md; tested in @cloudlink/providers): what reaches the engine
    // is the final answer, which it maps without retrying again.
    t.aws.control.resetCalls();
    t.aws.control.failNext('AssumeRole', { code: 'Throttling', message: 'Rate exceeded', kind: 'throttled', retryAfter: 7 });
    expect(await failure(t.engine.cloudConnections.complete(actor, input))).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      error: 'Provider unavailable',
      message: 'AssumeRole failed: Throttling: Rate exceeded',
      retryAfter: 7,
    });
    expect(t.clock.slept).toBe(0);
    expect(t.aws.control.calls.filter((c) => c.call === 'AssumeRole')).toHaveLength(1);
    t.aws.control.failNext('GetCallerIdentity', { code: 'InternalFailure', message: 'boom', kind: 'transient' });
    expect(await failure(t.engine.cloudConnections.complete(actor, input))).toMatchObject({ code: 'PROVIDER_FAILURE', error: 'Provider unavailable', message: 'GetCallerIdentity failed: InternalFailure: boom' });
    // Our own platform credentials rejected on the negative test: an outage, not a verdict.
    t.aws.control.failNext('AssumeRole', { code: 'InvalidClientTokenId', message: 'bad platform key', kind: 'platform' }, { after: 1 });
    expect(await failure(t.engine.cloudConnections.complete(actor, input))).toMatchObject({ code: 'PROVIDER_FAILURE', message: 'AssumeRole failed: InvalidClientTokenId: bad platform key' });
    const [row] = await t.storage.peek.rows('cloud_connections');
    expect(row).toMatchObject({ connection_status: 'pending', failure_reason: null });
    expect((await t.engine.cloudConnections.complete(actor, input)).data.connectionStatus).toBe('connected');
  });

  it('validates the body after the pipeline: bad id, other workspace, schema', async () => {
    const { t, actor, workspaceSlug } = await awsSetup();
    const other = await t.workspace('bob@example.com', 'Other');
    const theirs = await t.engine.cloudConnections.connectAws(other.actor, { workspaceSlug: other.workspaceSlug });
    await t.engine.cloudConnections.connectAws(actor, { workspaceSlug });
    expect(await failure(t.engine.cloudConnections.complete(actor, { workspaceSlug, connectionId: '01', accountId: 'x', accountName: '' }))).toMatchObject({
      error: 'Invalid connection ID',
      message: 'Connection ID must be a positive integer',
    });
    expect(await failure(t.engine.cloudConnections.complete(actor, { workspaceSlug, connectionId: theirs.data.connectionId, accountId: '123456789012', accountName: 'A' }))).toMatchObject({
      error: 'Cloud connection not found',
      message: 'The specified cloud connection does not exist',
    });
    expect(await failure(t.engine.cloudConnections.complete(actor, { workspaceSlug, connectionId: 2, accountId: '12345', accountName: 'A' }))).toEqual({
      code: 'VALIDATION',
      retryAfter: undefined,
      error: 'Validation failed',
      message: 'accountId: must be a 12-digit AWS account ID',
      details: [{ path: 'accountId', message: 'must be a 12-digit AWS account ID' }],
    });
    expect(await failure(t.engine.cloudConnections.complete(actor, { workspaceSlug, connectionId: 2, accountId: '123456789012' } as never))).toMatchObject({ message: 'accountName: required' });
  });

  it('lets exactly one of two racing completes take the last connection slot', async () => {
    const { t, actor, workspaceSlug } = await awsSetup();
    const a = await t.engine.cloudConnections.connectAws(actor, { workspaceSlug });
    const b = await t.engine.cloudConnections.connectAws(actor, { workspaceSlug });
    const results = await Promise.allSettled([
      t.engine.cloudConnections.complete(actor, { workspaceSlug, connectionId: a.data.connectionId, accountId: '111111111111', accountName: 'A' }),
      t.engine.cloudConnections.complete(actor, { workspaceSlug, connectionId: b.data.connectionId, accountId: '222222222222', accountName: 'B' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as { error: string }).error).toBe('Plan limit exceeded');
    const rows = await t.storage.peek.rows('cloud_connections');
    expect(rows.filter((r) => r.connection_status === 'connected')).toHaveLength(1);
    expect(rows.filter((r) => r.connection_status === 'pending')).toHaveLength(1);
  });
});

describe('AWS session cache', () => {
  it('caches assumed-role credentials until 5 minutes before expiry, single-flight, and drops them', async () => {
    const { t, actor, workspaceSlug } = await awsSetup();
    const { data } = await t.engine.cloudConnections.connectAws(actor, { workspaceSlug });
    await t.engine.cloudConnections.complete(actor, { workspaceSlug, connectionId: data.connectionId, accountId: '123456789012', accountName: 'P' });
    const connection = (await t.storage.connections.getConnectionById(data.connectionId))!;
    t.aws.control.resetCalls();
    // We reach into the engine's context through a service that uses it: the cache is ctx.awsSessions.
    const sessions = (await import('../src/connections/aws-sessions.js')).createAwsSessionCache({
      storage: t.storage,
      clock: t.clock,
      random: { bytes: () => new Uint8Array(), fraction: () => 0, uuid: () => '' },
      config: { retry: { maxAttempts: 1, baseMs: 1, capMs: 1, maxRetryAfterSeconds: 1 } },
      providers: { aws: t.aws },
    } as never);
    const [c1, c2] = await Promise.all([sessions.credentialsFor(connection), sessions.credentialsFor(connection)]);
    expect(c1).toBe(c2);
    expect(t.aws.control.calls).toHaveLength(1);
    t.clock.advance(54 * 60_000);
    expect(await sessions.credentialsFor(connection)).toBe(c1);
    t.clock.advance(60_000 + 1);
    const c3 = await sessions.credentialsFor(connection);
    expect(c3).not.toBe(c1);
    expect(t.aws.control.calls).toHaveLength(2);
    sessions.drop(connection.id);
    await sessions.credentialsFor(connection);
    expect(t.aws.control.calls).toHaveLength(3);
    t.aws.control.failNext('AssumeRole', { code: 'AccessDenied', message: 'gone', kind: 'refused' });
    sessions.drop(connection.id);
    await expect(sessions.credentialsFor(connection)).rejects.toBeInstanceOf(ProviderCallError);
  });
});
