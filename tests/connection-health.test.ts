import {
  createConnectionHealthScheduler,
  createInProcessJobQueue,
  type CloudlinkEvent,
  type ConnectionHealthScheduler,
  type JobQueue,
} from '@cloudlink/engine';
import type { FakeClock } from '@cloudlink/engine/testing';
import { createSandboxProviders, stsErrorBody } from '@cloudlink/sandbox';
import { createPgBossJobQueue } from '@cloudlink/storage-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../test-support/wait.js';
import { describeBackends, startTestServer, trpcFailure, type Backend, type TestServer } from './harness/index.js';
import { SAMPLE_AZURE_APP, SAMPLE_WIF_CONFIG } from '../test-support/cloud-samples.js';

const INTERVAL_S = 60;
const roleArn = (account: string) => `arn:aws:iam::${account}:role/GatewaysAppDeployRole`;
/** One attempt per call: an injected outage is seen once, not retried away. */
const ONE_ATTEMPT = { maxAttempts: 1, baseMs: 1, capMs: 1, maxRetryAfterSeconds: 1 };
const stsOutage = () => ({
  times: 1,
  status: 503,
  headers: { 'content-type': 'text/xml' },
  body: stsErrorBody('Receiver', 'ServiceUnavailable', 'Service is unavailable'),
  match: (req: { body: string }) => req.body.includes('Action=AssumeRole'),
});

function sandbox(now: () => Date, server: () => TestServer) {
  return createSandboxProviders({
    platformAccountId: '999999999999',
    now,
    retryPolicy: ONE_ATTEMPT,
    // The issuer depends on the server's port, known only after start: read it lazily.
    oidc: { issuer: () => `${server().baseUrl}/api`, jwks: () => server().engine.publicAssets.jwks() },
  });
}

async function setup(backend: Backend, attachTo?: TestServer, shared?: ReturnType<typeof sandbox>, events: CloudlinkEvent[] = []) {
  // The fakes read the server's clock, known only once it started.
  const ref: { server?: TestServer } = {};
  const sb = shared ?? sandbox(() => (ref.server!.clock as FakeClock).now(), () => ref.server!);
  const server = await startTestServer({
    backend,
    providers: { aws: sb.providers.aws, gcp: sb.providers.gcp, azure: sb.providers.azure },
    engineOptions: { aws: { accountId: '999999999999' }, onEvent: (e) => void events.push(e) },
    ...(attachTo ? { attachTo } : {}),
  });
  ref.server = server;
  return { server, sb };
}

/** A workspace with a connected AWS connection per account. */
async function connectedAws(server: TestServer, slug: string, accounts: readonly string[]) {
  const owner = await server.createUser(`${slug}@example.com`);
  const ws = await server.rest('POST', '/api/workspaces', { token: owner.token, body: { name: slug } });
  await server.storage.workspaces.setWorkspacePlan({ workspaceId: ws.body.data.id, planId: 3, now: (server.clock as FakeClock).now() });
  const ids: number[] = [];
  for (const account of accounts) {
    const started = await server.rest('POST', `/api/cloud-connections/${slug}/connect-aws`, { token: owner.token, body: { region: 'eu-west-1' } });
    const id = started.body.data.connectionId as number;
    const done = await server.rest('POST', `/api/cloud-connections/${slug}/${id}/complete`, { token: owner.token, body: { accountId: account, accountName: `AWS ${account}` } });
    expect(done.body.data.connectionStatus).toBe('connected');
    ids.push(id);
  }
  return { owner, ids };
}

const row = async (server: TestServer, id: number) => (await server.peek.rows('cloud_connections')).find((r) => Number(r.id) === id)!;

describeBackends('re-verification: POST …/:connectionId/verify and tRPC cloudConnections.verify', (backend) => {
  let server: TestServer;
  let sb: ReturnType<typeof sandbox>;
  let owner: { token: string };
  let id: number;
  const events: CloudlinkEvent[] = [];
  const audit = async () =>
    (await server.peek.rows('audit_log')).filter((r) => r.operation === 'cloudConnections.verify').map((r) => [r.outcome, r.error]);

  beforeAll(async () => {
    ({ server, sb } = await setup(backend, undefined, undefined, events));
    const made = await connectedAws(server, 'acme', ['123456789012']);
    owner = made.owner;
    id = made.ids[0]!;
  });
  afterAll(() => server.close());

  const verify = () => server.rest('POST', `/api/cloud-connections/acme/${id}/verify`, { token: owner.token });

  it('passes on a healthy connection and records lastVerifiedAt', async () => {
    const res = await verify();
    expect(res).toMatchObject({
      status: 200,
      body: { message: 'Cloud connection verified successfully', data: { id, connectionStatus: 'connected', lastVerificationError: null, failureReason: null } },
    });
    expect(res.body.data.lastVerifiedAt).toBe((server.clock as FakeClock).now().toISOString());
  });

  it('a deleted role fails the connection with the reason; restored, it is connected again (tRPC)', async () => {
    sb.fakes.sts.deleteRole(roleArn('123456789012'));
    const res = await verify();
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'Connection test failed', data: { connectionStatus: 'failed', failureReason: res.body.message, lastVerificationError: res.body.message } });
    expect(res.body.message).toMatch(/^AssumeRole failed: AccessDenied: /);
    const failed = await server.rest('GET', '/api/cloud-connections/acme?status=failed', { token: owner.token });
    expect(failed.body.data.map((c: { id: number }) => c.id)).toEqual([id]);
    expect(failed.body.summary.byStatus).toMatchObject({ connected: 0, failed: 1 });
    expect(await trpcFailure(server.trpcClient(owner.token).cloudConnections.verify.mutate({ workspaceSlug: 'acme', connectionId: id }))).toMatchObject({
      error: 'Connection test failed',
    });

    sb.fakes.sts.restoreRole(roleArn('123456789012'));
    const ok = await server.trpcClient(owner.token).cloudConnections.verify.mutate({ workspaceSlug: 'acme', connectionId: id });
    expect(ok).toMatchObject({ message: 'Cloud connection verified successfully', data: { connectionStatus: 'connected', failureReason: null, lastVerificationError: null } });
    expect(raw(await row(server, id))).toMatchObject({ verification_failures: 0, role_arn: roleArn('123456789012') });
    // (complete may report pending → connected too: only verify's changes are looked at here)
    expect(events.filter((e) => e.type === 'connection.status_changed' && e.from !== 'pending')).toEqual([
      { type: 'connection.status_changed', workspaceId: expect.any(Number), connectionId: id, from: 'connected', to: 'failed', reason: res.body.message },
      { type: 'connection.status_changed', workspaceId: expect.any(Number), connectionId: id, from: 'failed', to: 'connected' },
    ]);
    expect(await audit()).toEqual([
      ['success', null],
      ['failure', 'Connection test failed'],
      ['failure', 'Connection test failed'],
      ['success', null],
    ]);
  });

  it('an outage changes nothing but the recorded error: 502, still connected', async () => {
    sb.fakes.sts.fault(stsOutage());
    const res = await verify();
    expect(res).toMatchObject({ status: 502, body: { error: 'Provider unavailable' } });
    const stored = raw(await row(server, id));
    expect(stored).toMatchObject({ connection_status: 'connected', failure_reason: null, verification_failures: 1 });
    expect(stored.last_verification_error).toMatch(/ServiceUnavailable/);
    const list = await server.rest('GET', '/api/cloud-connections/acme?status=connected', { token: owner.token });
    expect(list.body.data[0]).toMatchObject({ id, connectionStatus: 'connected', lastVerificationError: stored.last_verification_error });
  });

  it('GCP and Azure: verify re-runs the test with the sealed setup complete stored', async () => {
    const wif = SAMPLE_WIF_CONFIG;
    const gcp = (await server.rest('POST', '/api/cloud-connections/acme/connect-gcp', { token: owner.token, body: {} })).body.data.connectionId as number;
    await server.rest('POST', `/api/cloud-connections/acme/${gcp}/complete`, { token: owner.token, body: { accountName: 'GCP', wifConfig: Buffer.from(JSON.stringify(wif)).toString('base64') } });
    const azure = (await server.rest('POST', '/api/cloud-connections/acme/connect-azure', { token: owner.token, body: {} })).body.data.connectionId as number;
    await server.rest('POST', `/api/cloud-connections/acme/${azure}/complete`, { token: owner.token, body: { accountName: 'Azure', ...SAMPLE_AZURE_APP } });
    for (const connectionId of [gcp, azure]) {
      expect(await server.rest('POST', `/api/cloud-connections/acme/${connectionId}/verify`, { token: owner.token })).toMatchObject({
        status: 200,
        body: { message: 'Cloud connection verified successfully', data: { id: connectionId, connectionStatus: 'connected' } },
      });
    }
  });

  it('refuses a pending connection (400 Connection not completed), an unknown one (404) and viewers (403)', async () => {
    const started = await server.rest('POST', '/api/cloud-connections/acme/connect-aws', { token: owner.token, body: {} });
    const pending = started.body.data.connectionId as number;
    expect(await server.rest('POST', `/api/cloud-connections/acme/${pending}/verify`, { token: owner.token })).toMatchObject({
      status: 400,
      body: { error: 'Connection not completed', message: `Cloud connection ${pending} is pending; call complete first` },
    });
    expect(await server.rest('POST', `/api/cloud-connections/acme/999999/verify`, { token: owner.token })).toMatchObject({ status: 404 });
    expect(await server.rest('POST', `/api/cloud-connections/acme/${id}/verify`)).toMatchObject({ status: 401 });
  });
});

/** Driver values → plain JS for comparisons (SQLite integers, Postgres strings). */
function raw(r: Record<string, unknown>): Record<string, unknown> & { verification_failures: number } {
  return { ...r, verification_failures: Number(r.verification_failures) };
}

function queueFor(server: TestServer): JobQueue {
  return server.databaseUrl ? createPgBossJobQueue({ connectionString: server.databaseUrl, pollingIntervalSeconds: 0.5 }) : createInProcessJobQueue();
}

function startScheduler(server: TestServer) {
  const scheduler = createConnectionHealthScheduler(server.engine, { queue: queueFor(server), intervalSeconds: INTERVAL_S, jitter: 0, sweepEverySeconds: 1 });
  return scheduler;
}

/** Wait until the schedulers ran `n` more sweeps than now (so anything due has been enqueued and run). */
async function sweeps(schedulers: readonly ConnectionHealthScheduler[], n: number) {
  const total = () => schedulers.reduce((s, x) => s + x.stats.sweeps, 0);
  const target = total() + n;
  await waitFor(() => total() >= target, `${n} sweeps`, 20_000);
}

describeBackends('scheduled re-verification', (backend) => {
  let server: TestServer;
  let sb: ReturnType<typeof sandbox>;
  let scheduler: ConnectionHealthScheduler;
  let id: number;
  const clock = () => server.clock as FakeClock;

  beforeAll(async () => {
    ({ server, sb } = await setup(backend));
    id = (await connectedAws(server, 'acme', ['123456789012'])).ids[0]!;
    scheduler = startScheduler(server);
    await scheduler.start();
  });
  afterAll(async () => {
    await scheduler.stop();
    await server.close();
  });

  it('schedules a fresh connection one interval after it connected, without checking it', async () => {
    const connectedAt = clock().now().getTime();
    await waitFor(async () => (await row(server, id)).next_verification_at !== null, 'the first schedule');
    const stored = await row(server, id);
    expect(new Date(stored.next_verification_at as string).getTime()).toBe(connectedAt + INTERVAL_S * 1000);
    expect(stored.last_verified_at).toBeNull();
  });

  it('role deleted → the next check marks it failed with the reason; restored → connected; an outage changes nothing', async () => {
    sb.fakes.sts.deleteRole(roleArn('123456789012'));
    clock().advance(INTERVAL_S * 1000);
    await waitFor(async () => (await row(server, id)).connection_status === 'failed', 'failed');
    const failed = raw(await row(server, id));
    expect(failed.failure_reason).toMatch(/^AssumeRole failed: AccessDenied: /);
    expect(failed.verification_failures).toBe(1);
    // Back-off: after one failure the next check is two intervals away.
    expect(new Date(failed.next_verification_at as string).getTime()).toBe(clock().now().getTime() + 2 * INTERVAL_S * 1000);

    sb.fakes.sts.restoreRole(roleArn('123456789012'));
    clock().advance(INTERVAL_S * 1000);
    await sweeps([scheduler], 2);
    expect((await row(server, id)).connection_status).toBe('failed');
    clock().advance(INTERVAL_S * 1000);
    await waitFor(async () => (await row(server, id)).connection_status === 'connected', 'connected again');
    expect(raw(await row(server, id))).toMatchObject({ failure_reason: null, last_verification_error: null, verification_failures: 0 });

    sb.fakes.sts.fault(stsOutage());
    clock().advance(INTERVAL_S * 1000);
    await waitFor(async () => (await row(server, id)).last_verification_error !== null, 'the outage recorded');
    expect(raw(await row(server, id))).toMatchObject({ connection_status: 'connected', failure_reason: null, verification_failures: 1 });
  });
});

describe('scheduled re-verification: two instances on one Postgres database', () => {
  let a: TestServer;
  let b: TestServer;
  let sb: ReturnType<typeof sandbox>;
  let schedulers: ConnectionHealthScheduler[];
  let ids: number[];

  beforeAll(async () => {
    ({ server: a, sb } = await setup('postgres'));
    ({ server: b } = await setup('postgres', a, sb));
    ids = (await connectedAws(a, 'acme', ['111111111111', '222222222222', '333333333333'])).ids;
    schedulers = [startScheduler(a), startScheduler(b)];
    await Promise.all(schedulers.map((s) => s.start()));
  });
  afterAll(async () => {
    await Promise.all(schedulers.map((s) => s.stop()));
    await b.close();
    await a.close();
  });

  /** Checks per connection, counted at the fake STS: one AssumeRole with the ExternalId each. */
  const checks = () => {
    const counts = new Map<number, number>(ids.map((i) => [i, 0]));
    for (const call of sb.fakes.sts.calls()) {
      const session = /^cloudlink-(\d+)$/.exec(call.get('RoleSessionName') ?? '');
      if (call.get('Action') === 'AssumeRole' && call.has('ExternalId') && session) counts.set(Number(session[1]), (counts.get(Number(session[1])) ?? 0) + 1);
    }
    return ids.map((i) => counts.get(i)!);
  };

  it('verifies each connection exactly once per interval', async () => {
    const completes = checks(); // complete ran the test once per connection
    await waitFor(async () => (await a.peek.rows('cloud_connections')).every((r) => r.next_verification_at !== null), 'every connection scheduled');
    for (let round = 1; round <= 3; round++) {
      (a.clock as FakeClock).advance(INTERVAL_S * 1000);
      await waitFor(() => checks().every((n, i) => n === completes[i]! + round), `round ${round}`, 20_000);
      await sweeps(schedulers, 3);
      expect(checks()).toEqual(completes.map((n) => n + round));
    }
    // Which instance pg-boss hands a sweep or a check to is its business (one may get them all):
    // what holds is the count at the cloud, checked each round above.
  });
});
