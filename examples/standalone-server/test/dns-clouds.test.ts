import { createEngine, type DnsAuth, type DnsProvider } from '@cloudlink/engine';
import {
  createFakeClock,
  createMemoryAwsConnector,
  createMemoryAzureConnector,
  createMemoryDnsProvider,
  createMemoryGcpConnector,
  createSeededRandom,
  createTestSecretBox,
  engineError,
  type MemoryDnsProvider,
} from '@cloudlink/engine/testing';
import { createPostgresStorage } from '@cloudlink/storage-postgres';
import { createSqliteStorage } from '@cloudlink/storage-sqlite';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLOUDDNS_FEATURES } from '@cloudlink/providers/gcp';
import { createSandboxProviders, linkSandboxCloud, SANDBOX_AZURE_APP } from '@cloudlink/sandbox';
import { SAMPLE_WIF_CONFIG } from '../../../test-support/cloud-samples.js';
import { createTestDatabase } from '../../../test-support/postgres.js';
import { CLOUDDNS_CAPABILITIES } from '../src/providers.js';

/**
 * The engine side of Cloud DNS and Azure DNS zones (docs/records.md#zones) over real SQLite and
 * Postgres (a database of its own, dropped after), with
 * the memory DNS provider standing in for each provider id: `native` over all four providers,
 * explicit choices and their link rules, the per-connection token cache, the Azure resource group,
 * the ETag carried into writes and the 409 when a set changed concurrently.
 */

const PUBLIC_URL = 'http://localhost:3000';

type Dns = Record<'route53' | 'cloudflare' | 'clouddns' | 'azuredns', MemoryDnsProvider>;

const open: { close(): Promise<void> }[] = [];
const drops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const e of open.splice(0)) await e.close();
  for (const drop of drops.splice(0)) await drop();
});

type StorageKind = 'sqlite' | 'postgres';
/** Which storage `world()` builds on: set by each run of the storage-parameterised describes. */
let storageKind: StorageKind = 'sqlite';

async function openStorage(kind: StorageKind) {
  if (kind === 'sqlite') {
    const storage = createSqliteStorage({ filename: ':memory:' });
    await storage.migrate();
    return storage;
  }
  const db = await createTestDatabase('cloudlink_dns_clouds');
  drops.push(() => db.drop());
  const storage = createPostgresStorage({ connectionString: db.url, max: 2 });
  await storage.migrate();
  return storage;
}

async function world(options: { azureResourceGroup?: string } = {}) {
  const storage = await openStorage(storageKind);
  const clock = createFakeClock();
  const dns: Dns = {
    route53: createMemoryDnsProvider({ id: 'route53' }),
    cloudflare: createMemoryDnsProvider({ id: 'cloudflare', importable: () => true }),
    clouddns: createMemoryDnsProvider({ id: 'clouddns' }),
    azuredns: createMemoryDnsProvider({ id: 'azuredns' }),
  };
  // What each session was opened with (a spy on the port, not on an SDK): the resource group, the project.
  const sessions: DnsAuth[] = [];
  const spied = (p: DnsProvider): DnsProvider => ({ id: p.id, capabilities: p.capabilities, session: (auth) => (sessions.push(auth), p.session(auth)) });
  let engineRef: ReturnType<typeof createEngine> | null = null;
  const gcp = createMemoryGcpConnector({ issuer: `${PUBLIC_URL}/api`, jwks: () => (engineRef as ReturnType<typeof createEngine>).publicAssets.jwks(), now: () => clock.now() });
  const azure = createMemoryAzureConnector();
  const aws = createMemoryAwsConnector({ now: () => clock.now() });
  const engine = createEngine({
    storage,
    secrets: createTestSecretBox(),
    publicUrl: PUBLIC_URL,
    clock,
    random: createSeededRandom(3),
    providers: { aws, gcp, azure, dns: { route53: dns.route53, cloudflare: dns.cloudflare, clouddns: spied(dns.clouddns), azuredns: spied(dns.azuredns) } },
    ...(options.azureResourceGroup ? { dns: { azureResourceGroup: options.azureResourceGroup } } : {}),
  });
  engineRef = engine;
  open.push(engine);
  let projects = 0;

  /** A fresh project (its own workspace) and the `native` create body for it. */
  async function project() {
    const n = ++projects;
    const seeded = await engine.operator.seed({ workspace: `w${n}`, project: `p${n}`, environment: 'master', email: 'owner@example.com', role: 'owner', plan: 'ultimate' });
    const actor = { userId: seeded.user.id };
    const workspaceSlug = seeded.workspace.slug;
    const env = { projectSlug: seeded.project.slug, environmentSlug: 'master' };
    const link = (connectionId: number) => engine.projects.connectCloud(actor, { projectSlug: seeded.project.slug, connectionId });
    return {
      actor,
      env,
      async linkGcp() {
        const { data } = await engine.cloudConnections.connectGcp(actor, { workspaceSlug });
        await engine.cloudConnections.complete(actor, { workspaceSlug, connectionId: data.connectionId, accountName: `gcp-${n}`, wifConfig: SAMPLE_WIF_CONFIG });
        await link(data.connectionId);
        return data.connectionId;
      },
      async linkAzure() {
        const { data } = await engine.cloudConnections.connectAzure(actor, { workspaceSlug });
        await engine.cloudConnections.complete(actor, { workspaceSlug, connectionId: data.connectionId, accountName: `az-${n}`, ...SANDBOX_AZURE_APP });
        await link(data.connectionId);
        return data.connectionId;
      },
      /** An AWS connection as complete leaves it (the AWS flow is covered elsewhere), or pending. */
      async linkAws(status: 'connected' | 'pending' = 'connected') {
        const now = clock.now();
        const c = await storage.connections.createConnection({ workspaceId: seeded.workspace.id, provider: 'aws', createdBy: actor.userId, region: 'us-east-1', externalId: 'a'.repeat(32), now });
        const accountId = String(123456789000 + n);
        await storage.connections.updateConnection(c.id, { status, accountId, accountName: `aws-${n}`, roleArn: `arn:aws:iam::${accountId}:role/GatewaysAppDeployRole`, connectedAt: now }, now);
        await storage.projects.setProjectConnection({ projectId: seeded.project.id, connectionId: c.id, now });
        return c.id;
      },
      async setStatus(connectionId: number, status: 'pending' | 'failed') {
        await storage.connections.updateConnection(connectionId, { status }, clock.now());
      },
    };
  }
  return { engine, storage, clock, dns, gcp, azure, sessions, project };
}

const exchanges = (calls: readonly { call: string }[], name: string) => calls.filter((c) => c.call === name).length;

describe.each(['sqlite', 'postgres'] as const)('on %s', (kind) => {
  beforeAll(() => {
    storageKind = kind;
  });

  describe('POST …/dns provider selection over four providers', () => {
    it('native picks Cloudflare for a token, else the provider of the linked cloud', async () => {
      const w = await world();
      const cases = [
        { link: null, body: { cloudflareApiToken: 'cf-token' }, provider: 'cloudflare' },
        { link: 'aws', body: {}, provider: 'route53' },
        { link: 'gcp', body: {}, provider: 'clouddns' },
        { link: 'azure', body: {}, provider: 'azuredns' },
      ] as const;
      for (const c of cases) {
        const p = await w.project();
        const connectionId = c.link === 'aws' ? await p.linkAws() : c.link === 'gcp' ? await p.linkGcp() : c.link === 'azure' ? await p.linkAzure() : null;
        const domainName = `${c.provider}.example.com`;
        const res = await w.engine.dns.createZone(p.actor, { ...p.env, name: c.provider, domainName, ...c.body });
        const held = w.dns[c.provider].zoneByDomain(domainName);
        expect(held, c.provider).not.toBeNull();
        expect(res.data).toMatchObject({ provider: c.provider, hostedZoneId: held?.hostedZoneId, nameServers: held?.nameServers, metadata: { adopted: false, dns_active: false } });
        for (const other of Object.keys(w.dns) as (keyof Dns)[]) if (other !== c.provider) expect(w.dns[other].zoneByDomain(domainName)).toBeNull();
        const row = await w.storage.resources.getResourceById(res.data.id);
        expect(row?.cloudConnectionId).toBe(connectionId);
        expect((await w.engine.dns.getZone(p.actor, { ...p.env, id: res.data.id })).data.provider).toBe(c.provider);
      }
    });

    it('native with nothing to pick, explicit providers without a fitting link: the documented 400s', async () => {
      const w = await world();
      const p = await w.project();
      const body = { ...p.env, name: 'z', domainName: 'none.example.com' };
      const none = await engineError(w.engine.dns.createZone(p.actor, body));
      expect(none.toBody()).toEqual({
        error: 'DNS provider required',
        message:
          'Provide cloudflareApiToken, or link an AWS (Route 53), GCP (Cloud DNS) or Azure (Azure DNS) cloud connection to the project, or choose the provider of the linked connection',
      });
      for (const provider of ['clouddns', 'azuredns'] as const) {
        expect((await engineError(w.engine.dns.createZone(p.actor, { ...body, provider }))).error).toBe('No cloud connection');
      }
      const aws = await p.linkAws();
      expect((await engineError(w.engine.dns.createZone(p.actor, { ...body, provider: 'clouddns' }))).error).toBe('DNS provider required');
      expect((await engineError(w.engine.dns.createZone(p.actor, { ...body, provider: 'azuredns' }))).error).toBe('DNS provider required');
      await p.setStatus(aws, 'pending');
      expect((await engineError(w.engine.dns.createZone(p.actor, body))).error).toBe('DNS provider required');

      const q = await w.project();
      const gcp = await q.linkGcp();
      const qBody = { ...q.env, name: 'z', domainName: 'gcp.example.com' };
      expect((await engineError(w.engine.dns.createZone(q.actor, { ...qBody, provider: 'route53' }))).error).toBe('DNS provider required');
      expect((await engineError(w.engine.dns.createZone(q.actor, { ...qBody, provider: 'azuredns' }))).error).toBe('DNS provider required');
      // native resolves to Cloud DNS here: fields of the other providers are refused by name, nothing is created.
      expect((await engineError(w.engine.dns.createZone(q.actor, { ...qBody, azureResourceGroup: 'rg' }))).toBody()).toMatchObject({
        details: [{ path: 'azureResourceGroup', message: 'applies only to Azure DNS zones' }],
      });
      expect((await engineError(w.engine.dns.createZone(q.actor, { ...qBody, hostedZoneId: 'Z123' }))).toBody()).toMatchObject({
        details: [{ path: 'hostedZoneId', message: 'applies only to Route 53 zones' }],
      });
      await q.setStatus(gcp, 'failed');
      expect((await engineError(w.engine.dns.createZone(q.actor, { ...qBody, provider: 'clouddns' }))).toBody()).toEqual({
        error: 'Cloud connection not active',
        message: 'The cloud connection for this project is not active or not connected',
      });
      expect(w.dns.clouddns.zones()).toEqual([]);
      expect(await w.storage.resources.countResources({ workspaceId: 1 })).toBe(0);
    });

    it('azureResourceGroup: validated, only for Azure DNS, stored with the zone and used for every later call', async () => {
      const w = await world({ azureResourceGroup: 'platform-dns' });
      const p = await w.project();
      await p.linkAzure();
      const body = { ...p.env, name: 'z', domainName: 'az.example.com' };
      const v = async (extra: Record<string, unknown>) => (await engineError(w.engine.dns.createZone(p.actor, { ...body, ...extra } as never))).toBody();
      expect(await v({ azureResourceGroup: 'bad/name' })).toMatchObject({ error: 'Validation failed', details: [{ path: 'azureResourceGroup' }] });
      expect(await v({ azureResourceGroup: 'ends-with.' })).toMatchObject({ details: [{ path: 'azureResourceGroup' }] });
      expect(await v({ azureResourceGroup: 'x'.repeat(91) })).toMatchObject({ details: [{ path: 'azureResourceGroup', message: 'must be at most 90 characters' }] });
      expect(await v({ azureResourceGroup: 'rg', provider: 'clouddns' })).toMatchObject({ details: [{ path: 'azureResourceGroup', message: 'applies only to Azure DNS zones' }] });
      expect(await v({ hostedZoneId: 'Z123', provider: 'azuredns' })).toMatchObject({ details: [{ path: 'hostedZoneId', message: 'applies only to Route 53 zones' }] });
      expect(w.dns.azuredns.zones()).toEqual([]);

      const byConfig = await w.engine.dns.createZone(p.actor, body);
      expect(byConfig.data.metadata).toEqual({ dns_active: false, adopted: false, azureResourceGroup: 'platform-dns' });
      const chosen = await w.engine.dns.createZone(p.actor, { ...body, domainName: 'rg.example.com', azureResourceGroup: 'team_(a).dns-1' });
      expect(chosen.data.metadata.azureResourceGroup).toBe('team_(a).dns-1');
      w.sessions.length = 0;
      await w.engine.dns.upsertRecords(p.actor, { ...p.env, id: chosen.data.id, recordName: 'www', recordType: 'A', values: ['192.0.2.1'] });
      await w.engine.dns.listRecords(p.actor, { ...p.env, id: chosen.data.id });
      expect(w.sessions.length).toBeGreaterThan(0);
      for (const auth of w.sessions) expect(auth).toMatchObject({ provider: 'azuredns', subscriptionId: SANDBOX_AZURE_APP.subscriptionId, resourceGroup: 'team_(a).dns-1' });
      // Never a secret in what the API answers.
      expect(JSON.stringify(chosen)).not.toContain(SANDBOX_AZURE_APP.clientSecret);
    });

    it('the default resource group is cloudlink-dns', async () => {
      const w = await world();
      const p = await w.project();
      await p.linkAzure();
      const res = await w.engine.dns.createZone(p.actor, { ...p.env, name: 'z', domainName: 'default.example.com' });
      expect(res.data.metadata.azureResourceGroup).toBe('cloudlink-dns');
    });
  });

  describe('Cloud DNS and Azure DNS zones', () => {
    it('one token exchange serves many calls; a token near expiry is exchanged again', async () => {
      const w = await world();
      const g = await w.project();
      await g.linkGcp();
      const a = await w.project();
      await a.linkAzure();
      w.gcp.control.resetCalls();
      w.azure.control.resetCalls();
      for (const [p, domainName] of [
        [g, 'g.example.com'],
        [a, 'a.example.com'],
      ] as const) {
        const zone = await w.engine.dns.createZone(p.actor, { ...p.env, name: 'z', domainName });
        for (let i = 0; i < 3; i++) await w.engine.dns.upsertRecords(p.actor, { ...p.env, id: zone.data.id, recordName: `h${i}`, recordType: 'A', values: [`192.0.2.${i + 1}`] });
        await w.engine.dns.listRecords(p.actor, { ...p.env, id: zone.data.id });
        await w.engine.resources.sync(p.actor, { ...p.env, resourceId: zone.data.id });
      }
      expect(w.dns.clouddns.calls.length).toBeGreaterThan(5);
      expect(w.dns.azuredns.calls.length).toBeGreaterThan(5);
      expect(exchanges(w.gcp.control.calls, 'STS token exchange')).toBe(1);
      expect(exchanges(w.azure.control.calls, 'Entra ID token request')).toBe(1);
      // The memory GCP token lives an hour: 56 minutes later it is within the 5-minute refresh margin.
      w.clock.advance(56 * 60_000);
      await w.engine.dns.listRecords(g.actor, { ...g.env, id: 1 });
      expect(exchanges(w.gcp.control.calls, 'STS token exchange')).toBe(2);
    });

    it('records, sync and deleteFromCloud on a zone cloudlink created: emptied, then the zone is deleted', async () => {
      const w = await world();
      for (const [link, provider] of [
        ['gcp', 'clouddns'],
        ['azure', 'azuredns'],
      ] as const) {
        const p = await w.project();
        if (link === 'gcp') await p.linkGcp();
        else await p.linkAzure();
        const zone = await w.engine.dns.createZone(p.actor, { ...p.env, name: 'z', domainName: `own-${provider}.example.com`, comment: 'mine' });
        expect(zone.data.comment).toBe(provider === 'clouddns' ? 'mine' : null);
        const id = zone.data.id;
        await w.engine.dns.upsertRecords(p.actor, { ...p.env, id, records: [{ recordName: 'www', recordType: 'CNAME', values: ['app.example.net'] }, { recordName: '@', recordType: 'TXT', values: ['"hello"'] }] });
        // A set someone else wrote: in a zone we created, the delete removes it too.
        w.dns[provider].putRecordSet(zone.data.hostedZoneId, { name: `mail.own-${provider}.example.com.`, type: 'MX', ttl: 300, values: ['10 mx.example.net.'] });
        const listed = await w.engine.dns.listRecords(p.actor, { ...p.env, id });
        expect(listed.data.map((r) => `${r.name} ${r.type}`)).toEqual([`own-${provider}.example.com. TXT`, `mail.own-${provider}.example.com. MX`, `www.own-${provider}.example.com. CNAME`]);
        expect(listed.data[0]).toEqual({ name: `own-${provider}.example.com.`, type: 'TXT', ttl: 300, values: ['"hello"'] });
        await w.engine.dns.deleteRecords(p.actor, { ...p.env, id, recordName: '@', recordType: 'TXT', values: ['"hello"'] });
        expect((await w.engine.resources.sync(p.actor, { ...p.env, resourceId: id })).data.dns_active).toBe(false);
        await w.engine.resources.delete(p.actor, { ...p.env, resourceId: id, deleteFromCloud: true });
        expect(w.dns[provider].zoneByDomain(`own-${provider}.example.com`)).toBeNull();
        expect((await engineError(w.engine.dns.getZone(p.actor, { ...p.env, id }))).error).toBe('DNS zone not found');
      }
    });

    it('a zone that already held records is adopted: deleteFromCloud removes only our sets, never the zone', async () => {
      const w = await world();
      const p = await w.project();
      await p.linkGcp();
      const existing = w.dns.clouddns.addZone('theirs.example.com');
      const foreign = { name: 'api.theirs.example.com.', type: 'A', ttl: 60, values: ['198.51.100.7'] };
      w.dns.clouddns.putRecordSet(existing.hostedZoneId, foreign);
      const zone = await w.engine.dns.createZone(p.actor, { ...p.env, name: 'z', domainName: 'theirs.example.com', comment: 'not given' });
      expect(zone.data).toMatchObject({ hostedZoneId: existing.hostedZoneId, comment: null, metadata: { adopted: true } });
      await w.engine.dns.upsertRecords(p.actor, { ...p.env, id: zone.data.id, recordName: 'www', recordType: 'A', values: ['192.0.2.10'] });
      await w.engine.resources.delete(p.actor, { ...p.env, resourceId: zone.data.id, deleteFromCloud: true });
      expect(w.dns.clouddns.zoneByDomain('theirs.example.com')).not.toBeNull();
      expect(w.dns.clouddns.recordSets(existing.hostedZoneId).filter((s) => s.type !== 'NS' && s.type !== 'SOA')).toEqual([foreign]);
    });

    it('alias and proxied are refused on Cloud DNS and Azure DNS zones, naming the field', async () => {
      const w = await world();
      const p = await w.project();
      await p.linkAzure();
      const zone = await w.engine.dns.createZone(p.actor, { ...p.env, name: 'z', domainName: 'rules.example.com' });
      const item = { ...p.env, id: zone.data.id, recordName: 'www', recordType: 'A' };
      expect((await engineError(w.engine.dns.upsertRecords(p.actor, { ...item, alias: { target: 'rules.example.com' } }))).toBody()).toMatchObject({
        error: 'Validation failed',
        details: [{ path: 'alias', message: 'alias records exist only in Route 53 zones' }],
      });
      expect((await engineError(w.engine.dns.upsertRecords(p.actor, { ...item, values: ['192.0.2.1'], proxied: true }))).toBody()).toMatchObject({
        details: [{ path: 'proxied', message: 'applies only to Cloudflare zones' }],
      });
    });

    it('Azure DNS: an UPSERT of an existing set carries its ETag; a set changed meanwhile is a 409 naming it, nothing recorded', async () => {
      const w = await world();
      const p = await w.project();
      await p.linkAzure();
      const zone = await w.engine.dns.createZone(p.actor, { ...p.env, name: 'z', domainName: 'etag.example.com' });
      const id = zone.data.id;
      w.dns.azuredns.putRecordSet(zone.data.hostedZoneId, { name: 'www.etag.example.com.', type: 'A', ttl: 300, values: ['192.0.2.1'], etag: 'W/"etag-1"' });
      await w.engine.dns.upsertRecords(p.actor, { ...p.env, id, recordName: 'www', recordType: 'A', values: ['192.0.2.2'] });
      // The memory provider keeps what was sent: the set was written with the ETag it was read with.
      expect(w.dns.azuredns.recordSets(zone.data.hostedZoneId).find((s) => s.name === 'www.etag.example.com.')).toMatchObject({ values: ['192.0.2.2'], etag: 'W/"etag-1"' });

      w.dns.azuredns.failNext('applyChanges', { code: 'PreconditionFailed', kind: 'conflict', message: 'The ETag does not match' });
      const err = await engineError(w.engine.dns.upsertRecords(p.actor, { ...p.env, id, records: [{ recordName: 'www', recordType: 'A', values: ['192.0.2.3'] }] }));
      expect(err.toBody()).toEqual({
        error: 'DNS record changed concurrently',
        message: 'The record set www.etag.example.com. A was changed at the DNS provider since it was read; nothing was overwritten. Read the records again and retry.',
        data: { appliedChanges: 0, totalChanges: 1 },
      });
      expect(err.code).toBe('CONFLICT');
      const stored = await w.storage.dnsRecords.getRecordSet(id, 'www.etag.example.com.', 'A');
      expect(stored?.values).toEqual(['192.0.2.2']);
    });
  });

});

describe('through the sandbox: the real providers over the fakes of the clouds', () => {
  async function sandboxWorld() {
    const storage = createSqliteStorage({ filename: ':memory:' });
    await storage.migrate();
    let engineRef: ReturnType<typeof createEngine> | null = null;
    const sandbox = createSandboxProviders({ oidc: { issuer: `${PUBLIC_URL}/api`, jwks: () => (engineRef as ReturnType<typeof createEngine>).publicAssets.jwks() } });
    const engine = createEngine({ storage, secrets: createTestSecretBox(), publicUrl: PUBLIC_URL, providers: sandbox.providers });
    engineRef = engine;
    open.push(engine);
    const seeded = await engine.operator.seed({ workspace: 'acme', project: 'shop', environment: 'master', email: 'owner@example.com', role: 'owner', plan: 'ultimate' });
    const actor = { userId: seeded.user.id };
    return { engine, sandbox, actor, workspaceSlug: seeded.workspace.slug, env: { projectSlug: seeded.project.slug, environmentSlug: 'master' } };
  }

  it('a GCP zone: create → upsert → list → delete with deleteFromCloud', async () => {
    const { engine, sandbox, actor, workspaceSlug, env } = await sandboxWorld();
    await linkSandboxCloud(engine, actor, { workspaceSlug, projectSlug: env.projectSlug }, 'gcp');
    const zone = await engine.dns.createZone(actor, { ...env, name: 'docs', domainName: 'docs.example.com', comment: 'Docs' });
    expect(zone.data).toMatchObject({ provider: 'clouddns', domainName: 'docs.example.com', comment: 'Docs', metadata: { adopted: false } });
    expect(zone.data.nameServers.length).toBeGreaterThan(0);
    const id = zone.data.id;
    await engine.dns.upsertRecords(actor, { ...env, id, records: [{ recordName: 'www', recordType: 'A', values: ['192.0.2.1'] }, { recordName: '@', recordType: 'MX', values: ['10 mail.example.com.'] }] });
    await engine.dns.upsertRecords(actor, { ...env, id, recordName: 'www', recordType: 'A', values: ['192.0.2.2'], ttl: 600 });
    const listed = await engine.dns.listRecords(actor, { ...env, id });
    expect(listed.data).toEqual([
      { name: 'docs.example.com.', type: 'MX', ttl: 300, values: ['10 mail.example.com.'] },
      { name: 'www.docs.example.com.', type: 'A', ttl: 600, values: ['192.0.2.2'] },
    ]);
    await engine.resources.delete(actor, { ...env, resourceId: id, deleteFromCloud: true });
    expect((await engineError(engine.dns.getZone(actor, { ...env, id }))).error).toBe('DNS zone not found');
    expect(sandbox.fakes.clouddns.snapshot()).toMatchObject({ zones: [] });
  });
});

describe('through the sandbox: Azure DNS', () => {
  it('an Azure zone: create → upsert → list → ETag conflict → delete with deleteFromCloud', async () => {
    const storage = createSqliteStorage({ filename: ':memory:' });
    await storage.migrate();
    const sandbox = createSandboxProviders();
    const engine = createEngine({ storage, secrets: createTestSecretBox(), publicUrl: PUBLIC_URL, providers: sandbox.providers });
    open.push(engine);
    const seeded = await engine.operator.seed({ workspace: 'acme', project: 'shop', environment: 'master', email: 'owner@example.com', role: 'owner', plan: 'ultimate' });
    const actor = { userId: seeded.user.id };
    const env = { projectSlug: seeded.project.slug, environmentSlug: 'master' };
    await linkSandboxCloud(engine, actor, { workspaceSlug: seeded.workspace.slug, projectSlug: env.projectSlug }, 'azure');

    // The sandbox's subscription has only the resource group cloudlink-dns.
    const missing = await engineError(engine.dns.createZone(actor, { ...env, name: 'shop', domainName: 'shop.example.org', azureResourceGroup: 'no-such-rg' }));
    expect(missing.toBody()).toMatchObject({ error: 'Validation failed', details: [{ path: 'azureResourceGroup', message: 'resource group no-such-rg does not exist in the linked subscription' }] });
    const zone = await engine.dns.createZone(actor, { ...env, name: 'shop', domainName: 'shop.example.org' });
    expect(zone.data).toMatchObject({ provider: 'azuredns', domainName: 'shop.example.org', metadata: { adopted: false, azureResourceGroup: 'cloudlink-dns' } });
    expect(zone.data.hostedZoneId).toBe(`/subscriptions/${SANDBOX_AZURE_APP.subscriptionId}/resourceGroups/cloudlink-dns/providers/Microsoft.Network/dnszones/shop.example.org`);
    const id = zone.data.id;
    await engine.dns.upsertRecords(actor, { ...env, id, records: [{ recordName: 'www', recordType: 'A', values: ['192.0.2.1'] }, { recordName: '@', recordType: 'TXT', values: ['"hello azure"'] }] });
    await engine.dns.upsertRecords(actor, { ...env, id, recordName: 'www', recordType: 'A', values: ['192.0.2.2'] });
    const listed = await engine.dns.listRecords(actor, { ...env, id });
    expect(listed.data).toEqual([
      { name: 'shop.example.org.', type: 'TXT', ttl: 300, values: ['"hello azure"'] },
      { name: 'www.shop.example.org.', type: 'A', ttl: 300, values: ['192.0.2.2'] },
    ]);

    // Someone changes www A at Azure between the engine's read and its write: the fake sees the PUT
    // with the ETag the engine read, after the set got a new one, and answers 412 as ARM does.
    const held = () => sandbox.fakes.azuredns.zone(SANDBOX_AZURE_APP.subscriptionId, 'cloudlink-dns', 'shop.example.org')?.recordSets.get('www\u0000A');
    sandbox.fakes.azuredns.fault({
      match: (r) => {
        const set = r.method === 'PUT' && r.url.includes('/A/www') ? held() : undefined;
        if (set) Object.assign(set, { etag: 'changed-elsewhere', properties: { TTL: 60, ARecords: [{ ipv4Address: '198.51.100.9' }] } });
        return false;
      },
    });
    const err = await engineError(engine.dns.upsertRecords(actor, { ...env, id, recordName: 'www', recordType: 'A', values: ['192.0.2.3'] }));
    expect(err.toBody()).toMatchObject({ error: 'DNS record changed concurrently', message: expect.stringContaining('www.shop.example.org. A') });
    expect(held()?.properties).toEqual({ TTL: 60, ARecords: [{ ipv4Address: '198.51.100.9' }] });

    await engine.resources.delete(actor, { ...env, resourceId: id, deleteFromCloud: true });
    expect(sandbox.fakes.azuredns.zone(SANDBOX_AZURE_APP.subscriptionId, 'cloudlink-dns', 'shop.example.org')).toBeUndefined();
    expect((await engineError(engine.dns.getZone(actor, { ...env, id }))).error).toBe('DNS zone not found');
  });
});

describe('standalone server wiring', () => {
  it('the lazily loaded Cloud DNS provider declares what the provider itself declares', () => {
    const { recordTypes, apexCname, createsZones, aliasRecords, proxy } = CLOUDDNS_FEATURES;
    expect(CLOUDDNS_CAPABILITIES).toEqual({ recordTypes: [...recordTypes], apexCname, createsZones, aliasRecords, proxy });
  });
});
