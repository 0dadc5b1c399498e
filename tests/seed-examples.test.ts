import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends, sandboxForServer, startTestServer, type RestResponse, type TestServer } from './harness/index.js';

/**
 * Every curl example of the original product's cloud-connections documentation, run as written (host, slug and
 * ids adapted) against REST, with the response compared field by field — name and JSON type — to
 * the documented response. The documented examples are copied verbatim; this project's additions to
 * them (`failureReason`, `lastVerifiedAt`, `lastVerificationError`, `externalId`, `setupTokenExpiresAt`, `isActive`/`createdAt`/`updatedAt` on
 * the complete response) are listed beside each, so a renamed, dropped or retyped field fails here.
 */

type Shape = string | { readonly [key: string]: Shape } | readonly Shape[];

/** The JSON type tree of a value: objects by key, arrays by their first element. */
function shapeOf(value: unknown): Shape {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, shapeOf(v)]));
  return typeof value;
}

const CONNECTION_TAIL = { isActive: true, createdAt: '2024-01-15T10:25:00.000Z', updatedAt: '2024-01-15T10:30:00.000Z' };

// --- The documented responses, verbatim from that documentation ---
const DOC_LIST = {
  message: 'Cloud connections retrieved successfully',
  summary: { total: 3, byStatus: { connected: 2, pending: 1, failed: 0, disconnected: 0 } },
  count: 3,
  data: [
    {
      id: 1,
      cloudProvider: { id: 1, name: 'aws', displayName: 'Amazon Web Services' },
      accountId: '123456789012',
      accountName: 'Production AWS',
      region: 'us-east-1',
      connectionStatus: 'connected',
      connectedAt: '2024-01-15T10:30:00.000Z',
      ...CONNECTION_TAIL,
    },
  ],
};
const DOC_CONNECT_AWS = {
  message: 'AWS connection initiated',
  data: {
    connectionId: 1,
    connectionUrl: 'https://console.aws.amazon.com/cloudformation/home?region=us-east-1#/stacks/create/review?templateURL=https://...',
    stackName: 'DeploCloudConnection-xxx',
    region: 'us-east-1',
    status: 'pending',
  },
};
const DOC_COMPLETE_AWS = {
  message: 'Cloud connection completed successfully',
  data: {
    id: 1,
    cloudProvider: { id: 1, name: 'aws', displayName: 'Amazon Web Services' },
    accountId: '123456789012',
    accountName: 'Production AWS',
    region: 'us-east-1',
    connectionStatus: 'connected',
    connectedAt: '2024-01-15T10:30:00.000Z',
  },
};
const DOC_CONNECT_GCP = {
  message: 'GCP connection initiated',
  data: {
    connectionId: 2,
    connectionUrl: 'https://shell.cloud.google.com/cloudshell/editor?show=terminal',
    setupCommand: 'curl -sSL gws.run/g | sh',
    setupScriptUrl: 'https://gws.run/g',
    wifCommand: 'curl -sSL gws.run/g | sh',
    wifScriptUrl: 'https://gws.run/g',
    region: 'us-central1',
    status: 'pending',
  },
};
const DOC_COMPLETE_GCP = {
  message: 'Cloud connection completed successfully',
  data: {
    id: 2,
    cloudProvider: { id: 2, name: 'gcp', displayName: 'Google Cloud Platform' },
    accountId: 'my-gcp-project-12345',
    accountName: 'Production GCP',
    region: 'us-central1',
    connectionStatus: 'connected',
    connectedAt: '2024-01-15T10:30:00.000Z',
  },
};
const DOC_CONNECT_AZURE = {
  message: 'Azure connection initiated',
  data: {
    connectionId: 3,
    connectionUrl: 'https://shell.azure.com',
    setupCommand: '$env:T="<24-char-hex>"; curl -sSL gws.run/a | sh',
    setupScriptUrl: 'https://gws.run/a',
    region: 'eastus',
    status: 'pending',
  },
};
const DOC_UPDATE = {
  message: 'Cloud connection updated successfully',
  data: { id: 1, accountName: 'Production AWS', accountId: '123456789012', region: 'us-east-1', connectionStatus: 'connected', updatedAt: '2024-01-15T12:00:00.000Z' },
};
const DOC_DELETE_409 = {
  error: 'Cannot delete connection',
  message:
    'All projects using this cloud connection must have zero active resources before deletion. The following project(s) still have active resources: My Project, Other Project. Delete or disconnect all resources in those projects first, then try again.',
};
const DOC_DELETE = { message: 'Cloud connection deleted successfully' };

// --- this project's additions to the documented shapes ---
// `lastVerifiedAt`, `lastVerificationError` (re-verification): null until the first one.
const HEALTH = { lastVerifiedAt: null, lastVerificationError: null };
// `mode` (connection modes): how the connection reaches its cloud, on connect answers and connection objects.
const MODE = { mode: 'role' };
const withMode = <T extends { data: object }>(doc: T) => ({ ...doc, data: { ...doc.data, ...MODE } });
const withConnectionExtras = <T extends { data: object }>(doc: T) => ({ ...doc, data: { ...doc.data, failureReason: null, ...CONNECTION_TAIL, ...HEALTH, ...MODE } });
// `nextCursor` (list pagination): null when the page holds the rest of the list.
const withListExtras = (doc: typeof DOC_LIST) => ({ ...doc, data: doc.data.map((c) => ({ ...c, failureReason: null, ...HEALTH, ...MODE })), nextCursor: null });

function expectShape(res: RestResponse, status: number, documented: unknown): void {
  expect({ status: res.status, shape: shapeOf(res.body) }).toEqual({ status, shape: shapeOf(documented) });
  expect((res.body as { message: string }).message).toBe((documented as { message: string }).message);
}

describeBackends('cloud-connections curl examples, as documented', (backend) => {
  let server: TestServer;
  let token: string;
  const now = () => (server.clock as { now(): Date }).now();
  const W = '/api/cloud-connections/my-workspace';

  beforeAll(async () => {
    const { providers } = sandboxForServer(() => server);
    server = await startTestServer({
      backend,
      providers: {
        aws: providers.aws,
        gcp: providers.gcp,
        azure: providers.azure,
        dns: { route53: providers.dns.route53 },
      },
      engineOptions: { aws: { accountId: '999999999999' } },
    });
    const owner = await server.createUser('owner@example.com');
    token = owner.token;
    const ws = await server.rest('POST', '/api/workspaces', { token, body: { name: 'My Workspace' } });
    await server.storage.workspaces.setWorkspacePlan({ workspaceId: ws.body.data.id, planId: 3, now: now() });
  });
  afterAll(() => server.close());

  it('connect, complete, list, update and delete answer the documented shapes', async () => {
    const rest = (method: string, path: string, body?: unknown) => server.rest(method, path, { token, ...(body === undefined ? {} : { body }) });

    // curl -X POST …/connect-aws -d '{"region": "us-east-1"}'
    const aws = await rest('POST', `${W}/connect-aws`, { region: 'us-east-1' });
    expectShape(aws, 201, withMode({ ...DOC_CONNECT_AWS, data: { ...DOC_CONNECT_AWS.data, externalId: 'x' } }));
    const awsId = aws.body.data.connectionId as number;

    // curl -X POST …/1/complete -d '{"accountId": "123456789012", "accountName": "Production AWS"}'
    expectShape(await rest('POST', `${W}/${awsId}/complete`, { accountId: '123456789012', accountName: 'Production AWS' }), 200, withConnectionExtras(DOC_COMPLETE_AWS));

    // curl -X POST …/connect-gcp -d '{"region": "us-central1"}'
    const gcp = await rest('POST', `${W}/connect-gcp`, { region: 'us-central1' });
    expectShape(gcp, 201, DOC_CONNECT_GCP);
    const gcpId = gcp.body.data.connectionId as number;

    // curl -X POST …/2/complete with the wifConfig as a JSON string, exactly as the example sends it
    const complete = await rest('POST', `${W}/${gcpId}/complete`, {
      projectId: 'my-gcp-project-12345',
      accountName: 'Production GCP',
      wifConfig:
        '{"projectNumber":"123456789012","poolId":"gateways-pool","providerId":"gateways-provider","serviceAccountEmail":"gateways-sa@my-gcp-project.iam.gserviceaccount.com"}',
    });
    expectShape(complete, 200, withConnectionExtras(DOC_COMPLETE_GCP));
    expect(complete.body.data.accountId).toBe('my-gcp-project-12345');

    // curl -X POST …/connect-azure -d '{"region": "eastus"}'
    const azure = await rest('POST', `${W}/connect-azure`, { region: 'eastus' });
    expectShape(azure, 201, { ...DOC_CONNECT_AZURE, data: { ...DOC_CONNECT_AZURE.data, setupTokenExpiresAt: 'x' } });
    expect(azure.body.data.setupCommand).toMatch(/^\$env:T="[0-9a-f]{24}"; curl -sSL '[^'\s]+\/api\/cloud-connections\/scripts\/azure\.sh' \| sh$/);

    // The four list examples: default, ?provider=aws, ?status=failed, ?include_inactive=true&status=all
    const list = await rest('GET', W);
    expectShape(list, 200, withListExtras(DOC_LIST));
    expect(list.body).toMatchObject({ summary: { total: 3, byStatus: { connected: 2, pending: 1, failed: 0, disconnected: 0 } }, count: 2 });
    const onlyAws = await rest('GET', `${W}?provider=aws`);
    expectShape(onlyAws, 200, withListExtras(DOC_LIST));
    expect(onlyAws.body.data.map((c: { id: number }) => c.id)).toEqual([awsId]);
    const failed = await rest('GET', `${W}?status=failed`);
    expect(failed).toMatchObject({ status: 200, body: { message: DOC_LIST.message, count: 0, data: [] } });
    const all = await rest('GET', `${W}?include_inactive=true&status=all`);
    expect(all.body.data.map((c: { connectionStatus: string }) => c.connectionStatus)).toEqual(['connected', 'connected', 'pending']);

    // curl -X PATCH …/1 -d '{"accountName": "Production AWS"}'
    expectShape(await rest('PATCH', `${W}/${awsId}`, { accountName: 'Production AWS' }), 200, DOC_UPDATE);

    // curl -X DELETE …/1 — first while linked projects hold resources (409, documented body), then cleared
    const names = ['Other Project', 'My Project'];
    for (const name of names) {
      const project = await rest('POST', '/api/workspaces/my-workspace/projects', { name });
      await rest('PATCH', `/api/projects/${project.body.data.slug}/connect-cloud/${awsId}`);
      const zone = await rest('POST', `/api/${project.body.data.slug}/master/dns`, { name: 'z', domainName: `${project.body.data.slug}.example.com` });
      expect(zone.status).toBe(201);
    }
    const refused = await rest('DELETE', `${W}/${awsId}`);
    expect({ status: refused.status, body: refused.body }).toEqual({ status: 409, body: DOC_DELETE_409 });
    for (const slug of ['other-project', 'my-project']) {
      const zones = await rest('GET', `/api/${slug}/master/dns`);
      expect((await rest('DELETE', `/api/${slug}/master/resources/${zones.body.data[0].id}?deleteFromCloud=false`)).status).toBe(200);
    }
    const deleted = await rest('DELETE', `${W}/${awsId}`);
    expect({ status: deleted.status, body: deleted.body }).toEqual({ status: 200, body: DOC_DELETE });
  });
});
