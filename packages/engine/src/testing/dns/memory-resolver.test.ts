import { describe, expect, it } from 'vitest';
import { createMemoryDnsProvider } from './memory-dns-provider.js';
import { createMemoryResolver } from './memory-resolver.js';

describe('memory resolver', () => {
  it('answers TXT from the zones of the providers given, [] otherwise, and logs the queries', async () => {
    const dns = createMemoryDnsProvider();
    const zone = dns.addZone('myapp.com');
    dns.putRecordSet(zone.hostedZoneId, { name: '_gateways_app.myapp.com.', type: 'TXT', ttl: 300, values: ['"install" "ed"'] });
    const resolver = createMemoryResolver([dns]);
    expect(await resolver.resolveTxt('_gateways_app.MyApp.com.')).toEqual([['install', 'ed']]);
    expect(await resolver.resolveTxt('_gateways_app.other.com')).toEqual([]);
    expect(resolver.queries).toEqual(['_gateways_app.MyApp.com.', '_gateways_app.other.com']);
  });
});
