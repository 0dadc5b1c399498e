import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isProviderCallError } from '../../ports/provider-error.js';
import type { RecordSet } from '../../ports/dns.js';
import { createSandboxCloudflareProvider } from './sandbox-cloudflare.js';
import { createSandboxResolver } from './sandbox-resolver.js';
import { createSandboxRoute53Provider } from './sandbox-route53.js';

const creds = { provider: 'route53' as const, credentials: { accessKeyId: 'AKIA', secretAccessKey: 's' } };
const A = (name: string, ...values: string[]): RecordSet => ({ name, type: 'A', ttl: 300, values });

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function rejection(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (isProviderCallError(e)) return e;
    throw e;
  }
  throw new Error('expected a ProviderCallError');
}

describe('sandbox Route 53', () => {
  it('creates zones with apex NS/SOA, idempotent by CallerReference', async () => {
    const r53 = createSandboxRoute53Provider();
    const s = r53.session(creds);
    const z = await s.createOrImportZone({ domainName: 'myapp.com', callerReference: 'cloudlink-1' });
    expect(z.hostedZoneId).toMatch(/^Z[0-9A-Z]{13}$/);
    expect(z.nameServers).toHaveLength(4);
    expect(await s.createOrImportZone({ domainName: 'myapp.com', callerReference: 'cloudlink-1' })).toEqual(z);
    const sets = await collect(s.listRecordSets(z));
    expect(sets.map((x) => x.type)).toEqual(['NS', 'SOA']);
  });

  it('applies UPSERT/DELETE with Route 53 rules', async () => {
    const r53 = createSandboxRoute53Provider();
    const s = r53.session(creds);
    const z = await s.createOrImportZone({ domainName: 'myapp.com', callerReference: 'r' });
    const [out] = await s.applyChanges(z, [{ action: 'UPSERT', recordSet: A('www.myapp.com.', '192.0.2.1') }]);
    expect(out?.changeId).toMatch(/^C[0-9A-Z]+$/);
    expect(out?.status).toBe('PENDING');
    // DELETE must match exactly.
    const bad = await rejection(s.applyChanges(z, [{ action: 'DELETE', recordSet: A('www.myapp.com.', '192.0.2.2') }]));
    expect(bad.kind).toBe('invalid-input');
    expect(bad.providerCode).toBe('InvalidChangeBatch');
    // CNAME exclusivity and apex CNAME.
    const cname = (name: string): RecordSet => ({ name, type: 'CNAME', ttl: 300, values: ['x.example.net.'] });
    expect((await rejection(s.applyChanges(z, [{ action: 'UPSERT', recordSet: cname('www.myapp.com.') }]))).kind).toBe('invalid-input');
    expect((await rejection(s.applyChanges(z, [{ action: 'UPSERT', recordSet: cname('myapp.com.') }]))).message).toMatch(/apex/);
    // A batch is all-or-nothing.
    await rejection(s.applyChanges(z, [{ action: 'UPSERT', recordSet: A('a.myapp.com.', '10.0.0.1') }, { action: 'DELETE', recordSet: A('nope.myapp.com.', '1.1.1.1') }]));
    expect(await s.getRecordSet(z, 'a.myapp.com.', 'A')).toBeNull();
    await s.applyChanges(z, [{ action: 'DELETE', recordSet: A('www.myapp.com.', '192.0.2.1') }]);
    expect(await s.getRecordSet(z, 'www.myapp.com.', 'A')).toBeNull();
  });

  it('splits 2 500 single-value UPSERTs into 5 change batches', async () => {
    const r53 = createSandboxRoute53Provider();
    const s = r53.session(creds);
    const z = await s.createOrImportZone({ domainName: 'big.com', callerReference: 'r' });
    r53.resetCalls();
    const changes = Array.from({ length: 2500 }, (_, i) => ({ action: 'UPSERT' as const, recordSet: A(`r${i}.big.com.`, '10.0.0.1') }));
    const outcomes = await s.applyChanges(z, changes);
    expect(r53.calls.filter((c) => c.call === 'ChangeResourceRecordSets').map((c) => c.changes)).toEqual([500, 500, 500, 500, 500]);
    expect(new Set(outcomes.map((o) => o.changeId)).size).toBe(5);
  });

  it('reports progress when a later batch fails', async () => {
    const r53 = createSandboxRoute53Provider();
    const s = r53.session(creds);
    const z = await s.createOrImportZone({ domainName: 'big.com', callerReference: 'r' });
    r53.failNext('ChangeResourceRecordSets', { code: 'Throttling', message: 'Rate exceeded', kind: 'throttled' }, { after: 2 });
    const changes = Array.from({ length: 2500 }, (_, i) => ({ action: 'UPSERT' as const, recordSet: A(`r${i}.big.com.`, '10.0.0.1') }));
    const e = await rejection(s.applyChanges(z, changes));
    expect(e.kind).toBe('throttled');
    expect(e.progress).toEqual({ appliedChanges: 1000, totalChanges: 2500 });
    expect(r53.recordSets(z.hostedZoneId)).toHaveLength(1002);
  });

  it('refuses to delete a non-empty zone; a gone zone counts as deleted', async () => {
    const r53 = createSandboxRoute53Provider();
    const s = r53.session(creds);
    const z = await s.createOrImportZone({ domainName: 'myapp.com', callerReference: 'r' });
    await s.applyChanges(z, [{ action: 'UPSERT', recordSet: A('www.myapp.com.', '192.0.2.1') }]);
    expect((await rejection(s.deleteZone(z))).providerCode).toBe('HostedZoneNotEmpty');
    await s.applyChanges(z, [{ action: 'DELETE', recordSet: A('www.myapp.com.', '192.0.2.1') }]);
    await s.deleteZone(z);
    expect(await s.getZone(z.hostedZoneId)).toBeNull();
    await expect(s.deleteZone(z)).resolves.toBeUndefined();
  });

  it('snapshot/restore round-trips through JSON', async () => {
    const r53 = createSandboxRoute53Provider();
    const s = r53.session(creds);
    const z = await s.createOrImportZone({ domainName: 'myapp.com', callerReference: 'r' });
    await s.applyChanges(z, [{ action: 'UPSERT', recordSet: A('www.myapp.com.', '192.0.2.1') }]);
    const copy = createSandboxRoute53Provider();
    copy.restore(JSON.parse(JSON.stringify(r53.snapshot())));
    expect(copy.recordSets(z.hostedZoneId)).toEqual(r53.recordSets(z.hostedZoneId));
    const z2 = await copy.session(creds).createOrImportZone({ domainName: 'other.com', callerReference: 'r2' });
    expect(z2.hostedZoneId).not.toBe(z.hostedZoneId);
  });

  it('lists in Route 53 order for any set of names (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.stringMatching(/^[a-z]{1,3}(\.[a-z]{1,3})?$/), { maxLength: 15 }), async (names) => {
        const r53 = createSandboxRoute53Provider();
        const s = r53.session(creds);
        const z = await s.createOrImportZone({ domainName: 'q.com', callerReference: 'r' });
        if (names.length > 0) await s.applyChanges(z, names.map((n) => ({ action: 'UPSERT' as const, recordSet: A(`${n}.q.com.`, '10.0.0.1') })));
        const listed = await collect(s.listRecordSets(z, { pageSize: 4 }));
        const keys = listed.map((x) => `${x.name.slice(0, -1).split('.').reverse().join('.')}. ${x.type}`);
        expect(keys).toEqual([...keys].sort());
        expect(listed).toHaveLength(names.length + 2);
      }),
      { numRuns: 50 },
    );
  });
});

describe('sandbox Cloudflare', () => {
  const cf = (token = 'tok') => {
    const p = createSandboxCloudflareProvider({ batchSize: 3 });
    return { p, s: p.session({ provider: 'cloudflare', apiToken: token }) };
  };

  it('imports a zone for any domain except under .invalid; token "invalid" is refused', async () => {
    const { s } = cf();
    const z = await s.createOrImportZone({ domainName: 'myapp.com', callerReference: 'x' });
    expect(z.hostedZoneId).toMatch(/^[0-9a-f]{32}$/);
    expect(z.nameServers).toEqual(['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com']);
    expect((await s.createOrImportZone({ domainName: 'myapp.com', callerReference: 'y' })).hostedZoneId).toBe(z.hostedZoneId);
    expect((await rejection(s.createOrImportZone({ domainName: 'shop.invalid', callerReference: 'x' }))).kind).toBe('not-found');
    const bad = cf('invalid').s;
    const e = await rejection(bad.createOrImportZone({ domainName: 'myapp.com', callerReference: 'x' }));
    expect(e.kind).toBe('unauthorized');
    expect(e.call).toBe('GET /user/tokens/verify');
  });

  it('UPSERT diffs entries, keeps ids of kept values, groups on read', async () => {
    const { p, s } = cf();
    const z = await s.createOrImportZone({ domainName: 'myapp.com', callerReference: 'x' });
    const [o1] = await s.applyChanges(z, [{ action: 'UPSERT', recordSet: A('www.myapp.com.', '10.0.0.1', '10.0.0.2') }]);
    expect(o1).toMatchObject({ changeId: null, status: 'INSYNC' });
    expect(o1?.recordSet?.providerIds).toHaveLength(2);
    const [o2] = await s.applyChanges(z, [{ action: 'UPSERT', recordSet: A('www.myapp.com.', '10.0.0.2', '10.0.0.3') }]);
    expect(o2?.recordSet?.values).toEqual(['10.0.0.2', '10.0.0.3']);
    expect(o2?.recordSet?.providerIds?.[0]).toBe(o1?.recordSet?.providerIds?.[1]);
    // Apex CNAME is allowed on Cloudflare; CNAME beside other records is not.
    await s.applyChanges(z, [{ action: 'UPSERT', recordSet: { name: 'myapp.com.', type: 'CNAME', ttl: 1, values: ['x.example.net.'] } }]);
    const e = await rejection(s.applyChanges(z, [{ action: 'UPSERT', recordSet: { name: 'www.myapp.com.', type: 'CNAME', ttl: 1, values: ['x.example.net.'] } }]));
    expect(e.kind).toBe('invalid-input');
    expect(p.recordSets(z.hostedZoneId).map((r) => `${r.name} ${r.type}`)).toEqual(['myapp.com. CNAME', 'www.myapp.com. A']);
  });

  it('sends batch calls of at most batchSize operations', async () => {
    const { p, s } = cf();
    const z = await s.createOrImportZone({ domainName: 'myapp.com', callerReference: 'x' });
    p.resetCalls();
    await s.applyChanges(z, Array.from({ length: 7 }, (_, i) => ({ action: 'UPSERT' as const, recordSet: A(`r${i}.myapp.com.`, '10.0.0.1') })));
    expect(p.calls.filter((c) => c.call.endsWith('/batch')).map((c) => c.changes)).toEqual([3, 3, 1]);
  });

  it('every call with a refused token is unauthorized', async () => {
    const { p, s } = cf();
    const z = await s.createOrImportZone({ domainName: 'myapp.com', callerReference: 'x' });
    const bad = p.session({ provider: 'cloudflare', apiToken: 'invalid' });
    expect((await rejection(bad.getRecordSet(z, 'www.myapp.com.', 'A'))).status).toBe(401);
    expect((await rejection(collect(bad.listRecordSets(z)))).kind).toBe('unauthorized');
  });
});

describe('sandbox resolver', () => {
  it('answers TXT from sandbox zones and static entries, [] otherwise; snapshot/restore', async () => {
    const r53 = createSandboxRoute53Provider();
    const s = r53.session(creds);
    const z = await s.createOrImportZone({ domainName: 'myapp.com', callerReference: 'r' });
    await s.applyChanges(z, [{ action: 'UPSERT', recordSet: { name: '_gateways_app.myapp.com.', type: 'TXT', ttl: 300, values: ['"install" "ed"'] } }]);
    const resolver = createSandboxResolver({ zones: [r53] });
    expect(await resolver.resolveTxt('_gateways_app.myapp.com')).toEqual([['install', 'ed']]);
    expect(await resolver.resolveTxt('_gateways_app.other.com')).toEqual([]);
    resolver.setTxt('_gateways_app.other.com', [['installed']]);
    const copy = createSandboxResolver();
    copy.restore(JSON.parse(JSON.stringify(resolver.snapshot())));
    expect(await copy.resolveTxt('_gateways_app.other.com.')).toEqual([['installed']]);
  });
});
