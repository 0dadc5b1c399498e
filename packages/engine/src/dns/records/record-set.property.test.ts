import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeRecordSet } from './record-set.js';
import { normalizeRecordName } from './names.js';

/** Property: the record model has one fixed point per record set — canonical in, same out. */

const label = fc.stringMatching(/^[a-z0-9_]([a-z0-9_-]{0,10}[a-z0-9_])?$/);
const zone = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,9}$/), fc.constantFrom('com', 'net', 'org', 'io')).map(([a, b]) => `${a}.${b}`);
// Mixed case on purpose (the normaliser lower-cases); fast-check's stringMatching refuses the `i` flag.
// eslint-disable-next-line regexp/use-ignore-case
const host = fc.array(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9-]{0,8}[a-zA-Z0-9]$/), { minLength: 1, maxLength: 3 }).map((ls) => `${ls.join('.')}.example.NET`);
const u16 = fc.integer({ min: 0, max: 65535 });

const valueFor: Record<string, fc.Arbitrary<string>> = {
  A: fc.ipV4(),
  AAAA: fc.ipV6(),
  CNAME: host,
  PTR: host,
  MX: fc.tuple(u16, host).map(([p, h]) => `${p} ${h}`),
  SRV: fc.tuple(u16, u16, u16, fc.oneof(host, fc.constant('.'))).map(([a, b, c, h]) => `${a} ${b} ${c} ${h}`),
  TXT: fc.oneof(
    fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 600 }).filter((s) => !s.startsWith('"')),
    fc.array(fc.string({ unit: fc.constantFrom('a', '"', '\\', ' ', 'z'), maxLength: 20 }), { minLength: 1, maxLength: 3 }).map((ss) =>
      ss.map((s) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(' '),
    ),
  ),
  CAA: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.constantFrom('issue', 'ISSUEWILD', 'iodef'), fc.stringMatching(/^[a-z0-9.;=]{0,20}$/), fc.boolean()).map(
    ([f, t, v, q]) => `${f} ${t} ${q ? `"${v}"` : v}`,
  ),
};

const recordItem = fc
  .tuple(zone, fc.constantFrom(...Object.keys(valueFor)), fc.array(label, { minLength: 0, maxLength: 3 }), fc.boolean(), fc.integer({ min: 1, max: 86400 }))
  .chain(([z, type, labels, wildcard, ttl]) =>
    fc.uniqueArray(valueFor[type] as fc.Arbitrary<string>, { minLength: 1, maxLength: type === 'CNAME' ? 1 : 4 }).map((values) => ({
      zone: z,
      item: { recordName: [...(wildcard ? ['*'] : []), ...labels].join('.') || '@', recordType: type.toLowerCase(), values, ttl },
    })),
  );

function tryNormalize(item: Parameters<typeof normalizeRecordSet>[0], z: string) {
  try {
    return normalizeRecordSet(item, z);
  } catch {
    return null;
  }
}

describe('normalizeRecordSet', () => {
  it('is the identity on canonical record sets', () => {
    fc.assert(
      fc.property(recordItem, ({ zone: z, item }) => {
        const first = tryNormalize(item, z);
        // Generated values may collide after normalisation (duplicate value): those inputs are refused, fine.
        fc.pre(first !== null);
        const again = normalizeRecordSet({ recordName: first.name, recordType: first.type, values: first.values, ttl: first.ttl ?? undefined }, z);
        expect(again).toEqual(first);
      }),
      { numRuns: 500 },
    );
  });

  it('always yields an absolute lower-case name inside the zone', () => {
    fc.assert(
      fc.property(zone, fc.array(fc.oneof(label, fc.constant('WWW')), { maxLength: 4 }), (z, labels) => {
        const r = normalizeRecordName(labels.join('.') || '@', z);
        if (!r.ok) return;
        expect(r.fqdn.endsWith(`${z}.`)).toBe(true);
        expect(r.fqdn).toBe(r.fqdn.toLowerCase());
        expect(normalizeRecordName(r.fqdn, z)).toEqual(r);
      }),
    );
  });
});
