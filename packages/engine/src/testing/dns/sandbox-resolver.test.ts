import { describe, expect, it } from 'vitest';
import { createMemoryDnsProvider } from './memory-dns-provider.js';
import { createSandboxResolver } from './sandbox-resolver.js';

describe('sandbox resolver', () => {
  it('answers TXT from the zones given and static entries, [] otherwise; snapshot/restore', async () => {
    const dns = createMemoryDnsProvider();
    const zone = dns.addZone('myapp.com');
    dns.putRecordSet(zone.hostedZoneId, { name: '_gateways_app.myapp.com.', type: 'TXT', ttl: 300, values: ['"install" "ed"'] });
    const resolver = createSandboxResolver({ zones: [dns] });
    expect(await resolver.resolveTxt('_gateways_app.myapp.com')).toEqual([['install', 'ed']]);
    expect(await resolver.resolveTxt('_gateways_app.other.com')).toEqual([]);
    resolver.setTxt('_gateways_app.other.com', [['installed']]);
    const copy = createSandboxResolver();
    copy.restore(JSON.parse(JSON.stringify(resolver.snapshot())));
    expect(await copy.resolveTxt('_gateways_app.other.com.')).toEqual([['installed']]);
  });
});
