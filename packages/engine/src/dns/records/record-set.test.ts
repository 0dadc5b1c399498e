import { describe, expect, it } from 'vitest';
import { validationFailure } from '../../testing/engine-error.js';
import { normalizeRecordName, normalizeDomainName, compareRecordSets } from './names.js';
import { normalizeRecordSet, parseRecordsRequest, sameValues } from './record-set.js';
import { txtText } from './txt.js';

const ZONE = 'example.com';

const item = (over: Record<string, unknown>) => ({ recordName: 'www', recordType: 'A', values: ['192.0.2.1'], ...over });

describe('record names (see docs/records.md)', () => {
  it.each([
    ['@', 'example.com.'],
    ['www', 'www.example.com.'],
    ['www.example.com', 'www.example.com.'],
    ['WWW.Example.COM.', 'www.example.com.'],
    ['example.com', 'example.com.'],
    ['*.dev', '*.dev.example.com.'],
    ['_dmarc', '_dmarc.example.com.'],
    ['www.other.org', 'www.other.org.example.com.'],
    ['bücher', 'xn--bcher-kva.example.com.'],
    ['\\052.dev', '*.dev.example.com.'],
  ])('%s → %s', (input, out) => {
    expect(normalizeRecordName(input, ZONE)).toEqual({ ok: true, fqdn: out });
  });

  it('refuses names outside the zone', () => {
    expect(validationFailure(() => normalizeRecordSet(item({ recordName: 'www.other.org.' }), ZONE)).message).toBe(
      'recordName: "www.other.org." is not in zone example.com',
    );
    // A name that merely ends with the zone's text is not inside it.
    expect(normalizeRecordName('badexample.com.', ZONE)).toEqual({ ok: false, problem: '"badexample.com." is not in zone example.com' });
  });

  it.each(['a..b', '-x', 'x-', `${'a'.repeat(64)}`, 'www.*', 'a b', '.', '', 'a*b'])('refuses %j as not a valid DNS name', (input) => {
    expect(validationFailure(() => normalizeRecordSet(item({ recordName: input }), ZONE)).message).toBe(`recordName: "${input}" is not a valid DNS name`);
  });

  it('refuses FQDNs over 253 characters', () => {
    const long = Array.from({ length: 5 }, () => 'a'.repeat(50)).join('.');
    expect(normalizeRecordName(long, ZONE).ok).toBe(false);
    const ok = Array.from({ length: 4 }, () => 'a'.repeat(50)).join('.');
    expect(normalizeRecordName(ok, ZONE).ok).toBe(true);
  });

  it('normalises zone domains', () => {
    expect(normalizeDomainName('MyApp.COM.')).toBe('myapp.com');
    expect(normalizeDomainName('bücher.de')).toBe('xn--bcher-kva.de');
    expect(normalizeDomainName('localhost')).toBeNull();
    expect(normalizeDomainName('-a.com')).toBeNull();
    expect(normalizeDomainName('a_b.com')).toBeNull();
    expect(normalizeDomainName(`${'a'.repeat(64)}.com`)).toBeNull();
  });

  it('orders record sets as Route 53 lists them', () => {
    const sets = [
      { name: 'static.myapp.com.', type: 'A' },
      { name: '_gateways_app.myapp.com.', type: 'TXT' },
      { name: 'myapp.com.', type: 'MX' },
      { name: 'myapp.com.', type: 'A' },
    ];
    expect([...sets].sort(compareRecordSets).map((s) => `${s.name} ${s.type}`)).toEqual([
      'myapp.com. A',
      'myapp.com. MX',
      '_gateways_app.myapp.com. TXT',
      'static.myapp.com. A',
    ]);
  });
});

describe('values per type (see docs/records.md)', () => {
  const one = (type: string, value: string) => normalizeRecordSet(item({ recordType: type, values: [value] }), ZONE).values[0];
  const problem = (type: string, values: unknown[]) => validationFailure(() => normalizeRecordSet(item({ recordType: type, values }), ZONE)).message;

  it('A', () => {
    expect(one('A', '192.0.2.1')).toBe('192.0.2.1');
    expect(problem('A', ['999.1.1.1'])).toBe('values[0]: "999.1.1.1" is not a valid IPv4 address');
    expect(problem('A', ['01.2.3.4'])).toBe('values[0]: "01.2.3.4" is not a valid IPv4 address');
  });

  it('AAAA → RFC 5952', () => {
    expect(one('AAAA', '2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(one('AAAA', '2001:0db8:0000:0000:0001:0000:0000:0001')).toBe('2001:db8::1:0:0:1');
    expect(one('AAAA', '::FFFF:192.0.2.1')).toBe('::ffff:192.0.2.1');
    expect(one('AAAA', '0:0:0:0:0:ffff:c000:0201')).toBe('::ffff:192.0.2.1');
    expect(problem('AAAA', ['2001:db8::g'])).toBe('values[0]: "2001:db8::g" is not a valid IPv6 address');
  });

  it('CNAME', () => {
    expect(one('CNAME', 'Target.Example.NET')).toBe('target.example.net.');
    expect(problem('CNAME', ['a.example.net', 'b.example.net'])).toBe('values: CNAME takes exactly one value');
    expect(problem('CNAME', ['bad host'])).toBe('values[0]: "bad host" is not a valid host name');
  });

  it('MX', () => {
    expect(one('MX', '10 mail.example.com')).toBe('10 mail.example.com.');
    expect(problem('MX', ['mail.example.com'])).toBe('values[0]: MX value must be "<priority> <mail server>"');
    expect(problem('MX', ['65536 mail.example.com'])).toBe('values[0]: MX value must be "<priority> <mail server>"');
  });

  it('TXT', () => {
    expect(one('TXT', 'v=spf1 -all')).toBe('"v=spf1 -all"');
    expect(one('TXT', '"a" "b"')).toBe('"ab"');
    expect(one('TXT', 'say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
    expect(one('TXT', '"installed"')).toBe('"installed"');
    expect(problem('TXT', ['caf\u00e9'])).toBe('values[0]: TXT must be printable ASCII');
    expect(problem('TXT', ['"unterminated'])).toMatch(/^values\[0\]: TXT value has an unterminated/);
  });

  it('TXT splits into 255-character chunks and caps the wire form at 4000 characters', () => {
    const key = 'x'.repeat(300);
    const wire = one('TXT', `v=DKIM1; k=rsa; p=${key}`) as string;
    const text = `v=DKIM1; k=rsa; p=${key}`;
    expect(wire).toBe(`"${text.slice(0, 255)}" "${text.slice(255)}"`);
    expect(txtText(wire)).toBe(text);
    expect(problem('TXT', ['y'.repeat(3990)])).toBe('values[0]: TXT value exceeds 4000 characters once quoted');
    expect(() => one('TXT', 'y'.repeat(3900))).not.toThrow();
  });

  it('SRV', () => {
    expect(one('SRV', '10 5 5060 SIP.example.com')).toBe('10 5 5060 sip.example.com.');
    expect(one('SRV', '0 0 0 .')).toBe('0 0 0 .');
    expect(problem('SRV', ['10 5 sip.example.com'])).toBe('values[0]: SRV value must be "<priority> <weight> <port> <target>"');
  });

  it('PTR', () => {
    expect(one('PTR', 'host.example.com')).toBe('host.example.com.');
    expect(problem('PTR', ['-bad'])).toBe('values[0]: "-bad" is not a valid host name');
  });

  it('CAA', () => {
    expect(one('CAA', '0 issue letsencrypt.org')).toBe('0 issue "letsencrypt.org"');
    expect(one('CAA', '128 ISSUEWILD "pki.goog"')).toBe('128 issuewild "pki.goog"');
    expect(problem('CAA', ['0 foo letsencrypt.org'])).toBe('values[0]: CAA tag must be issue, issuewild or iodef');
    expect(problem('CAA', ['256 issue x'])).toBe('values[0]: CAA value must be "<flags> <tag> <value>"');
  });
});

describe('fields (see docs/records.md)', () => {
  it('recordType is case-insensitive and NS/SOA are managed automatically', () => {
    expect(normalizeRecordSet(item({ recordType: 'aaaa', values: ['::1'] }), ZONE).type).toBe('AAAA');
    expect(validationFailure(() => normalizeRecordSet(item({ recordType: 'ns' }), ZONE)).message).toBe('recordType: NS records are managed automatically');
    expect(validationFailure(() => normalizeRecordSet(item({ recordType: 'SOA' }), ZONE)).message).toBe('recordType: SOA records are managed automatically');
    expect(validationFailure(() => normalizeRecordSet(item({ recordType: 'SPF' }), ZONE)).message).toBe(
      'recordType: must be one of A, AAAA, CNAME, MX, TXT, SRV, PTR, CAA',
    );
  });

  it('ttl defaults to 300 and must be 1–86400', () => {
    expect(normalizeRecordSet(item({}), ZONE).ttl).toBe(300);
    expect(normalizeRecordSet(item({ ttl: 86400 }), ZONE).ttl).toBe(86400);
    for (const ttl of [0, 86401, 1.5, '300']) {
      expect(validationFailure(() => normalizeRecordSet(item({ ttl }), ZONE)).message).toBe('ttl: must be an integer between 1 and 86400');
    }
    expect(normalizeRecordSet(item({ ttl: 0 }), ZONE, { ignoreTtl: true }).ttl).toBe(300);
  });

  it('values: 1–100 strings, unique after normalisation', () => {
    expect(validationFailure(() => normalizeRecordSet(item({ values: [] }), ZONE)).message).toBe('values: must have between 1 and 100 values');
    expect(validationFailure(() => normalizeRecordSet(item({ values: Array.from({ length: 101 }, (_, i) => `10.0.0.${i % 250}`) }), ZONE)).message).toBe(
      'values: must have between 1 and 100 values',
    );
    expect(validationFailure(() => normalizeRecordSet(item({ recordType: 'AAAA', values: ['2001:db8::1', '2001:DB8:0::1'] }), ZONE)).message).toBe(
      'values: duplicate value "2001:db8::1"',
    );
    expect(validationFailure(() => normalizeRecordSet(item({ values: [1] }), ZONE)).message).toBe('values[0]: must be a string');
  });

  it('required fields are named', () => {
    const f = validationFailure(() => normalizeRecordSet({}, ZONE));
    expect(f.details.map((d) => d.path)).toEqual(['recordName', 'recordType', 'values']);
    expect(f.message).toBe('recordName: required');
  });
});

describe('records requests (see docs/records.md)', () => {
  it('single form', () => {
    const r = parseRecordsRequest(item({}), ZONE);
    expect(r).toEqual({ batch: false, sets: [{ name: 'www.example.com.', type: 'A', ttl: 300, values: ['192.0.2.1'] }] });
  });

  it('batch form with indexed paths', () => {
    const records = [item({ recordName: 'a' }), item({ recordName: 'b' }), item({ recordName: 'c' }), item({ recordName: 'd', values: ['1.2.3.4', '999.1.1.1'] })];
    const f = validationFailure(() => parseRecordsRequest({ records }, ZONE));
    expect(f.message).toBe('records[3].values[1]: "999.1.1.1" is not a valid IPv4 address');
    expect(f.details).toEqual([{ path: 'records[3].values[1]', message: '"999.1.1.1" is not a valid IPv4 address' }]);
  });

  it('duplicate record sets in one batch', () => {
    const records = [item({ recordName: 'www.myapp.com' }), item({ recordName: 'x' }), item({ recordName: 'WWW', values: ['10.0.0.1'] })];
    const f = validationFailure(() => parseRecordsRequest({ records }, 'myapp.com'));
    expect(f.message).toBe('records[2]: duplicate record set www.myapp.com. A');
  });

  it('1–10000 items', () => {
    expect(validationFailure(() => parseRecordsRequest({ records: [] }, ZONE)).message).toBe('records: must contain between 1 and 10000 items');
    const many = Array.from({ length: 10_001 }, (_, i) => item({ recordName: `r${i}` }));
    expect(validationFailure(() => parseRecordsRequest({ records: many }, ZONE)).message).toBe('records: must contain between 1 and 10000 items');
    expect(parseRecordsRequest({ records: many.slice(0, 10_000) }, ZONE).sets).toHaveLength(10_000);
    expect(validationFailure(() => parseRecordsRequest({ records: 'x' }, ZONE)).message).toBe('records: must be an array');
    expect(validationFailure(() => parseRecordsRequest({ records: [7] }, ZONE)).message).toBe('records[0]: must be an object');
  });

  it('compares values as sets', () => {
    expect(sameValues(['a', 'b'], ['b', 'a'])).toBe(true);
    expect(sameValues(['a', 'b'], ['a'])).toBe(false);
    expect(sameValues(['a', 'a'], ['a', 'b'])).toBe(false);
  });
});
