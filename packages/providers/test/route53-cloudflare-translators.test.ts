import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordSet } from '@cloudlink/engine';
import { fromRoute53RecordSet, toRoute53RecordSet } from '../src/aws/route53/index.js';
import type { CLOUDFLARE_TYPES } from '../src/cloudflare/index.js';
import { quoteTxt, toCloudflareRecord, toRecordSet } from '../src/cloudflare/index.js';

/* Arbitraries of VALID canonical record sets (see docs/records.md), every writable type. */
const ZONE = 'example.com.';
const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
const label = fc
  .tuple(fc.constantFrom(...letters), fc.string({ unit: fc.constantFrom(...`${letters}-`), maxLength: 12 }), fc.constantFrom(...letters))
  .map(([a, mid, z]) => `${a}${mid}${z}`);
const host = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.constantFrom('com', 'net', 'org'))
  .map(([labels, tld]) => `${labels.join('.')}.${tld}.`);
const ownerName = fc.oneof(
  fc.constant(ZONE),
  fc.array(fc.oneof(label, label.map((l) => `_${l}`)), { minLength: 1, maxLength: 3 }).map((ls) => `${ls.join('.')}.${ZONE}`),
  fc.array(label, { maxLength: 2 }).map((ls) => ['*', ...ls, ZONE].join('.')),
);
const u16 = fc.integer({ min: 0, max: 65535 });
const printable = (maxLength: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

/** RFC 5952: lower case, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
function rfc5952(groups: readonly number[]): string {
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len && j - i >= 2) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

const valueOf: Record<keyof typeof CLOUDFLARE_TYPES, fc.Arbitrary<string>> = {
  A: fc.ipV4(),
  AAAA: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }).map(rfc5952),
  CNAME: host,
  MX: fc.tuple(u16, host).map(([p, h]) => `${p} ${h}`),
  // Up to 700 characters, so values over 255 are split into several quoted chunks.
  TXT: printable(700).map(quoteTxt),
  SRV: fc.tuple(u16, u16, u16, fc.oneof(host, fc.constant('.'))).map(([p, w, port, t]) => `${p} ${w} ${port} ${t}`),
  PTR: host,
  CAA: fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.constantFrom('issue', 'issuewild', 'iodef'), printable(40).filter((v) => !v.includes('"')))
    .map(([f, t, v]) => `${f} ${t} "${v}"`),
};

const recordSet: fc.Arbitrary<RecordSet> = fc.constantFrom(...(Object.keys(valueOf) as (keyof typeof valueOf)[])).chain((type) =>
  fc.record({
    name: ownerName,
    type: fc.constant(type),
    ttl: fc.integer({ min: 1, max: 86_400 }),
    values: fc.uniqueArray(valueOf[type], { minLength: 1, maxLength: type === 'CNAME' ? 1 : 5 }),
  }),
);

describe('translators: canonical RecordSet ↔ provider shape', () => {
  it('Route 53: translate then parse back is the identity', () => {
    fc.assert(
      fc.property(recordSet, (set) => {
        const wire = toRoute53RecordSet(set);
        expect(fromRoute53RecordSet(wire)).toEqual(set);
        // Route 53 lists `*` as `\052`: parsing a listing gives the same set.
        expect(fromRoute53RecordSet({ ...wire, Name: wire.Name?.replace('*', '\\052') })).toEqual(set);
      }),
      { numRuns: 400 },
    );
  });

  it('Cloudflare: translate each value to a record, read the records back: the same set', () => {
    fc.assert(
      fc.property(recordSet, (set) => {
        // What Cloudflare echoes back is what was posted, plus an id.
        const records = set.values.map((v, i) => ({ ...toCloudflareRecord(set, v), id: `id-${i}` }));
        for (const r of records) expect(r.name.endsWith('.')).toBe(false);
        expect(toRecordSet(records)).toEqual({ ...set, providerIds: records.map((r) => r.id) });
      }),
      { numRuns: 400 },
    );
  });

  it('splits TXT over 255 characters into quoted chunks that Cloudflare gets verbatim', () => {
    const text = 'v=DKIM1; k=rsa; p='.padEnd(300, 'A');
    const set: RecordSet = { name: 'sel._domainkey.example.com.', type: 'TXT', ttl: 300, values: [quoteTxt(text)] };
    expect(set.values[0]).toBe(`"${text.slice(0, 255)}" "${text.slice(255)}"`);
    expect(toCloudflareRecord(set, set.values[0] as string).content).toBe(set.values[0]);
  });
});
