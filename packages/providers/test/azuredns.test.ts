import { describe, expect, it } from 'vitest';
import { ProviderCallError } from '@cloudlink/engine';
import type { DnsAuth, RecordSet } from '@cloudlink/engine';
import { AZUREDNS_FEATURES, createAzureDnsProvider } from '@cloudlink/providers/azure';
import { createFakeAzureDns, createInstantClock, fakeAzureHttpClient, halfRandom } from '@cloudlink/sandbox';
import type { FakeAzureDnsOptions } from '@cloudlink/sandbox';
import { azureFailureKind } from '../src/azure/classify.js';
import { azureRelativeName, canonicalName, fromAzureRecordSet, toAzureRecordSet, txtChunks, txtFromChunks } from '../src/azure/dns/records.js';
import { collect, failure, upsert } from './support.js';

const SUB = '00000000-0000-0000-0000-00000000a2d5';
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const armError = (code: string, message = code) => ({ error: { code, message } });

/** The real provider on @azure/arm-dns through the SDK's `httpClient` seam, to the ARM fake. */
function setup(fakeOptions: FakeAzureDnsOptions = {}, resourceGroup = 'cloudlink-dns') {
  const fake = createFakeAzureDns(fakeOptions);
  const clock = createInstantClock();
  const tokenCalls: number[] = [];
  const provider = createAzureDnsProvider({ env: {}, httpClient: fakeAzureHttpClient(fake), clock, random: halfRandom, pollIntervalMs: 1_500 });
  const auth: DnsAuth = {
    provider: 'azuredns',
    subscriptionId: SUB,
    resourceGroup,
    accessToken: async () => {
      tokenCalls.push(fake.requests.length);
      return { token: `token-${tokenCalls.length}`, expiresAt: new Date(clock.now().getTime() + 3_600_000) };
    },
  };
  return { fake, clock, tokenCalls, provider, session: provider.session(auth) };
}

describe('azuredns wire translation', () => {
  it('cuts TXT strings into chunks of at most 255 characters and quotes them back into the canonical wire form', () => {
    expect(txtChunks('"v=spf1 -all"')).toEqual(['v=spf1 -all']);
    expect(txtChunks('"two" "strings"')).toEqual(['two', 'strings']);
    expect(txtChunks(`"${'x'.repeat(300)}"`)).toEqual(['x'.repeat(255), 'x'.repeat(45)]);
    expect(txtChunks('"say \\"hi\\" \\\\ ok"')).toEqual(['say "hi" \\ ok']);
    expect(txtFromChunks(['say "hi" \\ ok'])).toBe('"say \\"hi\\" \\\\ ok"');
    expect(txtFromChunks(['x'.repeat(300)])).toBe(`"${'x'.repeat(255)}" "${'x'.repeat(45)}"`);
    expect(txtFromChunks(['a', 'b'])).toBe('"a" "b"');
    expect(txtFromChunks([])).toBe('""');
    expect(() => txtChunks('"unterminated')).toThrow(/wire form/);
  });

  it('translates canonical FQDNs to Azure relative names (`@` at the apex) and back', () => {
    expect(azureRelativeName('example.com.', 'example.com')).toBe('@');
    expect(azureRelativeName('WWW.Example.com.', 'example.com')).toBe('www');
    expect(azureRelativeName('*.example.com.', 'example.com')).toBe('*');
    expect(azureRelativeName('_sip._tcp.example.com', 'example.com')).toBe('_sip._tcp');
    expect(() => azureRelativeName('www.example.net.', 'example.com')).toThrow(/not in zone/);
    expect(() => azureRelativeName('badexample.com.', 'example.com')).toThrow(/not in zone/);
    expect(canonicalName('@', 'example.com')).toBe('example.com.');
    expect(canonicalName('WWW', 'example.com')).toBe('www.example.com.');
    expect(canonicalName('*', 'example.com')).toBe('*.example.com.');
  });

  it('maps every writable type onto Azure record objects and back to the same wire strings', () => {
    const sets: RecordSet[] = [
      { name: 'www.example.com.', type: 'A', ttl: 300, values: ['192.0.2.1', '192.0.2.2'] },
      { name: 'v6.example.com.', type: 'AAAA', ttl: 300, values: ['2001:db8::1'] },
      { name: 'alias.example.com.', type: 'CNAME', ttl: 60, values: ['target.example.net.'] },
      { name: 'example.com.', type: 'MX', ttl: 3600, values: ['10 mail.example.net.', '20 mx2.example.net.'] },
      { name: 'note.example.com.', type: 'TXT', ttl: 300, values: ['"v=spf1 -all"', '"two" "strings"'] },
      { name: '_sip._tcp.example.com.', type: 'SRV', ttl: 300, values: ['10 5 5060 sip.example.net.'] },
      { name: '1.2.0.192.example.com.', type: 'PTR', ttl: 300, values: ['host.example.net.'] },
      { name: 'example.com.', type: 'CAA', ttl: 300, values: ['0 issue "letsencrypt.org"'] },
    ];
    expect(toAzureRecordSet(sets[3]!)).toEqual({ ttl: 3600, mxRecords: [{ preference: 10, exchange: 'mail.example.net' }, { preference: 20, exchange: 'mx2.example.net' }] });
    expect(toAzureRecordSet(sets[5]!)).toEqual({ ttl: 300, srvRecords: [{ priority: 10, weight: 5, port: 5060, target: 'sip.example.net' }] });
    expect(toAzureRecordSet(sets[7]!)).toEqual({ ttl: 300, caaRecords: [{ flags: 0, tag: 'issue', value: 'letsencrypt.org' }] });
    expect(toAzureRecordSet(sets[2]!)).toEqual({ ttl: 60, cnameRecord: { cname: 'target.example.net' } });
    for (const set of sets) {
      const relative = azureRelativeName(set.name, 'example.com');
      const listed = fromAzureRecordSet({ ...toAzureRecordSet(set), name: relative, type: `Microsoft.Network/dnszones/${set.type}`, etag: 'e1' }, 'example.com');
      expect(listed).toEqual({ ...set, etag: 'e1' });
    }
    expect(() => toAzureRecordSet({ name: 'a.example.com.', type: 'CNAME', ttl: 60, values: ['x.example.net.', 'y.example.net.'] })).toThrow(/exactly one/);
    expect(() => toAzureRecordSet({ name: 'a.example.com.', type: 'MX', ttl: 60, values: ['mail.example.net.'] })).toThrow(/wire form/);
  });
});

describe('azuredns error classification', () => {
  it('reads Azure statuses in one place', () => {
    expect(azureFailureKind(429, 'TooManyRequests')).toBe('throttled');
    expect(azureFailureKind(401, 'InvalidAuthenticationToken')).toBe('unauthorized');
    expect(azureFailureKind(403, 'AuthorizationFailed')).toBe('refused');
    expect(azureFailureKind(404, 'ResourceNotFound')).toBe('not-found');
    expect(azureFailureKind(404, 'ResourceGroupNotFound')).toBe('not-found');
    expect(azureFailureKind(412, 'PreconditionFailed')).toBe('conflict');
    expect(azureFailureKind(400, 'BadRequest')).toBe('invalid-input');
    expect(azureFailureKind(503, 'ServiceUnavailable')).toBe('transient');
  });

  it('answers `not-found` (ResourceGroupNotFound) for a resource group that does not exist', async () => {
    const { session } = setup({}, 'no-such-group');
    const e = await failure(session.createOrImportZone({ domainName: 'example.com', callerReference: 'r' }));
    expect(e).toMatchObject({ kind: 'not-found', providerCode: 'ResourceGroupNotFound', status: 404, call: 'Zones.createOrUpdate', provider: 'azuredns' });
  });

  it('answers `invalid-input` for a 400 with the ARM error code and message', async () => {
    const { fake, session } = setup();
    const zone = await session.createOrImportZone({ domainName: 'example.com', callerReference: 'r' });
    fake.fault({ match: (r) => r.method === 'PUT', ...json(400, armError('BadRequest', 'The record set is invalid.')) });
    const e = await failure(session.applyChanges(zone, [upsert({ name: 'www.example.com.', type: 'A', ttl: 300, values: ['192.0.2.1'] })]));
    expect(e).toMatchObject({ kind: 'invalid-input', providerCode: 'BadRequest', providerMessage: 'The record set is invalid.', progress: { appliedChanges: 0, totalChanges: 1 } });
  });
});

describe('azuredns provider', () => {
  it('asks the TokenSource before every request and never keeps a token itself', async () => {
    const { fake, session, tokenCalls } = setup();
    const zone = await session.createOrImportZone({ domainName: 'example.com', callerReference: 'r' });
    await session.applyChanges(zone, [upsert({ name: 'www.example.com.', type: 'A', ttl: 300, values: ['192.0.2.1'] })]);
    await collect(session.listRecordSets(zone));
    expect(tokenCalls).toHaveLength(fake.requests.length);
    const bearers = fake.requests.map((r) => r.headers.authorization);
    expect(new Set(bearers).size).toBe(fake.requests.length);
  });

  it('sends each attempt once: the SDK does not retry, the shared policy does, honouring Retry-After', async () => {
    const { fake, clock, session } = setup();
    const zone = await session.createOrImportZone({ domainName: 'example.com', callerReference: 'r' });
    const before = fake.requests.length;
    fake.fault({ times: 2, ...json(503, armError('ServiceUnavailable')) });
    fake.fault({ times: 1, ...json(429, armError('TooManyRequests'), { 'retry-after': '7' }) });
    expect(await session.getRecordSet(zone, 'www.example.com.', 'A')).toBeNull();
    expect(fake.requests.length - before).toBe(4);
    expect(clock.sleeps.at(-1)).toBe(7000);
  });

  it('reads a write back after a lost answer instead of resending it blindly, and applies it once', async () => {
    const { fake, session } = setup();
    const zone = await session.createOrImportZone({ domainName: 'example.com', callerReference: 'r' });
    fake.fault({ match: (r) => r.method === 'PUT', ...json(503, armError('ServiceUnavailable')) });
    const set = { name: 'www.example.com.', type: 'A', ttl: 300, values: ['192.0.2.1'] };
    const [outcome] = await session.applyChanges(zone, [upsert(set)]);
    expect(outcome?.recordSet).toMatchObject({ ...set, etag: expect.any(String) });
    expect(fake.requests.filter((r) => r.method === 'PUT' && r.url.includes('/A/www')).length).toBe(2);
    // The read-back between the two PUTs saw nothing written, so the resend kept If-None-Match.
    expect(fake.requests.filter((r) => r.method === 'PUT' && r.url.includes('/A/www')).map((r) => r.headers['if-none-match'])).toEqual(['*', '*']);
  });

  it('reads the touched sets with one GET each, or with one listing above 20 sets', async () => {
    const { fake, session } = setup();
    const zone = await session.createOrImportZone({ domainName: 'example.com', callerReference: 'r' });
    const sets = (n: number) => Array.from({ length: n }, (_, i) => upsert({ name: `h${i}.example.com.`, type: 'A', ttl: 300, values: [`192.0.2.${i + 1}`] }));
    let before = fake.requests.length;
    await session.applyChanges(zone, sets(3));
    const gets = (from: number) => fake.requests.slice(from).filter((r) => r.method === 'GET');
    expect(gets(before).map((r) => r.url.split('?')[0]!.split('/').slice(-2).join('/'))).toEqual(['A/h0', 'A/h1', 'A/h2']);
    before = fake.requests.length;
    const outcomes = await session.applyChanges(zone, sets(25));
    expect(gets(before).every((r) => r.url.includes('/all?'))).toBe(true);
    expect(outcomes).toHaveLength(25);
    // The three sets written first existed, so their rewrite went with If-Match, the new ones with If-None-Match.
    const puts = fake.requests.slice(before).filter((r) => r.method === 'PUT');
    expect(puts.filter((r) => r.headers['if-match'] !== undefined)).toHaveLength(3);
    expect(puts.filter((r) => r.headers['if-none-match'] === '*')).toHaveLength(22);
  });

  it('polls the zone delete on its own clock, every pollIntervalMs, until ARM says it succeeded', async () => {
    const { fake, clock, session } = setup({ deletePolls: 3 });
    const zone = await session.createOrImportZone({ domainName: 'example.com', callerReference: 'r' });
    await session.deleteZone(zone);
    // The SDK's poller reads the status once right after the 202; every later poll waits on our clock.
    expect(clock.sleeps).toEqual([1500, 1500, 1500]);
    expect(fake.requests.filter((r) => /dnsOperationStatuses/i.test(r.url))).toHaveLength(4);
    expect(await session.getZone(zone.hostedZoneId)).toBeNull();
  });

  it('passes a TokenSource failure through as it is, and sends nothing', async () => {
    const fake = createFakeAzureDns();
    const provider = createAzureDnsProvider({ env: {}, httpClient: fakeAzureHttpClient(fake), clock: createInstantClock(), random: halfRandom });
    const refused = new ProviderCallError({ provider: 'azure', call: 'Entra ID token request', code: 'invalid_client', message: 'secret expired', kind: 'refused' });
    const session = provider.session({ provider: 'azuredns', subscriptionId: SUB, resourceGroup: 'cloudlink-dns', accessToken: () => Promise.reject(refused) });
    const e = await failure(session.createOrImportZone({ domainName: 'example.com', callerReference: 'r' }));
    expect(e).toBe(refused);
    expect(fake.requests).toHaveLength(0);
  });

  it('declares its capabilities', () => {
    const { provider } = setup();
    expect(provider.capabilities).toEqual({ recordTypes: AZUREDNS_FEATURES.recordTypes, apexCname: false, createsZones: true, aliasRecords: false, proxy: false });
    expect(() => createAzureDnsProvider({ armUrl: 'http://management.azure.com', env: {} })).toThrow(/https/);
  });
});
