import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeRecordSet } from '@cloudlink/engine';
import type { RecordSet } from '@cloudlink/engine';
import { fromRoute53RecordSet, toRoute53RecordSet } from '@cloudlink/providers/aws';
import { toCloudflareRecord, toRecordSet } from '@cloudlink/providers/cloudflare';

/**
 * Property across packages: user input → the engine's normaliser → a provider's translator → parsed
 * back from what the provider holds = what the normaliser produced, for Route 53 and Cloudflare.
 */

const ZONE = 'example.com';
const label = fc.stringMatching(/^\w([\w-]{0,10}\w)?$/);
const host = fc
  // Mixed case on purpose (the normaliser lower-cases); fast-check's stringMatching refuses the `i` flag.
  // eslint-disable-next-line regexp/use-ignore-case
  .tuple(fc.array(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9-]{0,8}[a-zA-Z0-9]$/), { minLength: 1, maxLength: 3 }), fc.constantFrom('NET', 'org', 'Com'), fc.boolean())
  .map(([ls, tld, dot]) => `${ls.join('.')}.${tld}${dot ? '.' : ''}`);
const u16 = fc.integer({ min: 0, max: 65535 });
const printable = (maxLength: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

/** Values as a user may type them: any case, with or without trailing dots, quoted or not. */
const input: Record<string, fc.Arbitrary<string>> = {
  A: fc.ipV4(),
  AAAA: fc.ipV6(),
  CNAME: host,
  PTR: host,
  MX: fc.tuple(u16, host).map(([p, h]) => `${p} ${h}`),
  SRV: fc.tuple(u16, u16, u16, fc.oneof(host, fc.constant('.'))).map(([a, b, c, h]) => `${a} ${b} ${c} ${h}`),
  TXT: fc.oneof(
    printable(700).filter((s) => !s.startsWith('"')),
    fc.array(printable(300), { minLength: 1, maxLength: 3 }).map((ss) => ss.map((s) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(' ')),
  ),
  CAA: fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.constantFrom('issue', 'ISSUEWILD', 'iodef'), printable(30).filter((v) => !v.includes('"') && v.trim() === v && v !== ''), fc.boolean())
    .map(([f, t, v, q]) => `${f} ${t} ${q ? `"${v}"` : v}`),
};

const item = fc
  .tuple(fc.constantFrom(...Object.keys(input)), fc.array(label, { maxLength: 3 }), fc.boolean(), fc.integer({ min: 1, max: 86_400 }))
  .chain(([type, labels, wildcard, ttl]) =>
    fc.uniqueArray(input[type] as fc.Arbitrary<string>, { minLength: 1, maxLength: type === 'CNAME' ? 1 : 4 }).map((values) => ({
      recordName: [...(wildcard ? ['*'] : []), ...labels].join('.') || '@',
      recordType: type.toLowerCase(),
      values,
      ttl,
    })),
  );

function normalised(raw: Parameters<typeof normalizeRecordSet>[0]): RecordSet | null {
  try {
    return normalizeRecordSet(raw, ZONE);
  } catch {
    return null; // invalid input is the normaliser's business, not the translators'
  }
}

describe('normalise → translate → parse = normalise', () => {
  it('holds for Route 53', () => {
    fc.assert(
      fc.property(item, (raw) => {
        const set = normalised(raw);
        fc.pre(set !== null);
        if (!set) return;
        const listed = toRoute53RecordSet(set);
        expect(fromRoute53RecordSet({ ...listed, Name: listed.Name?.replace('*', '\\052') })).toEqual(set);
      }),
      { numRuns: 300 },
    );
  });

  it('holds for Cloudflare', () => {
    fc.assert(
      fc.property(item, (raw) => {
        const set = normalised(raw);
        fc.pre(set !== null);
        if (!set) return;
        const records = set.values.map((v, i) => ({ ...toCloudflareRecord(set, v), id: `r${i}` }));
        expect(toRecordSet(records)).toEqual({ ...set, providerIds: records.map((r) => r.id) });
      }),
      { numRuns: 300 },
    );
  });
});
