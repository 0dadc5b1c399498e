import { createAwsConnector, createRoute53Provider } from '@cloudlink/providers/aws';
import { createCloudflareProvider } from '@cloudlink/providers/cloudflare';
import { afterAll, beforeAll } from 'vitest';
import { startTestServer, type Backend, type TestServer } from './harness/index.js';
import { createSandboxResolver, fakeZoneTxtSources, startFakeCloudflare, startFakeRoute53, startFakeSts, type ListeningCloudflare, type ListeningRoute53, type ListeningSts, type SandboxResolver } from '@cloudlink/sandbox';

/**
 * Cross-package DNS setup: the REAL providers of `@cloudlink/providers` (AWS SDK STS + Route 53,
 * Cloudflare SDK) against the fake APIs of `@cloudlink/sandbox` on ports of their own, behind the harness's
 * REST + tRPC server; one user owning workspace `acme`, project `shop`, environment `master`.
 */
export const PLATFORM_ACCOUNT = '999999999999';
export const CUSTOMER_ACCOUNT = '123456789012';
export const CF_TOKEN = 'cf-token-0123456789';

export interface DnsWorld {
  readonly server: TestServer;
  readonly sts: ListeningSts;
  readonly r53: ListeningRoute53;
  readonly cf: ListeningCloudflare;
  readonly resolver: SandboxResolver;
  readonly token: string;
  readonly userId: number;
  readonly projectId: number;
  /** `/api/shop/master` */
  readonly base: string;
  readonly env: { projectSlug: string; environmentSlug: string };
  /** Create a connected AWS connection (fake STS role with its ExternalId) and link the project. */
  linkAws(): Promise<number>;
  close(): Promise<void>;
}

const noWait = { now: () => new Date(), sleep: async () => {} };

export interface DnsWorldOptions {
  readonly plan?: 'free' | 'ultimate';
  /** The resolver answers TXT from the fakes' zones (as in sandbox mode); default: only what `resolver.setTxt` set. */
  readonly resolveFromZones?: boolean;
}

export async function startDnsWorld(backend: Backend, options: DnsWorldOptions = {}): Promise<DnsWorld> {
  const sts = await startFakeSts({ platformAccount: PLATFORM_ACCOUNT, platformAccessKeyId: 'AKIDPLATFORM' });
  const r53 = await startFakeRoute53();
  const cf = await startFakeCloudflare();
  const resolver = createSandboxResolver(options.resolveFromZones ? fakeZoneTxtSources(r53, cf) : []);
  const server = await startTestServer({
    backend,
    providers: {
      aws: createAwsConnector({ endpoint: sts.url, credentials: { accessKeyId: 'AKIDPLATFORM', secretAccessKey: 'platform-secret' }, timeoutMs: 5000 }),
      dns: {
        route53: createRoute53Provider({ endpoint: r53.url, timeoutMs: 5000, clock: noWait }),
        cloudflare: createCloudflareProvider({ baseUrl: cf.baseUrl, timeoutMs: 5000, clock: noWait }),
      },
      resolver,
    },
    engineOptions: { aws: { accountId: PLATFORM_ACCOUNT } },
  });
  const user = await server.createUser('owner@example.com', 'Owner');
  await server.rest('POST', '/api/workspaces', { token: user.token, body: { name: 'Acme' } });
  const project = await server.rest('POST', '/api/workspaces/acme/projects', { token: user.token, body: { name: 'Shop' } });
  if (project.status !== 201) throw new Error(`project create failed: ${JSON.stringify(project.body)}`);
  const workspace = await server.storage.workspaces.getWorkspaceBySlug('acme');
  const plan = await server.storage.plans.getPlanBySlug(options.plan ?? 'ultimate');
  if (!workspace || !plan) throw new Error('seed failed');
  await server.storage.workspaces.setWorkspacePlan({ workspaceId: workspace.id, planId: plan.id, now: new Date() });
  cf.tokens.set(CF_TOKEN, { status: 'active', zones: [] });
  cf.tokens.set('cf-revoked', { status: 'disabled', zones: [] });
  return {
    server,
    sts,
    r53,
    cf,
    resolver,
    token: user.token,
    userId: user.id,
    projectId: project.body.data.id,
    base: '/api/shop/master',
    env: { projectSlug: 'shop', environmentSlug: 'master' },
    async linkAws() {
      const now = new Date();
      const externalId = 'e'.repeat(32);
      const c = await server.storage.connections.createConnection({ workspaceId: workspace.id, provider: 'aws', createdBy: user.id, region: 'us-east-1', externalId, now });
      sts.addRole({ accountId: CUSTOMER_ACCOUNT, roleName: 'GatewaysAppDeployRole', trustedAccount: PLATFORM_ACCOUNT, externalId });
      await server.storage.connections.updateConnection(
        c.id,
        { status: 'connected', accountId: CUSTOMER_ACCOUNT, accountName: 'prod', roleArn: `arn:aws:iam::${CUSTOMER_ACCOUNT}:role/GatewaysAppDeployRole`, connectedAt: now },
        now,
      );
      await server.storage.projects.setProjectConnection({ projectId: project.body.data.id, connectionId: c.id, now });
      return c.id;
    },
    async close() {
      await server.close();
      await Promise.all([sts.close(), r53.close(), cf.close()]);
    },
  };
}

/** The two zones of `createZonePair`: resource ids and the providers' zone ids. */
export interface ZonePair {
  readonly r53Id: number;
  readonly r53ZoneId: string;
  readonly cfId: number;
  readonly cfZoneId: string;
}

/**
 * One zone per provider, created over REST: Route 53 `myapp.com` through a freshly linked AWS
 * connection (`r53`), and Cloudflare `cf.example` with `CF_TOKEN` (`cf`).
 */
export async function createZonePair(w: DnsWorld): Promise<ZonePair> {
  await w.linkAws();
  const r53 = await w.server.rest('POST', `${w.base}/dns`, { token: w.token, body: { name: 'r53', domainName: 'myapp.com' } });
  w.cf.addZone('cf.example', [CF_TOKEN]);
  const cf = await w.server.rest('POST', `${w.base}/dns`, { token: w.token, body: { name: 'cf', domainName: 'cf.example', cloudflareApiToken: CF_TOKEN } });
  return { r53Id: r53.body.data.id, r53ZoneId: r53.body.data.hostedZoneId, cfId: cf.body.data.id, cfZoneId: cf.body.data.hostedZoneId };
}

/** A {@link DnsWorld} with the two zones of {@link createZonePair}. */
export type ZonePairWorld = DnsWorld & ZonePair;

/**
 * The world of one describe block: started, and `more` added to it, before the block's first test;
 * closed after its last. The object is filled in by that `beforeAll`, so read it inside tests and
 * hooks, not while the block is declared.
 */
function useWorld<T extends object>(backend: Backend, options: DnsWorldOptions, more: (w: DnsWorld) => Promise<T>): DnsWorld & T {
  const world = {} as DnsWorld & T;
  beforeAll(async () => {
    const started = await startDnsWorld(backend, options);
    // Filled in two steps so that the world is closed even when `more` fails.
    Object.assign(world, started);
    Object.assign(world, await more(started));
  });
  afterAll(() => world.close());
  return world;
}

/** {@link startDnsWorld} for one describe block (see {@link useWorld}). */
export function useDnsWorld(backend: Backend, options: DnsWorldOptions = {}): DnsWorld {
  return useWorld(backend, options, async () => ({}));
}

/** {@link startDnsWorld} and {@link createZonePair} for one describe block (see {@link useWorld}). */
export function useZonePairWorld(backend: Backend, options: DnsWorldOptions = {}): ZonePairWorld {
  return useWorld(backend, options, createZonePair);
}
