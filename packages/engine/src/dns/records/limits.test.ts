import { describe, expect, it } from 'vitest';
import { longestPatternInput, workRatio } from '../../../../../test-support/work.js';
import { validationFailure } from '../../testing/engine-error.js';
import { MAX_NAME_LENGTH, MAX_TXT_VALUE_LENGTH, MAX_VALUE_LENGTH } from './limits.js';
import { normalizeDomainName, normalizeRecordName } from './names.js';
import { normalizeRecordSet, parseRecordsRequest } from './record-set.js';
import { normalizeTxt, txtWireForm } from './txt.js';
import { normalizeRecordValue } from './values.js';

const ZONE = 'example.com';

/** A name of exactly `length` characters under the zone: labels of 63, then the rest. */
function nameOfLength(length: number): string {
  const labels: string[] = [];
  let left = length - (ZONE.length + 1);
  while (left > 0) {
    const size = Math.min(63, left === 64 ? 62 : left);
    labels.push('a'.repeat(size));
    left -= size + 1;
  }
  return `${labels.join('.')}.${ZONE}`;
}

describe('record values: work grows linearly with the input', () => {
  // 10× the input: linear work costs at most about 10× (less with fixed overhead), quadratic 100× (measured: 2–10 against 39 for the old CAA pattern).
  it('CAA with a long run of spaces before a line break (quadratic backtracking before)', () => {
    const caa = (n: number) => normalizeRecordValue('CAA', `0 issue a${' '.repeat(n)}\nX`);
    expect(caa(1000)).toEqual({ ok: false, problem: 'CAA value must be "<flags> <tag> <value>"' });
    expect(workRatio(caa, 100, 1000)).toBeLessThan(25);
  });

  it.each([
    ['CAA', (n: number) => `0 issue "${'a'.repeat(n)}"`],
    ['CAA', (n: number) => `0${' '.repeat(n)}issue`],
    ['MX', (n: number) => `10${' '.repeat(n)}x`],
    ['SRV', (n: number) => `1 2 3${'\t'.repeat(n)}!`],
    ['TXT', (n: number) => '"a" '.repeat(n)],
    ['TXT', (n: number) => `"${'\\"'.repeat(n)}`],
    ['CNAME', (n: number) => `${'a.'.repeat(n)}!`],
  ] as const)('%s: %s', (type, make) => {
    expect(workRatio((n: number) => normalizeRecordValue(type, make(n)), 96, 960)).toBeLessThan(25);
  });

  it('record names of many labels', () => {
    expect(workRatio((n: number) => normalizeRecordName(`${'a.'.repeat(n)}-`, ZONE), 12, 120)).toBeLessThan(25);
  });
});

describe('length caps, checked before any pattern runs', () => {
  it('the reported CAA input is refused at once, naming the field', async () => {
    const value = `0 issue a${' '.repeat(64_000)}\nX`;
    const probe = await longestPatternInput(() => {
      const f = validationFailure(() => normalizeRecordSet({ recordName: '@', recordType: 'CAA', values: [value] }, ZONE));
      expect(f.message).toBe(`values[0]: must be at most ${MAX_VALUE_LENGTH} characters`);
    });
    expect(probe.longest).toBeLessThanOrEqual(MAX_VALUE_LENGTH);
  });

  it.each(['A', 'AAAA', 'CNAME', 'MX', 'SRV', 'PTR', 'CAA'] as const)(`%s values: at most ${MAX_VALUE_LENGTH} characters`, (type) => {
    expect(normalizeRecordValue(type, 'x'.repeat(MAX_VALUE_LENGTH + 1))).toEqual({ ok: false, problem: `must be at most ${MAX_VALUE_LENGTH} characters` });
    // At the cap the type's own rule answers.
    expect(normalizeRecordValue(type, 'x'.repeat(MAX_VALUE_LENGTH)).ok).toBe(false);
    expect(normalizeRecordValue(type, 'x'.repeat(MAX_VALUE_LENGTH))).not.toEqual({ ok: false, problem: `must be at most ${MAX_VALUE_LENGTH} characters` });
  });

  it(`TXT values: at most ${MAX_TXT_VALUE_LENGTH} characters as given; the longest wire form still round-trips`, () => {
    expect(normalizeRecordValue('TXT', 'a'.repeat(MAX_TXT_VALUE_LENGTH + 1))).toEqual({
      ok: false,
      problem: `must be at most ${MAX_TXT_VALUE_LENGTH} characters`,
    });
    const wire = txtWireForm('a'.repeat(3950));
    expect(wire.length).toBeLessThanOrEqual(MAX_TXT_VALUE_LENGTH);
    expect(normalizeRecordValue('TXT', wire)).toEqual({ ok: true, wire });
    expect(normalizeTxt('a'.repeat(3990))).toEqual({ ok: false, problem: 'TXT value exceeds 4000 characters once quoted' });
  });

  it('record names: 253 characters (a final dot and the \\052 escape not counted), then refused', () => {
    const longest = nameOfLength(MAX_NAME_LENGTH);
    expect(longest).toHaveLength(MAX_NAME_LENGTH);
    expect(normalizeRecordName(longest, ZONE)).toEqual({ ok: true, fqdn: `${longest}.` });
    expect(normalizeRecordName(`${longest}.`, ZONE)).toEqual({ ok: true, fqdn: `${longest}.` });
    const wildcard = `*${longest.slice(1).replace(/^a/, '.')}`;
    expect(normalizeRecordName(`\\052${wildcard.slice(1)}.`, ZONE)).toEqual({ ok: true, fqdn: `${wildcard}.` });
    expect(normalizeRecordName(`a${longest}`, ZONE)).toEqual({ ok: false, problem: `must be at most ${MAX_NAME_LENGTH} characters` });
  });

  it('an over-long record name is refused naming recordName, before any pattern sees it', async () => {
    const name = `${'a'.repeat(300_000)}!`;
    const probe = await longestPatternInput(() => {
      const f = validationFailure(() => normalizeRecordSet({ recordName: name, recordType: 'A', values: ['192.0.2.1'] }, ZONE));
      expect(f.details).toEqual([{ path: 'recordName', message: `must be at most ${MAX_NAME_LENGTH} characters` }]);
    });
    expect(probe.longest).toBeLessThanOrEqual(MAX_NAME_LENGTH + 1);
  });

  it('domain names: 253 characters, then null before any pattern runs', async () => {
    expect(normalizeDomainName(`${nameOfLength(MAX_NAME_LENGTH)}.`)).toBe(nameOfLength(MAX_NAME_LENGTH));
    const probe = await longestPatternInput(() => expect(normalizeDomainName(`${'ü'.repeat(100_000)}.com`)).toBeNull());
    expect(probe.longest).toBe(0);
  });

  it('a 5 MB batch of over-long values: every issue reported, no pattern sees more than the cap', async () => {
    const records = Array.from({ length: 5 }, (_, i) => ({ recordName: `r${i}`, recordType: i % 2 ? 'TXT' : 'CAA', values: ['x'.repeat(1_000_000)] }));
    const probe = await longestPatternInput(() => {
      const f = validationFailure(() => parseRecordsRequest({ records }, ZONE));
      expect(f.details.map((d) => d.path)).toEqual(records.map((_, i) => `records[${i}].values[0]`));
    });
    expect(probe.longest).toBeLessThanOrEqual(MAX_TXT_VALUE_LENGTH);
  });
});
