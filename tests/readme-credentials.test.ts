import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { createFakeClock } from '@cloudlink/engine/testing';
import { createSandboxProviders, createTestCertificates, listen, type FakeSts, type ListeningFake, type TestCertificates } from '@cloudlink/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness/index.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(HERE, '..');
const SECTION = 'Using a connection: credentials for your code';

/** The one ```ts block under the README heading `title`. */
function readmeBlock(title: string): string {
  const lines = readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n');
  const start = lines.findIndex((l) => /^#{1,6} /.test(l) && l.replace(/^#+ /, '').trim() === title);
  if (start < 0) throw new Error(`README has no section "${title}"`);
  const open = lines.findIndex((l, i) => i > start && l.trim() === '```ts');
  const close = lines.findIndex((l, i) => i > open && l.trim() === '```');
  return lines.slice(open + 1, close).join('\n');
}

/** What the README block exports (it is written out at run time, so typed here by hand). */
interface Example {
  awsAccountOf(engine: unknown, workspaceId: number, connectionId: number, endpoint?: string): Promise<{ Account?: string; Arn?: string }>;
  gcpProjectOf(engine: unknown, workspaceId: number, connectionId: number, projectId: string, base?: string): Promise<{ projectId: string; projectNumber: string }>;
  azureSubscriptionOf(engine: unknown, workspaceId: number, connectionId: number, subscriptionId: string, arm?: string, options?: object): Promise<{ subscriptionId: string }>;
}
const file = path.join(HERE, '.readme-credentials-example.ts');
writeFileSync(file, `${readmeBlock(SECTION)}\n`);

describe('README: credentials for your code, each cloud against the fakes', { timeout: 120_000 }, () => {
  const clock = createFakeClock(new Date());
  let server: TestServer;
  let example: Example;
  let certs: TestCertificates;
  let listening: ListeningFake[] = [];
  const AZURE = { tenantId: '11111111-2222-3333-4444-555555555555', subscriptionId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', clientId: '99999999-8888-7777-6666-555555555555', clientSecret: 'secret-value' };
  const WIF = { projectId: 'my-gcp-project-12345', projectNumber: '123456789012', poolId: 'gateways-pool', providerId: 'gateways-oidc', serviceAccountEmail: 'sa@my-gcp-project-12345.iam.gserviceaccount.com' };
  const ids = { aws: 0, awsOidc: 0, gcp: 0, azure: 0 };
  let workspaceId = 0;
  let urls: { sts: string; rm: string; arm: string };
  let sandboxSts: FakeSts;

  beforeAll(async () => {
    const sandbox = createSandboxProviders({ now: () => clock.now(), oidc: { issuer: () => `${server.baseUrl}/api`, jwks: () => server.engine.publicAssets.jwks() } });
    const { aws, gcp, azure } = sandbox.providers;
    sandboxSts = sandbox.fakes.sts;
    server = await startTestServer({ backend: 'sqlite', providers: { aws, gcp, azure }, engineOptions: { clock, aws: { accountId: '999999999999' } } });
    certs = createTestCertificates();
    listening = await Promise.all([listen(sandbox.fakes.sts), listen(sandbox.fakes.gcp.rm), listen(sandbox.fakes.azure.arm, { tls: certs })]);
    urls = { sts: listening[0]!.url, rm: listening[1]!.url, arm: listening[2]!.url };
    const owner = await server.createUser('owner@example.com');
    const actor = { userId: owner.id };
    workspaceId = (await server.engine.workspaces.create(actor, { name: 'Acme' })).data.id;
    await server.storage.workspaces.setWorkspacePlan({ workspaceId, planId: 3, now: clock.now() });
    const c = server.engine.cloudConnections;
    ids.aws = (await c.connectAws(actor, { workspaceSlug: 'acme' })).data.connectionId;
    await c.complete(actor, { workspaceSlug: 'acme', connectionId: ids.aws, accountId: '123456789012', accountName: 'AWS' });
    // The same role reached through web identity (mode oidc): the sandbox's STS verifies our issuer's token.
    ids.awsOidc = (await c.connectAws(actor, { workspaceSlug: 'acme', mode: 'oidc' })).data.connectionId;
    await c.complete(actor, { workspaceSlug: 'acme', connectionId: ids.awsOidc, accountId: '210987654321', accountName: 'AWS federated' });
    ids.gcp = (await c.connectGcp(actor, { workspaceSlug: 'acme' })).data.connectionId;
    await c.complete(actor, { workspaceSlug: 'acme', connectionId: ids.gcp, accountName: 'GCP', wifConfig: WIF });
    ids.azure = (await c.connectAzure(actor, { workspaceSlug: 'acme' })).data.connectionId;
    await c.complete(actor, { workspaceSlug: 'acme', connectionId: ids.azure, accountName: 'Azure', ...AZURE });
    example = (await import(file)) as Example;
  });
  afterAll(async () => {
    rmSync(file, { force: true });
    await Promise.all(listening.map((l) => l.close()));
    certs?.cleanup();
    await server?.close();
  });

  it('typechecks under the repository settings', () => {
    const config = path.join(HERE, '.readme-credentials-tsconfig.json');
    writeFileSync(config, JSON.stringify({ extends: path.join(ROOT, 'tsconfig.base.json'), compilerOptions: { noEmit: true }, files: [file] }));
    try {
      const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', config], { encoding: 'utf8' });
      expect(tsc.stdout + tsc.stderr).toBe('');
    } finally {
      rmSync(config, { force: true });
    }
  });

  it('AWS, GCP and Azure examples make real SDK calls with the issued credentials', async () => {
    expect(await example.awsAccountOf(server.engine, workspaceId, ids.aws, urls.sts)).toEqual({
      Account: '123456789012',
      Arn: `arn:aws:sts::123456789012:assumed-role/GatewaysAppDeployRole/cl-w${workspaceId}-c${ids.aws}-inventory`,
    });
    expect(await example.awsAccountOf(server.engine, workspaceId, ids.awsOidc, urls.sts)).toEqual({
      Account: '210987654321',
      Arn: `arn:aws:sts::210987654321:assumed-role/GatewaysAppDeployRole/cl-w${workspaceId}-c${ids.awsOidc}-inventory`,
    });
    expect(await example.gcpProjectOf(server.engine, workspaceId, ids.gcp, WIF.projectId, urls.rm)).toMatchObject({ projectId: WIF.projectId, projectNumber: WIF.projectNumber });
    const agent = new Agent({ ca: [certs.ca, ...rootCertificates] });
    const trustTestCa = { additionalPolicies: [{ position: 'perCall' as const, policy: { name: 'test-ca', sendRequest: (req: never, next: (r: never) => never) => next(Object.assign(req, { agent })) } }] };
    expect(await example.azureSubscriptionOf(server.engine, workspaceId, ids.azure, AZURE.subscriptionId, urls.arm, trustTestCa)).toMatchObject({ subscriptionId: AZURE.subscriptionId });
    const entries = await server.storage.audit.listAudit(workspaceId, { operation: 'credentials.issue' }, { limit: 10 });
    expect(entries.map((e) => e.detail.provider).sort()).toEqual(['aws', 'aws', 'azure', 'gcp']);
    // The oidc connection's credentials came from web identity: STS never saw an AssumeRole for its role.
    const assumed = sandboxSts.calls().filter((f) => f.get('RoleArn') === 'arn:aws:iam::210987654321:role/GatewaysAppDeployRole').map((f) => f.get('Action'));
    expect(assumed).toContain('AssumeRoleWithWebIdentity');
    expect(assumed).not.toContain('AssumeRole');
  });
});
