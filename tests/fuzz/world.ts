import { PEEK_TABLES } from '@cloudlink/engine/testing';
import { createSandboxProviders } from '@cloudlink/sandbox';
import { startTestServer, type Backend, type TestServer } from '../harness/index.js';
import { SAMPLE_AZURE_APP, SAMPLE_WIF_CONFIG } from '../../test-support/cloud-samples.js';

/**
 * The fuzzed application: the harness's REST + tRPC server on the real providers wired to the
 * in-process fakes of `@cloudlink/sandbox` (STS, GCP, Azure, Route 53, Cloudflare, resolver), so no
 * request can reach a network and a generated input can only be rejected by cloudlink or the fakes.
 *
 * Tenant `acme` (owner, a viewer member, a connected AWS connection linked to project `shop`,
 * pending GCP and Azure connections, a Route 53 and a Cloudflare zone in `shop/master`) is the
 * target; tenant `beta` (another user) holds the "foreign" objects whose ids a request of acme's
 * owner must never reach. Successful writes may delete or change acme's objects: `repair()` puts
 * them back so later runs still reach the deep paths.
 */

export const PLATFORM_ACCOUNT = '999999999999';
const EXTERNAL_ID = 'e'.repeat(32);
export const AZURE_CREDS = SAMPLE_AZURE_APP;
export const GCP_WIF = Buffer.from(JSON.stringify(SAMPLE_WIF_CONFIG)).toString('base64');

export interface Person {
  readonly id: number;
  readonly email: string;
  readonly token: string;
}

/** Ids that change when `repair()` recreates an object. */
export interface Targets {
  awsId: number;
  gcpId: number;
  azureId: number;
  azureToken: string;
  r53Id: number;
  cfId: number;
  /** Subdomain `www` of the Route 53 zone. */
  subdomainId: number;
  /** A registered instance with an address target. */
  hostId: number;
  /** An active resource connection (a subdomain of the Route 53 zone → the host). */
  connectionId: number;
}

export interface World {
  readonly backend: Backend;
  readonly server: TestServer;
  readonly owner: Person;
  readonly viewer: Person;
  /** Owner of tenant `beta`; not a member of acme. */
  readonly outsider: Person;
  /** A user nobody added yet (the target of `members.add`). */
  readonly candidate: Person;
  readonly acmeId: number;
  readonly targets: Targets;
  /** Ids in tenant `beta`. */
  readonly foreign: { readonly connectionId: number; readonly zoneId: number };
  /** Put acme's objects back after a successful write changed them. */
  repair(): Promise<void>;
  close(): Promise<void>;
}

/** Every table of the schema (the storage suite's list), read raw to prove a rejected request wrote nothing. */
export const TABLES = PEEK_TABLES;

/** The whole database as one comparable string (rows ordered by id, driver values). */
export async function snapshot(server: TestServer): Promise<string> {
  const parts = await Promise.all(TABLES.map(async (t) => [t, await server.peek.rows(t)] as const));
  return JSON.stringify(Object.fromEntries(parts), (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

export async function startWorld(backend: Backend): Promise<World> {
  // The fake GCP STS needs the server's URL and keys, which exist only once it is started.
  const started: { server?: TestServer } = {};
  const { providers } = createSandboxProviders({
    platformAccountId: PLATFORM_ACCOUNT,
    oidc: {
      issuer: () => `${started.server!.baseUrl}/api`,
      jwks: async () => (await started.server!.engine.publicAssets.jwks()) as never,
    },
    // Tokens are minted on the engine's fake clock; check them on the same clock.
    now: () => started.server?.clock?.now() ?? new Date(),
    // A retry after a fake's refusal must not slow the fuzz down with real backoff sleeps.
    clock: { now: () => new Date(), sleep: async () => {} },
  });
  const s = await startTestServer({
    backend,
    providers,
    engineOptions: { aws: { accountId: PLATFORM_ACCOUNT } },
    // The mount cloudlink ships for tRPC (the standalone server's); the bare router has no limits
    // by design, and its README says what a host mounting it must set.
    trpcMount: 'handler',
  });
  started.server = s;
  const person = async (email: string): Promise<Person> => {
    const u = await s.createUser(email);
    return { id: u.id, email, token: u.token };
  };
  const owner = await person('owner@example.com');
  const viewer = await person('viewer@example.com');
  const outsider = await person('outsider@example.com');
  const candidate = await person('candidate@example.com');

  const ok = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await s.rest(method, path, { token, body });
    if (res.status >= 300) throw new Error(`world setup: ${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { data: Record<string, unknown> };
  };
  const ultimate = async (slug: string) => {
    const ws = await s.storage.workspaces.getWorkspaceBySlug(slug);
    const plan = await s.storage.plans.getPlanBySlug('ultimate');
    if (!ws || !plan) throw new Error('world setup: plan');
    await s.storage.workspaces.setWorkspacePlan({ workspaceId: ws.id, planId: plan.id, now: new Date() });
    return ws.id;
  };

  // Tenant acme.
  await ok('POST', '/api/workspaces', owner.token, { name: 'Acme' });
  const acmeId = await ultimate('acme');
  await ok('POST', '/api/workspaces/acme/projects', owner.token, { name: 'Shop' });
  await ok('POST', '/api/workspaces/acme/members', owner.token, { email: viewer.email, role: 'viewer' });
  // Tenant beta.
  await ok('POST', '/api/workspaces', outsider.token, { name: 'Beta' });
  await ultimate('beta');
  await ok('POST', '/api/workspaces/beta/projects', outsider.token, { name: 'Other' });
  const foreignConn = await ok('POST', '/api/cloud-connections/beta/connect-aws', outsider.token, {});
  const foreignZone = await ok('POST', '/api/other/master/dns', outsider.token, { name: 'b', domainName: 'beta.example', cloudflareApiToken: 'cf-beta' });

  const targets: Targets = { awsId: 0, gcpId: 0, azureId: 0, azureToken: '', r53Id: 0, cfId: 0, subdomainId: 0, hostId: 0, connectionId: 0 };
  let zoneSerial = 0;

  async function linkAws() {
    const now = new Date();
    const c = await s.storage.connections.createConnection({ workspaceId: acmeId, provider: 'aws', createdBy: owner.id, region: 'us-east-1', externalId: EXTERNAL_ID, now });
    const roleArn = `arn:aws:iam::123456789012:role/GatewaysAppDeployRole`;
    await s.storage.connections.updateConnection(c.id, { status: 'connected', accountId: '123456789012', accountName: `prod-${c.id}`, roleArn, connectedAt: now }, now);
    targets.awsId = c.id;
  }

  async function repair() {
    const now = new Date();
    const ownerMember = await s.storage.members.getMember(acmeId, owner.id);
    if (ownerMember?.role !== 'owner') await s.storage.members.setMemberRole({ workspaceId: acmeId, userId: owner.id, role: 'owner', now });
    const viewerMember = await s.storage.members.getMember(acmeId, viewer.id);
    if (!viewerMember?.isActive) await s.storage.members.addMember({ workspaceId: acmeId, userId: viewer.id, role: 'viewer', permissions: null, now });
    else if (viewerMember.role !== 'viewer') await s.storage.members.setMemberRole({ workspaceId: acmeId, userId: viewer.id, role: 'viewer', now });

    const aws = targets.awsId ? await s.storage.connections.getConnection(acmeId, targets.awsId) : null;
    if (!aws?.isActive || aws.status !== 'connected') await linkAws();
    const shop = await s.storage.projects.getProjectBySlug('shop');
    if (!shop) throw new Error('world: project shop is gone');
    if (shop.connectedCloudId !== targets.awsId) await s.storage.projects.setProjectConnection({ projectId: shop.id, connectionId: targets.awsId, now });

    const gcp = targets.gcpId ? await s.storage.connections.getConnection(acmeId, targets.gcpId) : null;
    if (!gcp?.isActive) targets.gcpId = (await ok('POST', '/api/cloud-connections/acme/connect-gcp', owner.token, {})).data.connectionId as number;
    const azure = targets.azureId ? await s.storage.connections.getConnection(acmeId, targets.azureId) : null;
    if (!azure?.isActive || azure.status === 'connected') {
      const started = await ok('POST', '/api/cloud-connections/acme/connect-azure', owner.token, {});
      targets.azureId = started.data.connectionId as number;
      targets.azureToken = /T="([0-9a-f]+)"/.exec(String(started.data.setupCommand))?.[1] ?? '';
      // The callback needs an account name first; with it, the seeded callback can succeed.
      await ok('PATCH', `/api/cloud-connections/acme/${targets.azureId}`, owner.token, { accountName: `Azure ${targets.azureId}` });
    }

    const env = await s.storage.environments.getEnvironmentBySlug(shop.id, 'master');
    if (!env) throw new Error('world: environment master is gone');
    const scope = { projectId: shop.id, environmentId: env.id };
    const r53 = targets.r53Id ? await s.storage.resources.getResource(scope, targets.r53Id) : null;
    if (!r53?.isActive) {
      const z = await ok('POST', '/api/shop/master/dns', owner.token, { name: 'r53', domainName: `r53-${++zoneSerial}.example` });
      targets.r53Id = z.data.id as number;
      await ok('POST', `/api/shop/master/dns/${targets.r53Id}/records`, owner.token, { recordName: 'www', recordType: 'A', values: ['192.0.2.1'] });
    }
    const sub = targets.subdomainId ? await s.storage.resources.getResource(scope, targets.subdomainId) : null;
    if (!sub?.isActive || sub.parentResourceId !== targets.r53Id) {
      targets.subdomainId = (await ok('POST', '/api/shop/master/subdomains', owner.token, { zoneId: targets.r53Id, name: 'www' })).data.id as number;
    }
    const host = targets.hostId ? await s.storage.resources.getResource(scope, targets.hostId) : null;
    if (!host?.isActive || host.metadata.dnsTarget == null) {
      const body = { resourceType: 'instance', name: 'web', dnsTarget: { addresses: ['192.0.2.10'] } };
      targets.hostId = (await ok('POST', '/api/shop/master/resources', owner.token, body)).data.id as number;
    }
    const link = targets.connectionId ? await s.storage.resourceConnections.getResourceConnection(scope, targets.connectionId) : null;
    if (link?.status !== 'active' || link.targetResourceId !== targets.hostId || link.zoneResourceId !== targets.r53Id) {
      const linked = (await ok('POST', '/api/shop/master/subdomains', owner.token, { zoneId: targets.r53Id, name: `linked-${++zoneSerial}` })).data.id as number;
      targets.connectionId = (await ok('POST', '/api/shop/master/resource-connections', owner.token, { sourceId: linked, targetId: targets.hostId })).data.id as number;
    }
    const cf = targets.cfId ? await s.storage.resources.getResource(scope, targets.cfId) : null;
    if (!cf?.isActive) {
      const z = await ok('POST', '/api/shop/master/dns', owner.token, { name: 'cf', domainName: `cf-${++zoneSerial}.example`, cloudflareApiToken: 'cf-token' });
      targets.cfId = z.data.id as number;
    }
  }
  await repair();

  return {
    backend,
    server: s,
    owner,
    viewer,
    outsider,
    candidate,
    acmeId,
    targets,
    foreign: { connectionId: foreignConn.data.connectionId as number, zoneId: foreignZone.data.id as number },
    repair,
    close: () => s.close(),
  };
}
