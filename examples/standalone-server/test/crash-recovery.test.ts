import { waitFor } from '../../../test-support/wait.js';
import path from 'node:path';
import { createSqliteStorage } from '@cloudlink/storage-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnServer, testEnv, type SpawnedServer } from './support/spawn-server.js';
import { startFakeCloudflare, startFakeRoute53, startFakeSts, type ListeningCloudflare, type ListeningRoute53, type ListeningSts } from '@cloudlink/sandbox';

/**
 * The server as a real process, SIGKILLed in the middle of provider work and restarted on the same
 * SQLite file, against the Cloudflare, Route 53 and STS fakes: what cloudlink created before the
 * kill is still known as its own afterwards (a retry and a `deleteFromCloud` delete leave nothing
 * of ours at the provider), and a zone create killed after Route 53 made the zone does not make a
 * second one on retry.
 */
const PLATFORM = '999999999999';
const CUSTOMER = '123456789012';
const CF_TOKEN = 'cf-crash-token-0123456789';
const RECORDS = 400;
const BATCH = 50;
/** Batches the fake lets through before it holds the next one. */
const APPLIED_BATCHES = 3;

let cf: ListeningCloudflare;
let r53: ListeningRoute53;
let sts: ListeningSts;
let env: Record<string, string>;
let server: SpawnedServer;
let token = '';

async function call(method: string, url: string, body?: unknown) {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by value
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** SIGKILL the server (no shutdown hook runs), then start it again on the same data directory. */
async function killAndRestart(): Promise<void> {
  server.child.kill('SIGKILL');
  await server.exited;
  server = await spawnServer(env);
}

const isBatch = (r: { method: string; url: string }) => r.method === 'POST' && r.url.endsWith('/dns_records/batch');
const records = (prefix: string) => Array.from({ length: RECORDS }, (_, i) => ({ recordName: `${prefix}${i}`, recordType: 'A', values: [`10.0.${i >> 8}.${i & 255}`] }));

/** A Cloudflare zone with one foreign record, and a batch write to it killed after APPLIED_BATCHES batches. */
async function zoneWithKilledWrite(domain: string): Promise<{ id: number; zoneId: string; write: { records: ReturnType<typeof records> } }> {
  const cfZone = cf.addZone(domain, [CF_TOKEN]);
  cf.seed(cfZone.id, [{ name: `foreign.${domain}`, type: 'A', ttl: 300, content: '192.0.2.250' }]);
  const created = await call('POST', '/api/shop/prod/dns', { name: domain, domainName: domain, provider: 'cloudflare', cloudflareApiToken: CF_TOKEN });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const before = cf.requests.filter(isBatch).length;
  let batches = 0;
  // Let APPLIED_BATCHES batches through, then hold the next one until the server is gone.
  cf.fault({ match: (r) => isBatch(r) && ++batches > APPLIED_BATCHES, delayMs: 15_000, status: 503 });
  const write = { records: records('r') };
  void call('POST', `/api/shop/prod/dns/${created.body.data.id}/records`, write).catch(() => undefined);
  await waitFor(() => cf.requests.filter(isBatch).length === before + APPLIED_BATCHES + 1, 'the held batch');
  expect(cf.records(cfZone.id)).toHaveLength(APPLIED_BATCHES * BATCH + 1);
  await killAndRestart();
  return { id: created.body.data.id as number, zoneId: cfZone.id, write };
}

beforeAll(async () => {
  [cf, r53, sts] = await Promise.all([startFakeCloudflare(), startFakeRoute53(), startFakeSts({ platformAccount: PLATFORM, platformAccessKeyId: 'AKIDPLATFORM' })]);
  cf.tokens.set(CF_TOKEN, { status: 'active', zones: [] });
  env = testEnv({
    CLOUDFLARE_API_BASE_URL: cf.baseUrl,
    CLOUDLINK_CLOUDFLARE_BATCH_SIZE: String(BATCH),
    AWS_ENDPOINT_URL_ROUTE_53: r53.url,
    AWS_ENDPOINT_URL_STS: sts.url,
    AWS_ACCESS_KEY_ID: 'AKIDPLATFORM',
    AWS_SECRET_ACCESS_KEY: 'platform-secret',
    AWS_REGION: 'us-east-1',
    CLOUDLINK_AWS_ACCOUNT_ID: PLATFORM,
  });
  server = await spawnServer(env);
  const seeded = await runCli(['seed', '--workspace', 'acme', '--project', 'shop', '--environment', 'prod', '--email', 'owner@example.com', '--role', 'owner', '--plan', 'ultimate'], env);
  expect(seeded.code, seeded.stderr).toBe(0);
  token = (JSON.parse(seeded.stdout) as { token: string }).token;
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await Promise.all([cf?.close(), r53?.close(), sts?.close()]);
});

describe('a server killed mid-write, restarted on the same database', { timeout: 120_000 }, () => {
  it('Cloudflare: a retry of the killed write, then a deleteFromCloud delete, leave nothing of ours', async () => {
    const { id, zoneId, write } = await zoneWithKilledWrite('crash-retry.example');
    const retried = await call('POST', `/api/shop/prod/dns/${id}/records`, write);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(cf.records(zoneId)).toHaveLength(RECORDS + 1);
    const deleted = await call('DELETE', `/api/shop/prod/resources/${id}?deleteFromCloud=true`);
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    expect(cf.records(zoneId).map((r) => r.name)).toEqual(['foreign.crash-retry.example']);
  });

  it('Cloudflare: a deleteFromCloud delete right after the restart removes what the killed write created', async () => {
    const { id, zoneId } = await zoneWithKilledWrite('crash-delete.example');
    const deleted = await call('DELETE', `/api/shop/prod/resources/${id}?deleteFromCloud=true`);
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    expect(cf.records(zoneId).map((r) => r.name)).toEqual(['foreign.crash-delete.example']);
  });

  it('Route 53: a zone create killed after CreateHostedZone, retried, leaves exactly one hosted zone', async () => {
    // A connected AWS connection linked to the project, written the way the connect flow leaves it.
    const storage = createSqliteStorage({ filename: path.join(env.CLOUDLINK_DATA_DIR!, 'cloudlink.db') });
    try {
      const project = (await storage.projects.getProjectBySlug('shop'))!;
      const now = new Date();
      const externalId = 'e'.repeat(32);
      const c = await storage.connections.createConnection({ workspaceId: project.workspaceId, provider: 'aws', createdBy: project.userId, region: 'us-east-1', externalId, now });
      const roleArn = `arn:aws:iam::${CUSTOMER}:role/GatewaysAppDeployRole`;
      await storage.connections.updateConnection(c.id, { status: 'connected', accountId: CUSTOMER, accountName: 'prod', roleArn, connectedAt: now }, now);
      await storage.projects.setProjectConnection({ projectId: project.id, connectionId: c.id, now });
      sts.addRole({ accountId: CUSTOMER, roleName: 'GatewaysAppDeployRole', trustedAccount: PLATFORM, externalId });
    } finally {
      await storage.close();
    }

    const performed = r53.holdNextAnswer('CreateHostedZone');
    void call('POST', '/api/shop/prod/dns', { name: 'orphan', domainName: 'orphan.example' }).catch(() => undefined);
    await performed;
    const made = () => [...r53.zones.values()].filter((z) => z.name === 'orphan.example.');
    expect(made()).toHaveLength(1);
    await killAndRestart();

    const retried = await call('POST', '/api/shop/prod/dns', { name: 'orphan', domainName: 'orphan.example' });
    expect(retried.status, JSON.stringify(retried.body)).toBe(201);
    expect(made()).toHaveLength(1);
    expect(retried.body.data.hostedZoneId).toBe(made()[0]!.id);
    const zones = await call('GET', '/api/shop/prod/dns');
    expect(zones.body.data.filter((z: { domainName: string }) => z.domainName === 'orphan.example')).toHaveLength(1);
  });
});
