import { OPERATION_RESPONSES } from '@cloudlink/engine';
import { REST_ROUTES, type RestOperation, type RestRoute } from '@cloudlink/express-adapter';
import { expect, it } from 'vitest';
import { CF_TOKEN, useZonePairWorld } from './dns-fixture.js';
import { describeBackends, sandboxForServer, startTestServer, type RestResponse, type TestServer } from './harness/index.js';
import { SAMPLE_AZURE_APP, SAMPLE_WIF_CONFIG } from '../test-support/cloud-samples.js';

/**
 * The documented success schemas are true: a walk over every REST route answers bodies that parse
 * against `OPERATION_RESPONSES[operation]` (strict objects: a key the schema does not list fails),
 * over real HTTP, real storage and the real providers against the sandbox fakes. The tRPC router
 * validates its outputs itself outside production, so every tRPC test checks them too.
 */

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The route a request reaches: the first of the table (its order) whose method and path match. */
const compiled = REST_ROUTES.map((route) => ({ route, re: new RegExp(`^/api${route.path.split(/(:\w+)/).map((part) => (part.startsWith(':') ? '[^/]+' : escape(part))).join('')}$`) }));
function routeOf(method: string, path: string): RestRoute {
  const found = compiled.find((c) => c.route.method === method && c.re.test(path.split('?')[0]!));
  if (!found) throw new Error(`no route for ${method} ${path}`);
  return found.route;
}

const JSON_OPERATIONS = new Set(REST_ROUTES.filter((r) => r.response.kind === 'json').map((r) => r.operation));

describeBackends('REST answers match their documented schemas', (backend) => {
  const checked = new Set<RestOperation>();

  /** One request; the answer must succeed and parse against its operation's schema. */
  async function call(server: TestServer, method: string, path: string, token: string | undefined, body?: unknown): Promise<RestResponse> {
    const res = await server.rest(method, path, { ...(token ? { token } : {}), ...(body === undefined ? {} : { body }) });
    const route = routeOf(method, path);
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(route.status);
    const schema = OPERATION_RESPONSES[route.operation];
    const parsed = schema.safeParse(res.body);
    expect(parsed.success ? [] : parsed.error.issues, `${route.operation}: ${JSON.stringify(res.body)}`).toEqual([]);
    checked.add(route.operation);
    return res;
  }

  const w = useZonePairWorld(backend, { resolveFromZones: true });

  it('workspaces, projects, environments, members, usage and audit', async () => {
    const { server, token } = w;
    await call(server, 'POST', '/api/workspaces', token, { name: 'Other', description: null });
    await call(server, 'GET', '/api/workspaces/acme', token);
    await call(server, 'GET', '/api/workspaces/acme/usage', token);
    await call(server, 'POST', '/api/workspaces/acme/projects', token, { name: 'Blog' });
    await call(server, 'GET', '/api/projects/shop', token);
    await call(server, 'POST', '/api/projects/shop/environments', token, { name: 'Staging', description: 'pre-production' });
    const envs = await call(server, 'GET', '/api/projects/shop/environments?limit=1', token);
    expect(envs.body.nextCursor).toEqual(expect.any(String));
    await call(server, 'GET', `/api/projects/shop/environments?cursor=${encodeURIComponent(envs.body.nextCursor)}`, token);
    const dev = await server.createUser('dev@example.com');
    await call(server, 'POST', '/api/workspaces/acme/members', token, { email: 'dev@example.com', role: 'dev' });
    await call(server, 'PATCH', `/api/workspaces/acme/members/${dev.id}`, token, { role: 'viewer' });
    await call(server, 'GET', '/api/workspaces/acme/members', token);
    await call(server, 'DELETE', `/api/workspaces/acme/members/${dev.id}`, token);
    const connectionId = (await server.storage.projects.getProjectBySlug('shop'))!.connectedCloudId!;
    await call(server, 'PATCH', `/api/projects/blog/connect-cloud/${connectionId}`, token);
    await call(server, 'PATCH', '/api/projects/blog/disconnect-cloud', token);
    await call(server, 'GET', '/api/workspaces?limit=1', token);
    await call(server, 'GET', '/api/workspaces/acme/projects', token);
    await call(server, 'PATCH', '/api/projects/blog', token, { name: 'Weblog', description: null });
    await call(server, 'POST', '/api/projects/blog/environments', token, { name: 'Preview' });
    await call(server, 'DELETE', '/api/projects/blog/environments/preview', token);
    await call(server, 'DELETE', '/api/projects/blog', token);
    await call(server, 'GET', '/api/workspaces/acme/audit?limit=5', token);
  });

  it('cloud connections (AWS through the fake STS): list, connect, verify, rename, delete', async () => {
    const { server, token } = w;
    const started = await call(server, 'POST', '/api/cloud-connections/acme/connect-aws', token, { region: 'eu-west-1' });
    const pending = started.body.data.connectionId as number;
    await call(server, 'PATCH', `/api/cloud-connections/acme/${pending}`, token, { accountName: 'Later' });
    const linked = (await server.storage.connections.listConnections((await server.storage.workspaces.getWorkspaceBySlug('acme'))!.id, { status: 'connected' }, { limit: 1 }))[0]!;
    await call(server, 'POST', `/api/cloud-connections/acme/${linked.id}/verify`, token);
    await call(server, 'GET', '/api/cloud-connections/acme?status=all&include_inactive=true', token);
    await call(server, 'DELETE', `/api/cloud-connections/acme/${pending}`, token);
  });

  it('DNS zones and records on Route 53 and Cloudflare: plain, alias, proxied, single and batch', async () => {
    const { server, token, base } = w;
    await call(server, 'GET', `${base}/dns`, token);
    await call(server, 'GET', `${base}/dns/${w.r53Id}`, token);
    await call(server, 'POST', `${base}/dns/${w.r53Id}/records`, token, { recordName: 'www', recordType: 'A', values: ['203.0.113.10'], ttl: 300 });
    await call(server, 'POST', `${base}/dns/${w.r53Id}/records`, token, {
      records: [
        { recordName: '@', recordType: 'A', alias: { target: 'my-alb-1234.us-east-1.elb.amazonaws.com' } },
        { recordName: '@', recordType: 'MX', values: ['10 mail.myapp.com.'] },
      ],
    });
    await call(server, 'POST', `${base}/dns/${w.cfId}/records`, token, { recordName: 'app', recordType: 'A', values: ['203.0.113.20'], proxied: true });
    const r53 = await call(server, 'GET', `${base}/dns/${w.r53Id}/records`, token);
    expect(r53.body.data.some((r: { alias?: boolean }) => r.alias === true)).toBe(true);
    const cf = await call(server, 'GET', `${base}/dns/${w.cfId}/records?limit=1`, token);
    expect(cf.body.data[0]).toHaveProperty('proxied');
    await call(server, 'DELETE', `${base}/dns/${w.r53Id}/records`, token, { recordName: 'www', recordType: 'A', values: ['203.0.113.10'] });
    await call(server, 'DELETE', `${base}/dns/${w.r53Id}/records`, token, { records: [{ recordName: '@', recordType: 'MX', values: ['10 mail.myapp.com.'] }] });
    // Zone files: an import and its dry run (the export is a text document, checked in dns-zonefile.test.ts).
    const zoneFile = 'files 300 IN A 203.0.113.30\nfiles 300 IN TXT "zone file"\n';
    await call(server, 'POST', `${base}/dns/${w.r53Id}/zonefile?dryRun=true`, token, { zoneFile });
    await call(server, 'POST', `${base}/dns/${w.cfId}/zonefile`, token, { zoneFile });
    await call(server, 'PUT', `${base}/resources/${w.r53Id}/sync`, token);
  });

  it('resources, subdomains and resource connections, down to their deletes', async () => {
    const { server, token, base } = w;
    const resource = await call(server, 'POST', `${base}/resources`, token, {
      resourceType: 'instance', name: 'web-1', providerResourceId: 'i-0abc', region: 'us-east-1', dnsTarget: { addresses: ['203.0.113.30'] }, metadata: { team: 'shop' }, positionX: 10, positionY: 20,
    });
    const other = await call(server, 'POST', `${base}/resources`, token, { resourceType: 'application', name: 'app', dnsTarget: { hostname: 'app.example.net' } });
    await call(server, 'GET', `${base}/resources/${resource.body.data.id}`, token);
    await call(server, 'GET', `${base}/resources?type=all`, token);
    await call(server, 'PATCH', `${base}/resources/${resource.body.data.id}`, token, { name: 'web-one' });
    const sub = await call(server, 'POST', `${base}/subdomains`, token, { zoneId: w.r53Id, name: 'shop' });
    const link = await call(server, 'POST', `${base}/resource-connections`, token, { sourceId: sub.body.data.id, targetId: resource.body.data.id });
    await call(server, 'GET', `${base}/subdomains/${sub.body.data.id}`, token);
    await call(server, 'GET', `${base}/subdomains?zoneId=${w.r53Id}`, token);
    await call(server, 'GET', `${base}/resource-connections/${link.body.data.id}`, token);
    await call(server, 'PATCH', `${base}/resource-connections/${link.body.data.id}`, token, { targetId: other.body.data.id, ttl: 120 });
    await call(server, 'GET', `${base}/resource-connections?resourceId=${sub.body.data.id}`, token);
    await call(server, 'DELETE', `${base}/resource-connections/${link.body.data.id}`, token);
    const cfSub = await call(server, 'POST', `${base}/subdomains`, token, { zoneId: w.cfId, name: 'www' });
    await call(server, 'POST', `${base}/resource-connections`, token, { sourceId: cfSub.body.data.id, targetId: resource.body.data.id, proxied: true });
    await call(server, 'DELETE', `${base}/subdomains/${cfSub.body.data.id}`, token);
    await call(server, 'DELETE', `${base}/subdomains/${sub.body.data.id}?deleteFromCloud=false`, token);
    await call(server, 'DELETE', `${base}/resources/${other.body.data.id}`, token);
    w.cf.addZone('cf2.example', [CF_TOKEN]);
    const created = await call(server, 'POST', `${base}/dns`, token, { name: 'cf2', domainName: 'cf2.example', cloudflareApiToken: CF_TOKEN });
    await call(server, 'DELETE', `${base}/resources/${created.body.data.id}`, token);
  });

  it('GCP and Azure connections through the sandbox, and the public documents', async () => {
    const { providers } = sandboxForServer(() => server);
    // Read by the providers' callbacks above only once requests run, after it is assigned.
    const server: TestServer = await startTestServer({ backend, providers: { aws: providers.aws, gcp: providers.gcp, azure: providers.azure }, engineOptions: { aws: { accountId: '999999999999' } } });
    try {
      const owner = await server.createUser('owner@example.com');
      const ws = await call(server, 'POST', '/api/workspaces', owner.token, { name: 'Acme' });
      await server.storage.workspaces.setWorkspacePlan({ workspaceId: ws.body.data.id, planId: 3, now: new Date() });
      const aws = await call(server, 'POST', '/api/cloud-connections/acme/connect-aws', owner.token, {});
      await call(server, 'POST', `/api/cloud-connections/acme/${aws.body.data.connectionId}/complete`, owner.token, { accountId: '123456789012', accountName: 'Prod AWS' });
      const gcp = await call(server, 'POST', '/api/cloud-connections/acme/connect-gcp', owner.token, {});
      const wif = SAMPLE_WIF_CONFIG;
      await call(server, 'POST', `/api/cloud-connections/acme/${gcp.body.data.connectionId}/complete`, owner.token, { accountName: 'Prod GCP', wifConfig: wif });
      const azure = await call(server, 'POST', '/api/cloud-connections/acme/connect-azure', owner.token, {});
      await call(server, 'PATCH', `/api/cloud-connections/acme/${azure.body.data.connectionId}`, owner.token, { accountName: 'Prod Azure' });
      const token = /T="([0-9a-f]{24})"/.exec(azure.body.data.setupCommand)![1]!;
      await call(server, 'POST', '/api/cloud-connections/azure-setup-callback', undefined, { token, ...SAMPLE_AZURE_APP });
      await call(server, 'GET', '/api/.well-known/openid-configuration', undefined);
      await call(server, 'GET', '/api/.well-known/jwks.json', undefined);
      await call(server, 'GET', '/api/cloud-connections/acme', owner.token);
    } finally {
      await server.close();
    }
  });

  it('covered every JSON operation of the REST table', () => {
    expect([...JSON_OPERATIONS].filter((op) => !checked.has(op)).sort()).toEqual([]);
  });
});
