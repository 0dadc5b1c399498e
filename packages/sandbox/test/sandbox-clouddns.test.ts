import { describe, expect, it } from 'vitest';
import { isProviderCallError } from '@cloudlink/engine';
import { createFakeCloudDns, createSandboxProviders } from '../src/index.js';
import type { FakeCloudDns } from '../src/index.js';

const P = 'my-project-1';
const base = `/dns/v1/projects/${P}/managedZones`;

/** The parts of Google's answers these tests read. */
interface Answer {
  readonly error?: { readonly status?: string; readonly errors?: readonly { readonly reason?: string }[] };
  readonly rrsets?: readonly { readonly type: string }[];
  readonly kind?: string;
  readonly status?: string;
}

async function call(fake: FakeCloudDns, method: string, url: string, body?: unknown, token = 'tok'): Promise<{ status: number; json: Answer }> {
  const reply = await fake.handle({ method, url, origin: 'https://dns.googleapis.com', headers: { authorization: `Bearer ${token}` }, body: body === undefined ? '' : JSON.stringify(body) });
  if (typeof reply === 'symbol') throw new Error('no answer');
  return { status: reply.status, json: reply.body ? (JSON.parse(reply.body) as Answer) : {} };
}

const rr = (name: string, type: string, rrdatas: string[], ttl = 300) => ({ name, type, ttl, rrdatas });

describe('fake Cloud DNS: the wire rules', () => {
  it('creates zones with apex NS and SOA, refuses a second of the same name, deletes only empty zones', async () => {
    const fake = createFakeCloudDns();
    expect((await call(fake, 'POST', base, { name: 'z1', dnsName: 'example.com.', visibility: 'public' })).status).toBe(200);
    const again = await call(fake, 'POST', base, { name: 'z1', dnsName: 'example.com.' });
    expect(again).toMatchObject({ status: 409, json: { error: { status: 'ALREADY_EXISTS', errors: [{ reason: 'alreadyExists' }] } } });
    const listed = await call(fake, 'GET', `${base}/z1/rrsets`);
    expect(listed.json.rrsets?.map((r) => r.type)).toEqual(['NS', 'SOA']);
    await call(fake, 'POST', `${base}/z1/changes`, { additions: [rr('www.example.com.', 'A', ['192.0.2.1'])] });
    expect((await call(fake, 'DELETE', `${base}/z1`)).json.error?.errors?.[0]?.reason).toBe('containerNotEmpty');
    expect((await call(fake, 'GET', `${base}/nope`)).status).toBe(404);
  });

  it('applies a change whole or not at all: exact deletions, no duplicate additions, no CNAME beside another type, limits', async () => {
    const fake = createFakeCloudDns();
    await call(fake, 'POST', base, { name: 'z1', dnsName: 'example.com.' });
    const changes = `${base}/z1/changes`;
    const a = rr('www.example.com.', 'A', ['192.0.2.1', '192.0.2.2']);
    expect((await call(fake, 'POST', changes, { additions: [a] })).json).toMatchObject({ kind: 'dns#change', status: 'pending' });
    const reason = async (body: unknown) => {
      const r = await call(fake, 'POST', changes, body);
      return [r.status, r.json.error?.errors?.[0]?.reason];
    };
    expect(await reason({ deletions: [{ ...a, ttl: 60 }] })).toEqual([412, 'conditionNotMet']);
    expect(await reason({ deletions: [rr('x.example.com.', 'A', ['192.0.2.1'])] })).toEqual([404, 'notFound']);
    expect(await reason({ additions: [a] })).toEqual([409, 'alreadyExists']);
    expect(await reason({ additions: [rr('www.example.com.', 'CNAME', ['t.example.net.'])] })).toEqual([400, 'cnameResourceRecordSetConflict']);
    expect(await reason({ additions: [rr('example.com.', 'CNAME', ['t.example.net.'])] })).toEqual([400, 'cnameResourceRecordSetConflict']);
    expect(await reason({ additions: Array.from({ length: 1001 }, (_, i) => rr(`h${i}.example.com.`, 'A', ['192.0.2.1'])) })).toEqual([400, 'invalid']);
    // A failing change leaves nothing of itself: the valid first addition is not kept.
    expect(await reason({ additions: [rr('new.example.com.', 'A', ['192.0.2.9']), a] })).toEqual([409, 'alreadyExists']);
    expect((await call(fake, 'GET', `${base}/z1/rrsets?name=new.example.com.&type=A`)).json.rrsets).toEqual([]);
    // Deletion of the exact set (any order) and an addition in one change replace it.
    const replaced = await reason({ deletions: [{ ...a, rrdatas: ['192.0.2.2', '192.0.2.1'] }], additions: [{ ...a, rrdatas: ['192.0.2.3'] }] });
    expect(replaced).toEqual([200, undefined]);
  });

  it('keeps its zones across snapshot and restore', async () => {
    const fake = createFakeCloudDns();
    await call(fake, 'POST', base, { name: 'z1', dnsName: 'example.com.' });
    await call(fake, 'POST', `${base}/z1/changes`, { additions: [rr('t.example.com.', 'TXT', ['"v"'])] });
    const state = JSON.parse(JSON.stringify(fake.snapshot()));
    const copy = createFakeCloudDns();
    copy.restore(state);
    expect(copy.lookup('t.example.com', 'TXT')).toEqual(fake.lookup('t.example.com.', 'TXT'));
  });
});

describe('sandbox Cloud DNS', () => {
  it('accepts only access tokens the fake IAM Credentials issued', async () => {
    const sandbox = createSandboxProviders();
    const session = sandbox.providers.dns.clouddns.session({ provider: 'clouddns', projectId: P, accessToken: async () => ({ token: 'ya29.made-up', expiresAt: new Date() }) });
    const e = await session.getZone('anything').catch((err: unknown) => err);
    expect(isProviderCallError(e) && e.kind).toBe('unauthorized');
    expect(sandbox.fakes.clouddns.requests.at(-1)?.headers.authorization).toBe('Bearer ya29.made-up');
  });

  it('resolves TXT sets written to a Cloud DNS zone', async () => {
    const sandbox = createSandboxProviders();
    sandbox.fakes.clouddns.addZone(P, { name: 'z1', dnsName: 'example.com.' });
    sandbox.fakes.clouddns.zones.get(`${P}/z1`)!.rrsets.set('_gateways_app.example.com. TXT', { kind: 'dns#resourceRecordSet', name: '_gateways_app.example.com.', type: 'TXT', ttl: 60, rrdatas: ['"abc"'] });
    expect(await sandbox.resolver.resolveTxt('_gateways_app.example.com')).toEqual([['abc']]);
  });
});
