import { waitFor } from '../../../test-support/wait.js';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnServer, testEnv, type SpawnedServer } from './support/spawn-server.js';

/**
 * The server as a real child process in sandbox mode: a full flow over every provider, with the
 * captured logs searched for every secret it used; restart with the persisted sandbox state;
 * graceful shutdown with a request in flight.
 */
const env = testEnv({ CLOUDLINK_SANDBOX: 'true', LOG_LEVEL: 'debug' });
let server: SpawnedServer;
let token = '';
const secrets: string[] = [];

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by value
  return { status: res.status, headers: res.headers, body: (text.startsWith('{') ? JSON.parse(text) : text) as Record<string, any> };
}

beforeAll(async () => {
  server = await spawnServer(env);
  const seeded = await runCli(['seed', '--workspace', 'acme', '--project', 'shop', '--environment', 'prod', '--email', 'owner@example.com', '--role', 'owner', '--plan', 'ultimate'], env);
  expect(seeded.code, seeded.stderr).toBe(0);
  token = (JSON.parse(seeded.stdout) as { token: string }).token;
  secrets.push(token);
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

describe('standalone server process (sandbox)', { timeout: 120_000 }, () => {
  it('runs AWS, GCP, Azure and Cloudflare flows and never logs a secret', async () => {
    const aws = await call('POST', '/api/cloud-connections/acme/connect-aws', {}, { 'x-request-id': 'flow-aws-1' });
    expect(aws.status).toBe(201);
    expect(aws.headers.get('x-request-id')).toBe('flow-aws-1');
    const awsId = aws.body.data.connectionId as number;
    expect((await call('POST', `/api/cloud-connections/acme/${awsId}/complete`, { accountId: '123456789012', accountName: 'AWS prod' })).status).toBe(200);
    expect((await call('PATCH', `/api/projects/shop/connect-cloud/${awsId}`)).status).toBe(200);
    const zone = await call('POST', '/api/shop/prod/dns', { name: 'main', domainName: 'example.com' });
    expect(zone.status).toBe(201);

    const gcp = await call('POST', '/api/cloud-connections/acme/connect-gcp', {});
    const wifConfig = { projectId: 'my-project-1', projectNumber: '123456789', poolId: 'gateways-pool', providerId: 'gateways-oidc', serviceAccountEmail: 'gateways-cloud-connection@my-project-1.iam.gserviceaccount.com' };
    const gcpDone = await call('POST', `/api/cloud-connections/acme/${gcp.body.data.connectionId}/complete`, { accountName: 'GCP', wifConfig: Buffer.from(JSON.stringify(wifConfig)).toString('base64') });
    expect(gcpDone.status, JSON.stringify(gcpDone.body)).toBe(200);

    const azure = await call('POST', '/api/cloud-connections/acme/connect-azure', {});
    const azureId = azure.body.data.connectionId as number;
    const setupToken = /"([0-9a-f]{24})"/.exec(azure.body.data.setupCommand as string)![1]!;
    const clientSecret = 'azure-client-secret-Zq8~very-secret';
    secrets.push(setupToken, clientSecret);
    expect((await call('PATCH', `/api/cloud-connections/acme/${azureId}`, { accountName: 'Azure' })).status).toBe(200);
    const callback = await call('POST', '/api/cloud-connections/azure-setup-callback', {
      token: setupToken, tenantId: '11111111-1111-4111-8111-111111111111', subscriptionId: '22222222-2222-4222-8222-222222222222',
      clientId: '33333333-3333-4333-8333-333333333333', clientSecret,
    });
    expect(callback.status, JSON.stringify(callback.body)).toBe(200);
    // A refused secret: the failure is reported, the secret is not.
    const refusedSecret = 'invalid';
    const azure2 = await call('POST', '/api/cloud-connections/acme/connect-azure', {});
    const refused = await call('POST', `/api/cloud-connections/acme/${azure2.body.data.connectionId}/complete`, {
      accountName: 'Azure 2', azureCredentials: { tenantId: '11111111-1111-4111-8111-111111111111', subscriptionId: '22222222-2222-4222-8222-222222222222', clientId: '33333333-3333-4333-8333-333333333333', clientSecret: refusedSecret },
    });
    expect(refused.status).toBe(400);

    const cloudflareApiToken = 'cf-token-7f3a9c1e5b2d4f6a8c0e';
    secrets.push(cloudflareApiToken);
    const cf = await call('POST', '/api/shop/prod/dns', { name: 'cf', domainName: 'example.org', provider: 'cloudflare', cloudflareApiToken });
    expect(cf.status, JSON.stringify(cf.body)).toBe(201);
    const rec = await call('POST', `/api/shop/prod/dns/${cf.body.data.id}/records`, { recordName: '@', recordType: 'TXT', values: ['hello'] });
    expect(rec.status).toBe(200);
    const badCf = await call('POST', '/api/shop/prod/dns', { name: 'bad', domainName: 'example.net', provider: 'cloudflare', cloudflareApiToken: 'invalid' });
    expect(badCf.status).toBe(400);

    // Also through tRPC, with the token in the header.
    const t = await fetch(`${server.url}/trpc/cloudConnections.list?input=${encodeURIComponent(JSON.stringify({ workspaceSlug: 'acme', status: 'all' }))}`, { headers: { authorization: `Bearer ${token}` } });
    expect(t.status).toBe(200);
    // And a bad token, whose value must not be logged either.
    const forged = `${token.slice(0, -4)}AAAA`;
    secrets.push(forged);
    expect((await fetch(`${server.url}/api/workspaces/acme`, { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);

    // The forged-token request is the last one: once its access line is out, every line of the flow is.
    await waitFor(() => server.lines.some((l) => l.includes('"status":401') && l.includes('/api/workspaces/acme')), 'the access line of the forged-token request');
    const log = server.lines.join('\n');
    expect(server.lines.length).toBeGreaterThan(15);
    for (const secret of secrets) expect(log.includes(secret), `a log line contains the secret ${secret.slice(0, 6)}…`).toBe(false);
    expect(log).not.toContain(env.CLOUDLINK_JWT_SECRET!);
    expect(log).not.toContain(env.CLOUDLINK_ENCRYPTION_KEYS!.split(':')[1]);
    // Every line written while serving a request carries its id.
    const requestLines = server.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => 'method' in l);
    expect(requestLines.length).toBeGreaterThan(10);
    for (const line of requestLines) expect(line.reqId).toEqual(expect.any(String));
    expect(requestLines.some((l) => l.reqId === 'flow-aws-1' && l.path === '/api/cloud-connections/acme/connect-aws')).toBe(true);
  });

  it('keeps sandbox zones and records across a restart (sandbox.json)', async () => {
    const before = await call('GET', '/api/shop/prod/dns/1/records');
    await call('POST', '/api/shop/prod/dns/1/records', { recordName: 'api', recordType: 'CNAME', values: ['example.com'] });
    const expected = (await call('GET', '/api/shop/prod/dns/1/records')).body;
    expect(expected.count).toBe((before.body.count as number) + 1);
    expect(await server.stop()).toBe(0);
    server = await spawnServer(env);
    const after = await call('GET', '/api/shop/prod/dns/1/records');
    expect(after.status).toBe(200);
    expect(after.body).toEqual(expected);
  }, 60_000);

  it('finishes a request in flight on SIGTERM, refuses new connections, then exits 0', async () => {
    const url = new URL('/api/shop/prod/dns/1/records', server.url);
    const body = JSON.stringify({ recordName: 'inflight', recordType: 'A', values: ['192.0.2.7'] });
    const requestId = 'sigterm-in-flight';
    let finishBody!: () => void;
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'x-request-id': requestId };
      const req = request(url, { method: 'POST', headers }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      // Half the body now, the rest once the server has stopped listening: in flight throughout.
      req.write(body.slice(0, 20));
      finishBody = () => req.end(body.slice(20));
    });
    // The server is serving it (its debug line), so the signal lands on a busy connection, not an idle one.
    await waitFor(() => server.lines.some((l) => l.includes(requestId) && l.includes('request received')), 'the in-flight request to reach the server');
    server.child.kill('SIGTERM');
    // New connections are refused once the listener is closed; the request in flight is not cut.
    await waitFor(() => fetch(`${server.url}/healthz`).then(() => false, () => true), 'the server to refuse new connections');
    finishBody();
    const done = await response;
    expect(done.status, done.text).toBe(200);
    expect(JSON.parse(done.text).data.recordName).toBe('inflight.example.com.');
    expect(await server.exited).toBe(0);
    expect(server.lines.some((l) => l.includes('cloudlink server stopped'))).toBe(true);
    // SQLite removes the WAL file only when the last connection closes cleanly: the database was closed.
    expect(existsSync(path.join(env.CLOUDLINK_DATA_DIR!, 'cloudlink.db'))).toBe(true);
    expect(existsSync(path.join(env.CLOUDLINK_DATA_DIR!, 'cloudlink.db-wal'))).toBe(false);
  });
});
