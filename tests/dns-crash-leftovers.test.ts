import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FakeClock } from '@cloudlink/engine/testing';
import { createRoute53Provider } from '@cloudlink/providers/aws';
import { CF_TOKEN, startDnsWorld, type DnsWorld } from './dns-fixture.js';
import { describeBackends } from './harness/index.js';

/**
 * What a process killed mid-operation leaves behind, reconciled by the next operations (the kill
 * itself is exercised with a real server process in examples/standalone-server): creation notes of
 * record sets the provider now holds, and notes of zone creates whose hosted zone nothing records.
 */
describeBackends('DNS leftovers of interrupted operations', (backend) => {
  let w: DnsWorld;
  let connectionId: number;
  beforeAll(async () => {
    w = await startDnsWorld(backend);
    connectionId = await w.linkAws();
  });
  afterAll(() => w.close());

  const managedByName = async (zoneId: number) =>
    Object.fromEntries(
      (await w.server.peek.rows('dns_records')).filter((r) => Number(r.zone_resource_id) === zoneId).map((r) => [r.name, r.managed === true || r.managed === 1]),
    );

  it('sync marks noted record sets the provider holds (with the noted values) as ours and settles every note; delete then removes them', async () => {
    const cfZone = w.cf.addZone('left.example', [CF_TOKEN]);
    const zone = await w.server.rest('POST', `${w.base}/dns`, { token: w.token, body: { name: 'left', domainName: 'left.example', cloudflareApiToken: CF_TOKEN } });
    const id = zone.body.data.id as number;
    // The provider holds what a killed write created (a, b), one set changed since by someone else (c), and a foreign one.
    w.cf.seed(cfZone.id, [
      { name: 'a.left.example', type: 'A', ttl: 300, content: '192.0.2.1' },
      { name: 'b.left.example', type: 'TXT', ttl: 300, content: '"ours"' },
      { name: 'c.left.example', type: 'A', ttl: 300, content: '192.0.2.99' },
      { name: 'foreign.left.example', type: 'A', ttl: 300, content: '192.0.2.250' },
    ]);
    await w.server.storage.dnsRecords.noteCreateIntents(
      id,
      [
        { name: 'a.left.example.', type: 'A', values: ['192.0.2.1'] },
        { name: 'b.left.example.', type: 'TXT', values: ['"ours"'] },
        { name: 'c.left.example.', type: 'A', values: ['192.0.2.3'] },
        { name: 'never.left.example.', type: 'A', values: ['192.0.2.4'] },
      ],
      new Date(),
    );
    const synced = await w.server.rest('PUT', `${w.base}/resources/${id}/sync`, { token: w.token });
    expect(synced.status, JSON.stringify(synced.body)).toBe(200);
    expect(await managedByName(id)).toEqual({ 'a.left.example.': true, 'b.left.example.': true, 'c.left.example.': false, 'foreign.left.example.': false });
    expect(await w.server.peek.rows('dns_record_intents')).toEqual([]);

    const deleted = await w.server.rest('DELETE', `${w.base}/resources/${id}?deleteFromCloud=true`, { token: w.token });
    expect(deleted.status).toBe(200);
    expect(w.cf.records(cfZone.id).map((r) => r.name)).toEqual(['c.left.example', 'foreign.left.example']);
  });

  it('sync deletes the empty hosted zone of a stale zone-create note, keeps a used one, and leaves fresh notes alone', async () => {
    const clock = w.server.clock as FakeClock;
    const kept = await w.server.rest('POST', `${w.base}/dns`, { token: w.token, body: { name: 'kept', domainName: 'kept.example' } });
    expect(kept.status).toBe(201);
    // Three creates that died after CreateHostedZone: their zones exist, nothing records them.
    const session = createRoute53Provider({ endpoint: w.r53.url, timeoutMs: 5000 }).session({ provider: 'route53', credentials: { accessKeyId: 'AKIDX', secretAccessKey: 'x' } });
    const workspace = (await w.server.storage.workspaces.getWorkspaceBySlug('acme'))!;
    const environment = (await w.server.storage.environments.getEnvironmentBySlug(w.projectId, 'master'))!;
    const orphan = async (domainName: string, at: Date) => {
      const callerReference = `cloudlink-orphan-${domainName}`;
      const zone = await session.createOrImportZone({ domainName, callerReference });
      await w.server.storage.resources.claimZoneIntent({
        workspaceId: workspace.id, projectId: w.projectId, environmentId: environment.id, cloudConnectionId: connectionId,
        provider: 'route53', domainName, callerReference, now: at,
      });
      return zone;
    };
    const old = new Date(clock.now().getTime() - 20 * 60_000);
    const empty = await orphan('empty-orphan.example', old);
    const used = await orphan('used-orphan.example', old);
    await session.applyChanges(used, [{ action: 'UPSERT', recordSet: { name: 'www.used-orphan.example.', type: 'A', ttl: 300, values: ['192.0.2.1'] } }]);
    const fresh = await orphan('fresh-orphan.example', clock.now());

    const synced = await w.server.rest('PUT', `${w.base}/resources/${kept.body.data.id}/sync`, { token: w.token });
    expect(synced.status, JSON.stringify(synced.body)).toBe(200);
    expect(w.r53.zones.has(empty.hostedZoneId)).toBe(false);
    expect(w.r53.zones.has(used.hostedZoneId)).toBe(true);
    expect(w.r53.zones.has(fresh.hostedZoneId)).toBe(true);
    expect((await w.server.peek.rows('dns_zone_intents')).map((r) => r.domain_name)).toEqual(['fresh-orphan.example']);

    // A note never shows as a zone or a resource, and does not make its domain "already exist".
    const zones = await w.server.rest('GET', `${w.base}/dns`, { token: w.token });
    expect(zones.body.data.map((z: { domainName: string }) => z.domainName)).not.toContain('fresh-orphan.example');
    const resources = await w.server.rest('GET', `${w.base}/resources`, { token: w.token });
    expect(resources.body.counts.total).toBe(resources.body.count);
    // The retry of the fresh one adopts its zone: one hosted zone for the domain, the note settled.
    const retried = await w.server.rest('POST', `${w.base}/dns`, { token: w.token, body: { name: 'fresh', domainName: 'fresh-orphan.example' } });
    expect(retried.status, JSON.stringify(retried.body)).toBe(201);
    expect(retried.body.data.hostedZoneId).toBe(fresh.hostedZoneId);
    expect([...w.r53.zones.values()].filter((z) => z.name === 'fresh-orphan.example.')).toHaveLength(1);
    expect(await w.server.peek.rows('dns_zone_intents')).toEqual([]);
  });
});
