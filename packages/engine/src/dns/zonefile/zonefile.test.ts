import { describe, expect, it } from 'vitest';
import type { RecordSet } from '../../ports/dns.js';
import { parseTtl, parseZoneFile, ZoneFileSyntaxError } from './parse.js';
import { zoneFileHeader, zoneFileLines } from './serialize.js';
import { zoneFileToRecordSets } from './sets.js';
import { validationFailure } from '../../testing/engine-error.js';

const APEX = 'example.com.';
const R53 = { provider: 'route53' as const, hostedZoneId: 'Z1' };
const CF = { provider: 'cloudflare' as const, hostedZoneId: 'cf1' };

const parse = (text: string) => parseZoneFile(text, { origin: APEX, maxRecords: 1000 });

const failure = (fn: () => unknown): string[] => validationFailure(fn).details.map((d) => `${d.path}: ${d.message}`);

const SAMPLE = `$ORIGIN example.com.
$TTL 3600
; a comment line
@  IN SOA ns1.example.com. host.example.com. (
      2024 ; serial
      7200 3600 1209600 300 )
@ 172800 IN NS ns1.example.net.
www IN A 192.0.2.1 ; cloudlink:proxied
    IN A 192.0.2.2
Mixed.Case 60 IN AAAA 2001:db8::1
txt IN 120 TXT "hello; world" "second \\"q\\" str"
mx IN MX 10 mail
_sip._tcp 300 IN SRV 10 5 5060 sip.example.com.
@ IN CAA 0 issue "letsencrypt.org"
1.2 IN PTR host
alias IN CNAME www
paren 1h IN TXT ( "a"
   "b" )
$ORIGIN sub.example.com.
deep IN A 192.0.2.9
`;

describe('parseZoneFile', () => {
  it('reads directives, owners, TTL/class in either order, parentheses, quotes and comments', () => {
    const records = parse(SAMPLE);
    const brief = records.map((r) => [r.line, r.name, r.ttl, r.type, r.rdata.map((t) => (t.quoted ? `"${t.text}"` : t.text)).join(' ')]);
    expect(brief).toEqual([
      [4, APEX, 3600, 'SOA', 'ns1.example.com. host.example.com. 2024 7200 3600 1209600 300'],
      [7, APEX, 172800, 'NS', 'ns1.example.net.'],
      [8, 'www.example.com.', 3600, 'A', '192.0.2.1'],
      [9, 'www.example.com.', 3600, 'A', '192.0.2.2'],
      [10, 'mixed.case.example.com.', 60, 'AAAA', '2001:db8::1'],
      [11, 'txt.example.com.', 120, 'TXT', '"hello; world" "second \\"q\\" str"'],
      [12, 'mx.example.com.', 3600, 'MX', '10 mail'],
      [13, '_sip._tcp.example.com.', 300, 'SRV', '10 5 5060 sip.example.com.'],
      [14, APEX, 3600, 'CAA', '0 issue "letsencrypt.org"'],
      // An owner starting with a digit is a name, never a TTL.
      [15, '1.2.example.com.', 3600, 'PTR', 'host'],
      [16, 'alias.example.com.', 3600, 'CNAME', 'www'],
      [17, 'paren.example.com.', 3600, 'TXT', '"a" "b"'],
      [20, 'deep.sub.example.com.', 3600, 'A', '192.0.2.9'],
    ]);
    expect(records[2]!.comment).toBe('cloudlink:proxied');
  });

  it('uses the last stated TTL before any $TTL (RFC 1035)', () => {
    const records = parse('a 600 IN A 192.0.2.1\nb IN A 192.0.2.2\n');
    expect(records.map((r) => r.ttl)).toEqual([600, 600]);
    expect(parse('a IN A 192.0.2.1\n')[0]!.ttl).toBeNull();
  });

  it.each([
    ['www IN A "192.0.2.1', 1, 'unterminated quoted string'],
    ['\nwww IN TXT ( "a"\n', 2, 'no closing ")"'],
    ['www IN A 1.2.3.4 )', 1, '")" without "("'],
    ['$INCLUDE other.zone', 1, '$INCLUDE is not supported'],
    ['www IN', 1, 'expected a record type'],
    ['www IN A', 1, 'A record without data'],
    ['www CH A 1.2.3.4', 1, 'class CH is not supported'],
    ['  IN A 1.2.3.4', 1, 'before any owner name'],
    ['$TTL soon', 1, '$TTL takes one TTL'],
  ])('refuses %j at line %i', (text, line, problem) => {
    try {
      parse(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ZoneFileSyntaxError);
      expect((e as ZoneFileSyntaxError).line).toBe(line);
      expect((e as ZoneFileSyntaxError).message).toContain(problem);
    }
  });

  it('caps the number of records', () => {
    expect(() => parseZoneFile('a IN A 192.0.2.1\nb IN A 192.0.2.2\n', { origin: APEX, maxRecords: 1 })).toThrow('line 2: more than 1 records');
  });

  it('reads TTL units', () => {
    expect(parseTtl('300')).toBe(300);
    expect(parseTtl('1h30m')).toBe(5400);
    expect(parseTtl('2D')).toBe(172800);
    expect(parseTtl('1h30')).toBeNull();
    expect(parseTtl('h')).toBeNull();
    expect(parseTtl('99999999999')).toBeNull();
  });

  it('stays linear on hostile lines (a long digit run, many quotes, deep blanks)', () => {
    // Each would take exponential or quadratic time in a backtracking line pattern; here the whole
    // pass is one scan, so these finish (the test has no timing assertion: a super-linear reader
    // would hang the run instead).
    const digits = `a ${'1'.repeat(200_000)} !`;
    expect(() => parse(digits)).toThrow(ZoneFileSyntaxError);
    const quotes = `t IN TXT ${'"x" '.repeat(4_000)}`;
    expect(parse(quotes)[0]!.rdata).toHaveLength(4_000);
    const blanks = `a${' '.repeat(500_000)}IN A 192.0.2.1`;
    expect(parse(blanks)[0]!.type).toBe('A');
  });
});

describe('zoneFileToRecordSets', () => {
  it('groups values into sets, resolves relative targets and skips apex SOA and NS', () => {
    const parsed = zoneFileToRecordSets(SAMPLE, 'example.com', R53);
    expect(parsed.skipped).toBe(2);
    const byKey = Object.fromEntries(parsed.sets.map((s) => [`${s.name} ${s.type}`, s]));
    expect(byKey['www.example.com. A']).toEqual({ name: 'www.example.com.', type: 'A', ttl: 3600, values: ['192.0.2.1', '192.0.2.2'] });
    expect(byKey['mx.example.com. MX']!.values).toEqual(['10 mail.example.com.']);
    expect(byKey['1.2.example.com. PTR']!.values).toEqual(['host.example.com.']);
    expect(byKey['alias.example.com. CNAME']!.values).toEqual(['www.example.com.']);
    expect(byKey['txt.example.com. TXT']!.values).toEqual(['"hello; worldsecond \\"q\\" str"']);
    expect(byKey['paren.example.com. TXT']!.values).toEqual(['"ab"']);
    expect(byKey['example.com. CAA']!.values).toEqual(['0 issue "letsencrypt.org"']);
    expect(parsed.lines.slice(0, 3)).toEqual([8, 10, 11]);
  });

  it('honours the proxied annotation on Cloudflare zones only', () => {
    const file = 'www 1 IN A 192.0.2.1 ; cloudlink:proxied\n';
    expect(zoneFileToRecordSets(file, 'example.com', CF).sets[0]).toEqual({ name: 'www.example.com.', type: 'A', ttl: 1, values: ['192.0.2.1'], proxied: true });
    expect(zoneFileToRecordSets(file, 'example.com', R53).sets[0]).toEqual({ name: 'www.example.com.', type: 'A', ttl: 1, values: ['192.0.2.1'] });
  });

  it('names the line of every problem, found by the record rules', () => {
    const file = ['www 300 IN A 192.0.2.1', 'www 300 IN A 999.1.1.1', 'x 300 IN NS ns.example.net.', 'y 300 IN A 192.0.2.1', 'y 600 IN A 192.0.2.2', 'z.other.org. 300 IN A 192.0.2.3', 'big 90000 IN A 192.0.2.4'].join('\n');
    expect(failure(() => zoneFileToRecordSets(file, 'example.com', R53))).toEqual([
      'zoneFile: line 5: TTL 600 differs from 300 of the same A set at line 4',
      'zoneFile: line 2: A values[1] "999.1.1.1" is not a valid IPv4 address',
      'zoneFile: line 3: NS recordType NS records are managed automatically',
      'zoneFile: line 6: A recordName "z.other.org." is not in zone example.com',
      'zoneFile: line 7: A ttl must be an integer between 1 and 86400',
    ]);
  });

  it('turns a syntax error into 400 naming the line', () => {
    expect(failure(() => zoneFileToRecordSets('ok 300 IN A 192.0.2.1\nbad IN TXT "open\n', 'example.com', R53))).toEqual(['zoneFile: line 2: unterminated quoted string']);
  });
});

describe('export lines', () => {
  const apex = APEX;
  const set = (over: Partial<RecordSet>): RecordSet => ({ name: 'www.example.com.', type: 'A', ttl: 300, values: ['192.0.2.2', '192.0.2.1'], ...over });

  it('writes one line per value, relative names, sorted values, TXT as quoted strings', () => {
    expect(zoneFileLines(set({}), apex)).toBe('www 300 IN A 192.0.2.1\nwww 300 IN A 192.0.2.2\n');
    expect(zoneFileLines(set({ name: apex, type: 'MX', values: ['10 mail.example.com.'] }), apex)).toBe('@ 300 IN MX 10 mail.example.com.\n');
    const long = `"${'a'.repeat(255)}" "b"`;
    expect(zoneFileLines(set({ type: 'TXT', values: [long] }), apex)).toBe(`www 300 IN TXT ${long}\n`);
    expect(zoneFileLines(set({ proxied: true, ttl: 1, values: ['192.0.2.1'] }), apex)).toBe('www 1 IN A 192.0.2.1 ; cloudlink:proxied\n');
  });

  it('keeps apex SOA/NS as records, and writes alias, routing-policy and other sets as comments', () => {
    expect(zoneFileLines(set({ name: apex, type: 'NS', ttl: 172800, values: ['ns1.example.net.'] }), apex)).toBe('@ 172800 IN NS ns1.example.net.\n');
    expect(zoneFileLines(set({ type: 'NS', values: ['ns1.example.net.'] }), apex)).toBe(';; unsupported www 300 IN NS ns1.example.net.\n');
    expect(zoneFileLines(set({ routingPolicy: true, values: ['192.0.2.1'] }), apex)).toBe(';; routing-policy www 300 IN A 192.0.2.1\n');
    expect(zoneFileLines(set({ ttl: null, alias: { hostedZoneId: 'Z2', dnsName: 'd.cloudfront.net.', evaluateTargetHealth: false } }), apex)).toBe(
      ';; alias www A -> d.cloudfront.net. (hostedZoneId Z2, evaluateTargetHealth false)\n',
    );
  });

  it('reads back what it writes', () => {
    const sets: RecordSet[] = [
      set({}),
      set({ name: 'mail.example.com.', type: 'MX', ttl: 600, values: ['10 mx1.example.net.', '20 mx2.example.net.'] }),
      set({ name: '_sip._tcp.example.com.', type: 'SRV', values: ['10 5 5060 sip.example.com.'] }),
      set({ name: 'txt.example.com.', type: 'TXT', values: [`"${'x'.repeat(255)}" "${'y'.repeat(100)}"`, '"semi;colon \\"quoted\\""'] }),
      set({ name: '*.example.com.', type: 'CNAME', values: ['www.example.com.'] }),
      set({ name: apex, type: 'CAA', values: ['0 issue "letsencrypt.org"'] }),
    ];
    const text = zoneFileHeader('example.com', 'route53') + sets.map((s) => zoneFileLines(s, apex)).join('');
    const back = zoneFileToRecordSets(text, 'example.com', R53).sets;
    expect(back).toEqual(sets.map((s) => ({ ...s, values: [...s.values].sort() })));
  });
});
