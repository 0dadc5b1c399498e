import { describe, expect, it } from 'vitest';
import { kindOfStatus, parseRetryAfter } from '../src/shared/index.js';

describe('kindOfStatus: the one status table of every provider and connector', () => {
  it.each([
    [401, 'unauthorized'],
    [403, 'refused'],
    [404, 'not-found'],
    [409, 'conflict'],
    [429, 'throttled'],
    [408, 'transient'],
    [400, 'invalid-input'],
    [405, 'invalid-input'],
    [413, 'invalid-input'],
    [422, 'invalid-input'],
    [500, 'transient'],
    [502, 'transient'],
    [503, 'transient'],
    [504, 'transient'],
    [302, 'transient'],
    [200, 'transient'],
  ] as const)('%i → %s', (status, kind) => {
    expect(kindOfStatus(status)).toBe(kind);
  });

  it('a call that got no answer at all is transient', () => {
    expect(kindOfStatus(undefined)).toBe('transient');
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2030-01-01T00:00:00.000Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter(' 120 ', now)).toBe(120);
  });

  it('reads an IMF-fixdate as the seconds until it, rounded up', () => {
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', new Date('2029-12-31T23:59:59.500Z'))).toBe(31);
  });

  it('reads the obsolete RFC 850 and asctime forms', () => {
    expect(parseRetryAfter('Tuesday, 01-Jan-30 00:01:00 GMT', now)).toBe(60);
    expect(parseRetryAfter('Tue Jan  1 00:00:05 2030', now)).toBe(5);
    expect(parseRetryAfter('Tue Jan 15 00:00:00 2030', now)).toBe(14 * 86_400);
  });

  it('a date in the past means retry now: 0', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(0);
    expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(0);
  });

  it('anything else is no hint at all: undefined', () => {
    for (const value of [null, undefined, '', 'garbage', '-5', '1.5', '5s', '0x10', '2030-01-01T00:00:30Z', 'Tue, 31 Feb 2030 00:00:00 GMT', 'Tue, 01 Jan 2030 25:00:00 GMT', 'Tue, 01 Jan 2030 00:00:30 UTC', '99999999999999999999']) {
      expect(parseRetryAfter(value, now), String(value)).toBeUndefined();
    }
  });
});
