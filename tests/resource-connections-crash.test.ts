import { beforeAll, expect, it } from 'vitest';
import { useDnsWorld } from './dns-fixture.js';
import { describeBackends } from './harness/index.js';

/**
 * Resource connections cut short between their steps (docs/resources.md, docs/dns-crash-safety.md):
 * the provider call fails before or after doing its work (a lost answer stands for a process killed
 * right after Route 53 applied the batch), and the next request — the retry, a disconnect, a zone
 * delete — converges: nothing of ours is left where it should be gone, nothing foreign is touched.
 */
describeBackends('resource connections after interrupted operations', (backend) => {
  const w = useDnsWorld(backend);
  beforeAll(async () => {
    await w.linkAws();
  });

  const rest = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', path: string, body?: Record<string, unknown>) =>
    w.server.rest(method, `${w.base}${path}`, { token: w.token, ...(body ? { body } : {}) });
  /** A non-retryable failure, so the request ends right there. */
  const LOST = { status: 400, code: 'InvalidChangeBatch', message: 'answer lost' } as const;

  async function zoneWithLink(domain: string) {
    const z = await rest('POST', '/dns', { name: domain, domainName: domain });
    expect(z.status, JSON.stringify(z.body)).toBe(201);
    const host = await rest('POST', '/resources', { resourceType: 'instance', name: `web-${domain}`, dnsTarget: { addresses: ['192.0.2.10'] } });
    const sub = await rest('POST', '/subdomains', { zoneId: z.body.data.id, name: 'www' });
    w.r53.seed(z.body.data.hostedZoneId, [{ name: `foreign.${domain}.`, type: 'A', ttl: 300, values: ['198.51.100.1'] }]);
    const sets = () => w.r53.recordSets(z.body.data.hostedZoneId).filter((s) => s.type !== 'NS' && s.type !== 'SOA').map((s) => `${s.name} ${s.type}`);
    const rows = async () => (await w.server.peek.rows('resource_connections')).filter((r) => Number(r.zone_resource_id) === z.body.data.id && (r.is_active === true || r.is_active === 1));
    return { zoneId: z.body.data.id as number, hostedZoneId: z.body.data.hostedZoneId as string, hostId: host.body.data.id as number, subId: sub.body.data.id as number, sets, rows };
  }

  it('connect failing before the batch: pending row and notes; the retry finishes it', async () => {
    const z = await zoneWithLink('before.example');
    w.r53.failNext('ChangeResourceRecordSets', LOST);
    const first = await rest('POST', '/resource-connections', { sourceId: z.subId, targetId: z.hostId });
    expect(first.status).toBe(400);
    expect((await z.rows()).map((r) => r.status)).toEqual(['pending']);
    expect(z.sets()).toEqual(['foreign.before.example. A']);
    const retry = await rest('POST', '/resource-connections', { sourceId: z.subId, targetId: z.hostId });
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    expect(retry.body.data.status).toBe('active');
    expect((await z.rows()).map((r) => r.status)).toEqual(['active']);
    expect(z.sets()).toEqual(['foreign.before.example. A', 'www.before.example. A', '_gateways_app.www.before.example. TXT']);
    expect((await w.server.peek.rows('dns_record_intents')).filter((r) => Number(r.zone_resource_id) === z.zoneId)).toEqual([]);
  });

  it('connect whose batch was applied but never recorded: the retry claims its own sets and finishes; a sync sees them as ours', async () => {
    const z = await zoneWithLink('after.example');
    w.r53.failNext('ChangeResourceRecordSets', { ...LOST, afterApply: true });
    const first = await rest('POST', '/resource-connections', { sourceId: z.subId, targetId: z.hostId });
    expect(first.status).toBe(400);
    expect(z.sets()).toContain('www.after.example. A');
    expect((await z.rows()).map((r) => r.status)).toEqual(['pending']);
    // A sync in between marks the noted sets the provider holds as ours.
    expect((await rest('PUT', `/resources/${z.zoneId}/sync`)).status).toBe(200);
    const managed = (await w.server.peek.rows('dns_records')).filter((r) => Number(r.zone_resource_id) === z.zoneId).map((r) => `${String(r.name)} ${String(r.managed === true || r.managed === 1)}`);
    expect(managed.sort()).toEqual(['_gateways_app.www.after.example. true', 'foreign.after.example. false', 'www.after.example. true']);
    const retry = await rest('POST', '/resource-connections', { sourceId: z.subId, targetId: z.hostId });
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    expect((await z.rows()).map((r) => r.status)).toEqual(['active']);
  });

  it('a pending connection is removed, with its records, by a disconnect', async () => {
    const z = await zoneWithLink('pending-del.example');
    w.r53.failNext('ChangeResourceRecordSets', { ...LOST, afterApply: true });
    expect((await rest('POST', '/resource-connections', { sourceId: z.subId, targetId: z.hostId })).status).toBe(400);
    const [row] = await z.rows();
    const gone = await rest('DELETE', `/resource-connections/${String(row?.id)}`);
    expect(gone.status, JSON.stringify(gone.body)).toBe(200);
    expect(z.sets()).toEqual(['foreign.pending-del.example. A']);
    expect(await z.rows()).toEqual([]);
  });

  it('disconnect whose DELETE batch was applied but never recorded stays `deleting`; the next disconnect finishes it', async () => {
    const z = await zoneWithLink('disc.example');
    const c = await rest('POST', '/resource-connections', { sourceId: z.subId, targetId: z.hostId });
    expect(c.status).toBe(201);
    w.r53.failNext('ChangeResourceRecordSets', { ...LOST, afterApply: true });
    expect((await rest('DELETE', `/resource-connections/${c.body.data.id}`)).status).toBe(400);
    expect((await z.rows()).map((r) => r.status)).toEqual(['deleting']);
    expect(z.sets()).toEqual(['foreign.disc.example. A']);
    const changes = w.r53.counts.ChangeResourceRecordSets;
    expect((await rest('DELETE', `/resource-connections/${c.body.data.id}`)).status).toBe(200);
    // Nothing of ours is live any more: nothing is sent.
    expect(w.r53.counts.ChangeResourceRecordSets).toBe(changes);
    expect(await z.rows()).toEqual([]);
    expect(z.sets()).toEqual(['foreign.disc.example. A']);
  });

  it('zone delete cut short between its provider calls: the zone stays until the last step, and the retry converges', async () => {
    const kills = {
      'the connections’ DELETE batch applied, answer lost': () => w.r53.failNext('ChangeResourceRecordSets', { ...LOST, afterApply: true }),
      'zone emptied, DeleteHostedZone refused': () => w.r53.failNext('DeleteHostedZone', { status: 400, code: 'InvalidInput', message: 'not now' }),
      'DeleteHostedZone applied, answer lost': () => w.r53.failNext('DeleteHostedZone', { status: 400, code: 'InvalidInput', message: 'answer lost', afterApply: true }),
    };
    let n = 0;
    for (const [kill, failure] of Object.entries(kills)) {
      const domain = `zone-${++n}.example`;
      const z = await zoneWithLink(domain);
      expect((await rest('POST', '/resource-connections', { sourceId: z.subId, targetId: z.hostId })).status).toBe(201);
      failure();
      const cut = await rest('DELETE', `/resources/${z.zoneId}?deleteFromCloud=true`);
      expect(cut.status, kill).toBe(400);
      expect((await rest('GET', `/dns/${z.zoneId}`)).status, `${kill}: the zone is still active`).toBe(200);
      const retry = await rest('DELETE', `/resources/${z.zoneId}?deleteFromCloud=true`);
      expect(retry.status, `${kill}: ${JSON.stringify(retry.body)}`).toBe(200);
      expect(w.r53.zones.has(z.hostedZoneId), kill).toBe(false);
      expect(await z.rows(), kill).toEqual([]);
      expect((await rest('GET', `/subdomains/${z.subId}`)).body.error, kill).toBe('Subdomain not found');
      expect(w.r53.lookup(`www.${domain}`, 'A'), kill).toEqual([]);
    }
  });

  it('Cloudflare: a connection killed after its batch (pending, unrecorded) is removed by the zone delete, and nothing foreign', async () => {
    w.cf.addZone('cut.example', ['cf-token-0123456789']);
    const z = await rest('POST', '/dns', { name: 'cut', domainName: 'cut.example', cloudflareApiToken: 'cf-token-0123456789' });
    const zoneId = z.body.data.id as number;
    const host = await rest('POST', '/resources', { resourceType: 'instance', name: 'web-cut', dnsTarget: { hostname: 'lb.hosting.example.net' } });
    const sub = await rest('POST', '/subdomains', { zoneId, name: '@' });
    const c = await rest('POST', '/resource-connections', { sourceId: sub.body.data.id, targetId: host.body.data.id });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    // What a process killed between the provider's answer and the recording transaction leaves:
    // the row still pending, the sets live but not in the stored copy, their creation notes kept.
    const records = c.body.data.records as { name: string; type: string; values: string[] }[];
    const now = new Date();
    await w.server.storage.resourceConnections.updateResourceConnection(c.body.data.id, { status: 'pending' }, now);
    await w.server.storage.dnsRecords.deleteRecordSets(zoneId, records);
    await w.server.storage.dnsRecords.noteCreateIntents(zoneId, records, now);
    w.cf.seed(z.body.data.hostedZoneId, [{ name: 'foreign.cut.example', type: 'TXT', ttl: 300, content: '"theirs"' }, { name: 'cut.example', type: 'MX', ttl: 300, content: 'mx.example.net', priority: 5 }]);
    expect((await rest('DELETE', `/resources/${zoneId}?deleteFromCloud=true`)).status).toBe(200);
    expect(w.cf.records(z.body.data.hostedZoneId).map((r) => `${r.name} ${r.type}`).sort()).toEqual(['cut.example MX', 'foreign.cut.example TXT']);
    expect(await w.server.peek.rows('dns_record_intents')).toEqual([]);
  });
});
