import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnServer, testEnv, type SpawnedServer } from './support/spawn-server.js';
import { SAMPLE_WIF_CONFIG } from '../../../test-support/cloud-samples.js';

/**
 * The server with the REAL providers, every provider endpoint pointed at local recorders: starting,
 * answering /readyz and creating pending connections reach none of them (no outbound call
 * at start; providers are used when a flow first needs them). A GCP complete then does reach the
 * recorder, which proves the recorders see what the server sends.
 */
const seen: string[] = [];
let http: Server;
let tls: TcpServer;
let udp: UdpSocket;
let server: SpawnedServer;
let env: Record<string, string>;

const listen = (s: Server | TcpServer) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));

beforeAll(async () => {
  http = createServer((req, res) => {
    seen.push(`http ${req.method} ${req.url}`);
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_grant', error_description: 'refused by the recorder' }));
  });
  // Entra ID must be https: any TCP connection to it counts.
  tls = createTcpServer((socket) => {
    seen.push('tls connection');
    socket.destroy();
  });
  udp = createSocket('udp4');
  udp.on('message', () => seen.push('dns query'));
  const [httpPort, tlsPort] = [await listen(http), await listen(tls)];
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${httpPort}`;
  env = testEnv({
    AWS_ENDPOINT_URL_STS: base,
    AWS_ENDPOINT_URL_ROUTE_53: base,
    AWS_ACCESS_KEY_ID: 'AKIDRECORDER',
    AWS_SECRET_ACCESS_KEY: 'recorder-secret',
    AWS_REGION: 'us-east-1',
    CLOUDFLARE_API_BASE_URL: `${base}/client/v4`,
    CLOUDLINK_GCP_STS_URL: `${base}/v1/token`,
    CLOUDLINK_GCP_IAM_CREDENTIALS_URL: base,
    CLOUDLINK_GCP_RESOURCE_MANAGER_URL: base,
    AZURE_AUTHORITY_HOST: `https://127.0.0.1:${tlsPort}`,
    CLOUDLINK_AZURE_ARM_URL: base,
    CLOUDLINK_DNS_RESOLVERS: `127.0.0.1:${(udp.address() as AddressInfo).port}`,
  });
  server = await spawnServer(env);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await new Promise((r) => http.close(r));
  await new Promise((r) => tls.close(r));
  udp.close();
});

describe('real providers, no outbound call until a flow needs one', { timeout: 120_000 }, () => {
  it('starts, answers /readyz and creates pending connections without reaching any provider', async () => {
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'ready' });
    const seeded = await runCli(['seed', '--workspace', 'acme', '--project', 'shop', '--environment', 'prod', '--email', 'o@example.com', '--role', 'owner', '--plan', 'pro'], env);
    expect(seeded.code, seeded.stderr).toBe(0);
    const headers = { authorization: `Bearer ${(JSON.parse(seeded.stdout) as { token: string }).token}`, 'content-type': 'application/json' };
    for (const provider of ['gcp', 'azure']) {
      const r = await fetch(`${server.url}/api/cloud-connections/acme/connect-${provider}`, { method: 'POST', headers, body: '{}' });
      expect(r.status).toBe(201);
    }
    expect(seen).toEqual([]);

    // The recorders do see the server once a flow calls out: GCP complete exchanges a token at STS.
    const complete = await fetch(`${server.url}/api/cloud-connections/acme/1/complete`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        accountName: 'GCP',
        wifConfig: SAMPLE_WIF_CONFIG,
      }),
    });
    const body = (await complete.json()) as { error: string; message: string };
    expect(complete.status, JSON.stringify(body)).toBe(400);
    expect(body).toMatchObject({ error: 'Connection test failed', message: expect.stringContaining('invalid_grant') });
    expect(seen).toEqual(['http POST /v1/token']);
  });
});
