import { describe, expect, it } from 'vitest';
import { RESOURCE_SUBTYPES } from '../dns/schemas.js';
import { toValidationIssues } from '../validation/index.js';
import { canBeDnsTarget, HOST_RESOURCE_TYPES, isHostResourceType, resourceCounts } from './catalogue.js';
import { createSubdomainBodySchema, listSubdomainsQuerySchema, registerResourceBodySchema } from './schemas.js';

const base = { resourceType: 'instance', name: 'web-1' };

/** The parsed body, or its problems as `path: message` (the form of the 400's details). */
function parse(body: unknown): { data?: unknown; problems?: string[] } {
  const r = registerResourceBodySchema.safeParse(body);
  return r.success ? { data: r.data } : { problems: toValidationIssues(r.error).map((i) => `${i.path}: ${i.message}`) };
}
const target = (dnsTarget: unknown) => parse({ ...base, dnsTarget });

describe('resource-type catalogue', () => {
  it('has the 17 documented types; all but dns and subdomain are the host’s', () => {
    expect(RESOURCE_SUBTYPES).toHaveLength(17);
    expect(HOST_RESOURCE_TYPES).toEqual(RESOURCE_SUBTYPES.filter((t) => t !== 'dns' && t !== 'subdomain'));
    expect(isHostResourceType('instance')).toBe(true);
    expect(isHostResourceType('dns')).toBe(false);
    expect(isHostResourceType('__proto__')).toBe(false);
    expect(RESOURCE_SUBTYPES.filter((t) => !canBeDnsTarget(t))).toEqual(['firewall', 'dns', 'subdomain']);
    expect(canBeDnsTarget('toString')).toBe(false);
  });

  it('counts: one key per type, zero when none, total over every row', () => {
    const counts = resourceCounts({ dns: 2, instance: 1, legacy_widget: 4 });
    expect(Object.keys(counts)).toEqual([...RESOURCE_SUBTYPES, 'total']);
    expect(counts).toMatchObject({ dns: 2, instance: 1, subdomain: 0, total: 7 });
  });
});

describe('POST …/resources body', () => {
  it('takes the documented fields with their defaults', () => {
    expect(parse(base).data).toEqual({ ...base, status: 'active' });
    expect(parse({ ...base, name: '  web  ', providerResourceId: 'i-0abc', region: 'eu-west-1', status: 'stopped_now', positionX: '10', positionY: 2, metadata: { a: [1] } }).data).toEqual({
      resourceType: 'instance',
      name: 'web',
      providerResourceId: 'i-0abc',
      region: 'eu-west-1',
      status: 'stopped_now',
      positionX: 10,
      positionY: 2,
      metadata: { a: [1] },
    });
  });

  it('refuses each field with its path', () => {
    expect(parse({}).problems).toEqual(['resourceType: required', 'name: required']);
    expect(parse({ ...base, resourceType: 'dns' }).problems).toEqual(['resourceType: dns resources are created with POST …/dns']);
    expect(parse({ ...base, resourceType: 'subdomain' }).problems).toEqual(['resourceType: subdomain resources are created with POST …/subdomains']);
    expect(parse({ ...base, resourceType: 'Instance' }).problems?.[0]).toMatch(/^resourceType: must be one of instance, scalable_server, .*, utility$/);
    expect(parse({ ...base, name: ' ' }).problems).toEqual(['name: must not be empty']);
    expect(parse({ ...base, name: 'x'.repeat(101) }).problems).toEqual(['name: must be at most 100 characters']);
    expect(parse({ ...base, providerResourceId: '' }).problems).toEqual(['providerResourceId: must not be empty']);
    expect(parse({ ...base, providerResourceId: 'x'.repeat(256) }).problems).toEqual(['providerResourceId: must be at most 255 characters']);
    expect(parse({ ...base, region: 'EU-west-1' }).problems).toEqual(['region: must be 1–64 characters of a-z, 0-9 and -']);
    expect(parse({ ...base, region: '' }).problems).toEqual(['region: must be 1–64 characters of a-z, 0-9 and -']);
    expect(parse({ ...base, region: 'a'.repeat(65) }).problems).toEqual(['region: must be at most 64 characters']);
    expect(parse({ ...base, status: 'running!' }).problems).toEqual(['status: must be 1–32 characters of a-z and _']);
    expect(parse({ ...base, status: 'a'.repeat(33) }).problems).toEqual(['status: must be at most 32 characters']);
    expect(parse({ ...base, positionX: 1 }).problems).toEqual(['positionY: positionX and positionY must be given together']);
    expect(parse({ ...base, positionX: 'x', positionY: 1 }).problems).toEqual(['positionX: must be a number']);
  });

  it('metadata: a JSON object of at most 8 KB serialised, without the reserved keys', () => {
    // {"k":"…"} is 8 bytes around the value.
    expect(parse({ ...base, metadata: { k: 'x'.repeat(8192 - 8) } }).data).toBeDefined();
    expect(parse({ ...base, metadata: { k: 'x'.repeat(8192 - 7) } }).problems).toEqual(['metadata: must be at most 8192 bytes once serialised']);
    // Bytes, not characters: 'é' is two.
    expect(parse({ ...base, metadata: { k: 'é'.repeat(4093) } }).problems).toEqual(['metadata: must be at most 8192 bytes once serialised']);
    expect(parse({ ...base, metadata: { dnsTarget: null, connections: [] } }).problems).toEqual(['metadata.dnsTarget: is reserved', 'metadata.connections: is reserved']);
    expect(parse({ ...base, metadata: [1] }).problems).toEqual(['metadata: must be a JSON object']);
    expect(parse({ ...base, metadata: 'x' }).problems).toEqual(['metadata: must be a JSON object']);
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = { a: deep };
    expect(parse({ ...base, metadata: deep }).problems).toEqual(['metadata: must be at most 8192 bytes once serialised']);
  });

  it('a firewall cannot be a DNS target', () => {
    expect(parse({ ...base, resourceType: 'firewall', dnsTarget: { hostname: 'fw.example.net' } }).problems).toEqual(['dnsTarget: a firewall cannot be a DNS target']);
    expect(parse({ ...base, resourceType: 'firewall', dnsTarget: null }).data).toMatchObject({ dnsTarget: null });
  });
});

describe('dnsTarget', () => {
  it('exactly one form; unknown keys refused', () => {
    expect(target({}).problems).toEqual(['dnsTarget: must have exactly one of addresses, hostname, alias']);
    expect(target({ addresses: ['192.0.2.1'], hostname: 'a.example' }).problems).toEqual(['dnsTarget: must have exactly one of addresses, hostname, alias (got addresses, hostname)']);
    expect(target({ hostname: 'a.example', ttl: 5 }).problems).toEqual(['dnsTarget: has unknown field "ttl"']);
    expect(target('192.0.2.1').problems).toEqual(['dnsTarget: must be an object']);
    expect(target([]).problems).toEqual(['dnsTarget: must be an object']);
  });

  it('addresses: 1–100 IPv4/IPv6, normalised as A/AAAA values, no duplicates', () => {
    expect(target({ addresses: ['192.0.2.10', '2001:DB8:0:0::10', '::FFFF:c000:0201'] }).data).toMatchObject({ dnsTarget: { addresses: ['192.0.2.10', '2001:db8::10', '::ffff:192.0.2.1'] } });
    expect(target({ addresses: [] }).problems).toEqual(['dnsTarget.addresses: must have between 1 and 100 addresses']);
    expect(target({ addresses: Array.from({ length: 101 }, (_, i) => `10.0.0.${i}`) }).problems).toEqual(['dnsTarget.addresses: must have between 1 and 100 addresses']);
    expect(target({ addresses: ['192.0.2.1', '192.0.2.2', '01.2.3.4'] }).problems).toEqual(['dnsTarget.addresses[2]: "01.2.3.4" is not a valid IPv4 or IPv6 address']);
    expect(target({ addresses: ['fe80::1%eth0'] }).problems).toEqual(['dnsTarget.addresses[0]: "fe80::1%eth0" is not a valid IPv4 or IPv6 address']);
    expect(target({ addresses: ['2001:db8::1', '2001:DB8:0::1'] }).problems).toEqual(['dnsTarget.addresses[1]: duplicate of addresses[0]']);
    expect(target({ addresses: ['1'.repeat(46)] }).problems).toEqual(['dnsTarget.addresses[0]: must be at most 45 characters']);
    expect(target({ addresses: [7] }).problems).toEqual(['dnsTarget.addresses[0]: must be a string']);
    expect(target({ addresses: '192.0.2.1' }).problems).toEqual(['dnsTarget.addresses: must be an array of IP addresses']);
  });

  it('hostname: the record model’s host names, lower-case with a trailing dot', () => {
    expect(target({ hostname: 'LB-1.Hosting.Example.NET' }).data).toMatchObject({ dnsTarget: { hostname: 'lb-1.hosting.example.net.' } });
    expect(target({ hostname: 'bücher.example.' }).data).toMatchObject({ dnsTarget: { hostname: 'xn--bcher-kva.example.' } });
    expect(target({ hostname: '*.example.net' }).problems).toEqual(['dnsTarget.hostname: "*.example.net" is not a valid host name']);
    expect(target({ hostname: 'a..b' }).problems).toEqual(['dnsTarget.hostname: "a..b" is not a valid host name']);
    expect(target({ hostname: '192.0.2.1' }).problems).toEqual(['dnsTarget.hostname: is an IP address: give it in addresses']);
    expect(target({ hostname: `${'a'.repeat(63)}.`.repeat(4) + 'x' }).problems).toEqual(['dnsTarget.hostname: must be at most 253 characters']);
  });

  it('alias: AWS endpoints with a known hosted zone, filled in', () => {
    expect(target({ alias: { dnsName: 'My-ALB-1234.us-east-1.elb.amazonaws.com' } }).data).toMatchObject({
      dnsTarget: { alias: { dnsName: 'my-alb-1234.us-east-1.elb.amazonaws.com.', hostedZoneId: 'Z35SXDOTRQ7X7K', evaluateTargetHealth: false, dualStack: false } },
    });
    expect(target({ alias: { dnsName: 'dualstack.my-alb.eu-west-1.elb.amazonaws.com', evaluateTargetHealth: true, dualStack: true } }).data).toMatchObject({
      dnsTarget: { alias: { hostedZoneId: 'Z32O12XQLNTSW2', evaluateTargetHealth: true, dualStack: true } },
    });
    expect(target({ alias: { dnsName: 'd111111abcdef8.cloudfront.net', hostedZoneId: 'Z2FDTNDATAQYW2' } }).data).toMatchObject({ dnsTarget: { alias: { hostedZoneId: 'Z2FDTNDATAQYW2' } } });
    expect(target({ alias: { dnsName: 'www.example.com.s3-website-us-east-1.amazonaws.com' } }).data).toMatchObject({ dnsTarget: { alias: { hostedZoneId: 'Z3AQBSTGFYJSTF' } } });
    expect(target({ alias: { dnsName: 'my-nlb-1.elb.us-east-1.amazonaws.com' } }).data).toMatchObject({ dnsTarget: { alias: { hostedZoneId: 'Z26RNL4JYFTOTI' } } });
  });

  it('alias: anything else is refused, naming the field', () => {
    expect(target({ alias: { dnsName: 'lb.example.net' } }).problems?.[0]).toMatch(/^dnsTarget\.alias\.dnsName: must be an S3 website endpoint/);
    expect(target({ alias: { dnsName: 'x.us-east-9.elb.amazonaws.com' } }).problems?.[0]).toMatch(/^dnsTarget\.alias\.dnsName: /);
    expect(target({ alias: { dnsName: 'my-alb.us-east-1.elb.amazonaws.com', hostedZoneId: 'Z2FDTNDATAQYW2' } }).problems).toEqual([
      'dnsTarget.alias.hostedZoneId: must be Z35SXDOTRQ7X7K for a load balancer in us-east-1',
    ]);
    expect(target({ alias: { dnsName: 'my-alb.us-east-1.elb.amazonaws.com', hostedZoneId: 'Z'.repeat(33) } }).problems).toEqual(['dnsTarget.alias.hostedZoneId: must be at most 32 characters']);
    expect(target({ alias: {} }).problems).toEqual(['dnsTarget.alias.dnsName: required']);
    expect(target({ alias: { dnsName: 'd1.cloudfront.net', evaluateTargetHealth: 'yes' } }).problems).toEqual(['dnsTarget.alias.evaluateTargetHealth: must be a boolean']);
    expect(target({ alias: { dnsName: 'd1.cloudfront.net', target: 'x' } }).problems).toEqual(['dnsTarget.alias: has unknown field "target"']);
    expect(target({ alias: { dnsName: 'a'.repeat(300) } }).problems).toEqual(['dnsTarget.alias.dnsName: must be at most 253 characters']);
  });
});

describe('subdomain schemas', () => {
  it('zoneId: a positive integer, as a number or digits; name capped before any parsing', () => {
    expect(createSubdomainBodySchema.parse({ zoneId: '7', name: 'www' })).toEqual({ zoneId: 7, name: 'www' });
    for (const zoneId of [0, -1, 1.5, '07', 'x', 1e16]) expect(createSubdomainBodySchema.safeParse({ zoneId, name: 'www' }).error?.issues[0]?.message).toBe('must be a positive integer');
    expect(createSubdomainBodySchema.safeParse({ name: 'www' }).error?.issues[0]?.message).toBe('required');
    expect(createSubdomainBodySchema.safeParse({ zoneId: 1, name: 'a'.repeat(258) }).error?.issues[0]?.message).toBe('must be at most 253 characters');
    expect(listSubdomainsQuerySchema.parse({ zoneId: '12', limit: '5' })).toEqual({ zoneId: 12, limit: 5 });
  });
});
