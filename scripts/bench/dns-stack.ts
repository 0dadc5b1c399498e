import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createApp,
  createEngine,
  createJwtAuth,
  createLogger,
  createPostgresStorage,
  createSecretBox,
  createSqliteStorage,
  parseEncryptionKeys,
  type Storage,
} from '../../examples/standalone-server/bench/deps.js';
import { createAwsConnector, createRoute53Provider, startFakeRoute53, startFakeSts, type ListeningRoute53, type ListeningSts } from '../../examples/standalone-server/bench/dns-deps.js';

/**
 * The DNS benchmarks' world: the server as `pnpm start` composes it (createApp over an engine with
 * the real STS connector and Route 53 provider, production retry policy and timeouts), on a SQLite
 * file or a Postgres database, with the providers talking HTTP to the sandbox's STS and Route 53
 * fakes on 127.0.0.1 — the wiring `AWS_ENDPOINT_URL_ROUTE_53` gives a real server.
 */

export const PLATFORM_ACCOUNT = '999999999999';
const CUSTOMER_ACCOUNT = '123456789012';
const PLATFORM_KEY = { accessKeyId: 'AKIDBENCHPLATFORM', secretAccessKey: 'bench-platform-secret' };
const ROLE = 'GatewaysAppDeployRole';

export interface DnsFakes {
  readonly sts: ListeningSts;
  readonly r53: ListeningRoute53;
  close(): Promise<void>;
}

/** STS and Route 53 fakes on ports of their own; the STS fake knows the customer role. */
export async function startDnsFakes(): Promise<DnsFakes> {
  const sts = await startFakeSts({ platformAccount: PLATFORM_ACCOUNT, platformAccessKeyId: PLATFORM_KEY.accessKeyId });
  const r53 = await startFakeRoute53();
  sts.addRole({ accountId: CUSTOMER_ACCOUNT, roleName: ROLE, trustedAccount: PLATFORM_ACCOUNT, externalId: 'e'.repeat(32) });
  return { sts, r53, close: async () => void (await Promise.all([sts.close(), r53.close()])) };
}

export type StackDatabase = { readonly kind: 'sqlite' } | { readonly kind: 'postgres'; readonly url: string };

export interface DnsStack {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `/api/shop/master` */
  readonly base: string;
  /** The stack's storage, for checks outside the measured calls. */
  readonly storage: Storage;
  /** A REST call as a client makes it (Bearer token, JSON); throws on a non-2xx answer. */
  rest(method: string, pathname: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** Create a Route 53 zone over REST; its resource id and hosted zone id. */
  createZone(domainName: string): Promise<{ id: number; hostedZoneId: string }>;
  close(): Promise<void>;
}

/** Start the server stack against `fakes` (their URLs) with one owner, a connected AWS link and the `ultimate` plan. */
export async function startDnsStack(fakes: { stsUrl: string; route53Url: string }, database: StackDatabase = { kind: 'sqlite' }): Promise<DnsStack> {
  const dir = database.kind === 'sqlite' ? mkdtempSync(path.join(tmpdir(), 'cloudlink-bench-dns-')) : undefined;
  const storage: Storage = dir ? createSqliteStorage({ filename: path.join(dir, 'bench.db') }) : createPostgresStorage({ connectionString: (database as { url: string }).url });
  await storage.migrate();
  const engine = createEngine({
    storage,
    secrets: createSecretBox({ keys: parseEncryptionKeys(`b1:${Buffer.alloc(32, 7).toString('base64')}`) }),
    publicUrl: 'http://localhost:3000',
    providers: {
      aws: createAwsConnector({ endpoint: fakes.stsUrl, credentials: PLATFORM_KEY }),
      dns: { route53: createRoute53Provider({ endpoint: fakes.route53Url }) },
    },
    aws: { accountId: PLATFORM_ACCOUNT },
  });
  const auth = createJwtAuth({ secret: 'bench-secret-0123456789abcdef0123456789' });
  const seeded = await engine.operator.seed({ workspace: 'acme', project: 'shop', environment: 'master', email: 'bench@example.com', role: 'owner', plan: 'ultimate' });
  const workspace = await storage.workspaces.getWorkspaceBySlug('acme');
  if (!workspace) throw new Error('bench seed failed');
  const now = new Date();
  const c = await storage.connections.createConnection({ workspaceId: workspace.id, provider: 'aws', createdBy: seeded.user.id, region: 'us-east-1', externalId: 'e'.repeat(32), now });
  await storage.connections.updateConnection(
    c.id,
    { status: 'connected', accountId: CUSTOMER_ACCOUNT, accountName: 'bench', roleArn: `arn:aws:iam::${CUSTOMER_ACCOUNT}:role/${ROLE}`, connectedAt: now },
    now,
  );
  await storage.projects.setProjectConnection({ projectId: seeded.project.id, connectionId: c.id, now });
  const headers = { authorization: `Bearer ${await auth.issue({ id: seeded.user.id })}`, 'content-type': 'application/json' };

  const app = createApp({ engine, auth, logger: createLogger({ level: 'warn' }) });
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const rest = async (method: string, pathname: string, body?: unknown) => {
    const res = await fetch(`${url}${pathname}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : null;
    if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${text.slice(0, 500)}`);
    return { status: res.status, body: parsed };
  };
  const base = '/api/shop/master';
  return {
    url,
    base,
    storage,
    rest,
    async createZone(domainName) {
      const r = await rest('POST', `${base}/dns`, { name: domainName.replace(/\W/g, '-'), domainName });
      const { data } = r.body as { data: { id: number; hostedZoneId: string } };
      return { id: data.id, hostedZoneId: data.hostedZoneId };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await engine.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
