import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, isEngineError } from '@cloudlink/engine';
import type { DnsAuth, DnsProvider, DnsProviderId, Engine, Resource, ZoneInfo } from '@cloudlink/engine';
import { createFakeClock, createMemoryAwsConnector, createMemoryDnsProvider, createMemoryStorage, createSeededRandom, createTestSecretBox } from '@cloudlink/engine/testing';
import { createSandboxProviders } from '../src/index.js';

/**
 * Plan before apply, as a property (docs/records.md#plan-before-apply): over generated zones and
 * generated requests (record upserts, exact deletes, resource connects), a dry run changes nothing
 * (provider listing, stored copy, write calls), and the real run of the same request against the
 * same zone state then makes exactly the planned provider calls and leaves the zone as the plan's
 * change set says — or both refuse alike (threshold, rules, foreign sets). Runs through the engine
 * over the sandbox's REAL providers (SDKs against the fakes' wire formats) and the memory provider.
 *
 * A provider joins by an entry in SANDBOX_DNS (its zone setup and its fake's write-call counter).
 */

type Counter = (sandbox: ReturnType<typeof createSandboxProviders>) => number;

interface SandboxDns {
  /** What the engine's zone create needs for this provider, after the project's link is made. */
  readonly zoneBody: Record<string, unknown>;
  readonly auth: DnsAuth;
  readonly linkAws: boolean;
  /** Write calls the fake has answered. */
  readonly writeCalls: Counter;
}

const AWS_AUTH: DnsAuth = { provider: 'route53', credentials: { accessKeyId: 'AKIA', secretAccessKey: 's', sessionToken: 't', expiration: new Date(8.64e15) } };
const CF_AUTH: DnsAuth = { provider: 'cloudflare', apiToken: 'cf-sandbox-token' };

const SANDBOX_DNS: Partial<Record<DnsProviderId, SandboxDns>> = {
  route53: { zoneBody: {}, auth: AWS_AUTH, linkAws: true, writeCalls: (s) => s.fakes.route53.counts.ChangeResourceRecordSets },
  cloudflare: { zoneBody: { cloudflareApiToken: 'cf-sandbox-token' }, auth: CF_AUTH, linkAws: false, writeCalls: (s) => s.fakes.cloudflare.counts['records.batch'] },
};

interface World {
  readonly engine: Engine;
  readonly owner: { userId: number };
  readonly env: { projectSlug: string; environmentSlug: string };
  readonly zoneId: number;
  readonly domain: string;
  /** The provider's listing (NS and SOA left out), canonical and sorted. */
  listing(): Promise<string[]>;
  /** The stored copy, canonical and sorted. */
  stored(): Promise<string[]>;
  writeCalls(): number;
  subdomain(label: string): Promise<number>;
  host(addresses: string[]): Promise<number>;
}

const canonical = (s: { name: string; type: string; ttl: number | null; values: readonly string[] }) => `${s.name} ${s.type} ${s.ttl} ${[...s.values].sort().join(',')}`;

async function worldOver(id: DnsProviderId, dns: DnsProvider, auth: DnsAuth, writeCalls: () => number, zoneBody: Record<string, unknown>, linkAws: boolean): Promise<World> {
  const storage = createMemoryStorage({ migrated: true });
  const clock = createFakeClock();
  const engine = createEngine({
    storage,
    secrets: createTestSecretBox(),
    publicUrl: 'http://localhost:3000',
    clock,
    random: createSeededRandom(7),
    providers: { aws: createMemoryAwsConnector({ now: () => clock.now() }), dns: { [id]: dns } },
  });
  const seeded = await engine.operator.seed({ workspace: 'acme', project: 'shop', environment: 'master', email: 'owner@example.com', role: 'owner', plan: 'ultimate' });
  const owner = { userId: seeded.user.id };
  const env = { projectSlug: 'shop', environmentSlug: 'master' };
  if (linkAws) {
    const now = clock.now();
    const c = await storage.connections.createConnection({ workspaceId: seeded.workspace.id, provider: 'aws', createdBy: owner.userId, region: 'us-east-1', externalId: 'a'.repeat(32), now });
    await storage.connections.updateConnection(c.id, { status: 'connected', accountId: '123456789012', accountName: 'a', roleArn: 'arn:aws:iam::123456789012:role/GatewaysAppDeployRole', connectedAt: now }, now);
    await storage.projects.setProjectConnection({ projectId: seeded.project.id, connectionId: c.id, now });
  }
  const domain = 'plan.example';
  const z = await engine.dns.createZone(owner, { ...env, name: 'z', domainName: domain, ...zoneBody });
  const info: ZoneInfo = { hostedZoneId: z.data.hostedZoneId, domainName: domain, nameServers: [] };
  const zone = (await storage.resources.getResourceById(z.data.id)) as Resource;
  const scope = { workspaceId: zone.workspaceId, projectId: zone.projectId, environmentId: zone.environmentId, createdBy: owner.userId, secretData: null, positionX: null, positionY: null, cloudConnectionId: null, region: null, status: 'active', resourceId: null };
  let hosts = 0;
  return {
    engine,
    owner,
    env,
    zoneId: z.data.id,
    domain,
    async listing() {
      const out: string[] = [];
      for await (const s of dns.session(auth).listRecordSets(info)) if (s.type !== 'NS' && s.type !== 'SOA') out.push(canonical(s));
      return out.sort();
    },
    async stored() {
      return (await storage.dnsRecords.listRecordSets(z.data.id)).map((s) => `${canonical(s)} ${s.managed}`).sort();
    },
    writeCalls,
    subdomain: async (label) =>
      (await storage.resources.createResource({ ...scope, resourceType: 'subdomain', name: label, domainName: `${label}.${domain}`, parentResourceId: zone.id, metadata: {}, now: clock.now() })).id,
    host: async (addresses) =>
      (await storage.resources.createResource({ ...scope, resourceType: 'instance', name: `h${++hosts}`, domainName: null, metadata: { dnsTarget: { addresses } }, now: clock.now() })).id,
  };
}

const noWait = { now: () => new Date(), sleep: async () => {} };

/** Every backend the property runs on: the sandbox's real providers, and the memory provider as each. */
const BACKENDS: { name: string; make(): Promise<World> }[] = [
  ...(Object.entries(SANDBOX_DNS) as [DnsProviderId, SandboxDns][]).map(([id, d]) => ({
    name: `${id} (sandbox: real provider over the fake)`,
    make: async () => {
      const sandbox = createSandboxProviders({ clock: noWait, cloudflareBatchSize: 4 });
      const provider = (sandbox.providers.dns as Partial<Record<DnsProviderId, DnsProvider>>)[id];
      if (!provider) throw new Error(`the sandbox has no ${id} provider`);
      return worldOver(id, provider, d.auth, () => d.writeCalls(sandbox), d.zoneBody, d.linkAws);
    },
  })),
  ...(['route53', 'cloudflare'] as const).map((id) => ({
    name: `${id} (memory provider)`,
    make: async () => {
      // Small batches, so generated requests span several provider calls.
      const provider = createMemoryDnsProvider({ id, importable: () => true, batchLimits: { valuesPerBatch: 6, upsertWeight: 2 } });
      return worldOver(id, provider, id === 'route53' ? AWS_AUTH : CF_AUTH, () => provider.calls.filter((c) => c.call === 'applyChanges').length, id === 'route53' ? {} : { cloudflareApiToken: 'tok' }, id === 'route53');
    },
  })),
];

const label = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'www', 'api');
const item = fc.record({
  recordName: label,
  recordType: fc.constantFrom('A', 'TXT'),
  ttl: fc.constantFrom(60, 300),
  values: fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
});
type Item = { recordName: string; recordType: string; ttl: number; values: number[] };
const uniqueItems = (min: number, max: number) => fc.uniqueArray(item, { selector: (i) => `${i.recordName} ${i.recordType}`, minLength: min, maxLength: max });
const toBody = (i: Item) => ({ ...i, values: i.values.map((v) => (i.recordType === 'A' ? `192.0.2.${v}` : `v=${v}`)) });

type Request = { kind: 'upsert'; records: Item[] } | { kind: 'delete'; pick: number[] } | { kind: 'connect'; label: string; addresses: number[] };
const request: fc.Arbitrary<Request> = fc.oneof(
  fc.record({ kind: fc.constant('upsert' as const), records: uniqueItems(1, 10) }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.uniqueArray(fc.nat({ max: 11 }), { minLength: 1, maxLength: 12 }) }),
  fc.record({ kind: fc.constant('connect' as const), label, addresses: fc.uniqueArray(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 2 }) }),
);

/** The request as one engine call, with `dryRun`/`force` added. */
async function prepare(w: World, initial: readonly Item[], r: Request): Promise<((flags: Record<string, string>) => Promise<unknown>) | null> {
  const path = { ...w.env, id: w.zoneId };
  if (r.kind === 'upsert') return (flags) => w.engine.dns.upsertRecords(w.owner, { ...path, ...flags, records: r.records.map(toBody) });
  if (r.kind === 'delete') {
    const picked = [...new Set(r.pick.map((i) => initial[i % Math.max(initial.length, 1)]).filter((i): i is Item => i !== undefined))];
    if (picked.length === 0) return null;
    return (flags) => w.engine.dns.deleteRecords(w.owner, { ...path, ...flags, records: picked.map(toBody) });
  }
  const source = await w.subdomain(r.label);
  const target = await w.host(r.addresses.map((a) => `198.51.100.${a}`));
  return (flags) => w.engine.resourceConnections.create(w.owner, { ...w.env, ...flags, sourceId: source, targetId: target } as never);
}

interface Plan {
  changes: { action: string; recordName: string; recordType: string; new: { ttl: number | null; values: string[] } | null }[];
  providerCalls: { call: string; changes: number[] }[];
  safety: { wouldRefuse: boolean };
}

const outcome = (p: Promise<unknown>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (e: unknown) => {
      if (!isEngineError(e)) throw e;
      return { ok: false as const, error: e.toBody() };
    },
  );

for (const backend of BACKENDS) {
  describe(`dry run ≡ real run: ${backend.name}`, () => {
    it('a dry run changes nothing; the real run makes the planned calls and reaches the planned zone', async () => {
      await fc.assert(
        fc.asyncProperty(uniqueItems(0, 12), request, async (initial, r) => {
          const w = await backend.make();
          if (initial.length > 0) await w.engine.dns.upsertRecords(w.owner, { ...w.env, id: w.zoneId, force: 'true', records: initial.map(toBody) });
          const send = await prepare(w, initial, r);
          if (!send) return;
          const state = async () => ({ listing: await w.listing(), stored: await w.stored(), writes: w.writeCalls() });
          const before = await state();
          const dry = await outcome(send({ dryRun: 'true' }));
          expect(await state()).toEqual(before);
          const real = await outcome(send({}));
          if (!dry.ok) {
            // Refused before any plan (rules, a foreign set in the way): the real run is refused alike, having sent nothing.
            expect(real).toEqual(dry);
            expect(await state()).toEqual(before);
            return;
          }
          const plan = (dry.value as { dryRun: true; data: Plan }).data;
          if (plan.safety.wouldRefuse) {
            expect(real.ok ? real.value : real.error).toMatchObject({ error: 'Too many changes' });
            expect(await state()).toEqual(before);
            expect(await outcome(send({ force: 'true' }))).toMatchObject({ ok: true });
          } else {
            expect(real).toMatchObject({ ok: true });
          }
          // The planned calls, exactly, and the zone the change set describes.
          expect(w.writeCalls() - before.writes).toBe(plan.providerCalls.length);
          const expected = new Map(before.listing.map((l) => [l.split(' ').slice(0, 2).join(' '), l]));
          for (const c of plan.changes) {
            const key = `${c.recordName} ${c.recordType}`;
            if (c.new === null) expected.delete(key);
            else expected.set(key, canonical({ name: c.recordName, type: c.recordType, ttl: c.new.ttl, values: c.new.values }));
          }
          expect(await w.listing()).toEqual([...expected.values()].sort());
          const stored = await w.stored();
          for (const c of plan.changes) {
            const held = stored.filter((s) => s.startsWith(`${c.recordName} ${c.recordType} `));
            if (c.new === null) expect(held).toEqual([]);
            else expect(held.map((s) => s.split(' ').slice(0, 4).join(' '))).toEqual([canonical({ name: c.recordName, type: c.recordType, ttl: c.new.ttl, values: c.new.values })]);
          }
        }),
        { numRuns: 15, seed: 1414 },
      );
    });
  });
}
