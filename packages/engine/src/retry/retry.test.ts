import { describe, expect, it } from 'vitest';
import { ProviderCallError, type ProviderFailureKind } from '../ports/provider-error.js';
import { DEFAULT_RETRY_POLICY, withRetry } from './retry.js';

const failure = (kind: ProviderFailureKind, retryAfter?: number) =>
  new ProviderCallError({ provider: 'test', call: 'Call', code: kind, message: 'no', kind, ...(retryAfter !== undefined && { retryAfter }) });

function harness(outcomes: Array<Error | string>) {
  const slept: number[] = [];
  let calls = 0;
  const call = async () => {
    const next = outcomes[calls++];
    if (next instanceof Error) throw next;
    return next ?? 'done';
  };
  const options = { clock: { sleep: async (ms: number) => void slept.push(ms) }, random: { fraction: () => 0.5 } };
  return { call, options, slept, calls: () => calls };
}

describe('withRetry', () => {
  it('retries throttling with full-jitter backoff, capped and bounded by maxAttempts', async () => {
    const h = harness(Array.from({ length: 5 }, () => failure('throttled')));
    await expect(withRetry(h.call, { ...h.options, safeToResend: false })).rejects.toMatchObject({ kind: 'throttled' });
    expect(h.calls()).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
    expect(h.slept).toEqual([250, 500, 1000, 2000]);
  });

  it('honours Retry-After up to 20 s and stops at once on a longer one', async () => {
    const h = harness([failure('throttled', 3), 'ok']);
    expect(await withRetry(h.call, { ...h.options, safeToResend: true })).toBe('ok');
    expect(h.slept).toEqual([3000]);
    const long = harness([failure('throttled', 60), 'ok']);
    await expect(withRetry(long.call, { ...long.options, safeToResend: true })).rejects.toMatchObject({ retryAfter: 60 });
    expect(long.calls()).toBe(1);
  });

  it('resends after a transient failure only when safe', async () => {
    const safe = harness([failure('transient'), 'ok']);
    expect(await withRetry(safe.call, { ...safe.options, safeToResend: true })).toBe('ok');
    const unsafe = harness([failure('transient'), 'ok']);
    await expect(withRetry(unsafe.call, { ...unsafe.options, safeToResend: false })).rejects.toMatchObject({ kind: 'transient' });
    expect(unsafe.calls()).toBe(1);
  });

  it('never retries a verdict or a foreign error', async () => {
    for (const error of [failure('refused'), failure('invalid-input'), new Error('bug')]) {
      const h = harness([error, 'ok']);
      await expect(withRetry(h.call, { ...h.options, safeToResend: true })).rejects.toBe(error);
      expect(h.calls()).toBe(1);
    }
  });

  describe('read-back of unsafe writes', () => {
    it('returns the read-back value when the write went through', async () => {
      const h = harness([failure('transient'), 'resent']);
      const result = await withRetry(h.call, { ...h.options, safeToResend: false, readBack: async () => ({ applied: true, value: 'applied' }) });
      expect(result).toBe('applied');
      expect(h.calls()).toBe(1);
    });

    it('resends after the backoff when the write did not happen', async () => {
      const h = harness([failure('transient'), 'resent']);
      expect(await withRetry(h.call, { ...h.options, safeToResend: false, readBack: async () => ({ applied: false }) })).toBe('resent');
      expect(h.slept).toEqual([375]);
    });

    it('waits the backoff before reading back, since the provider may still be applying the write', async () => {
      const events: string[] = [];
      const h = harness([failure('transient'), failure('transient'), 'resent']);
      const clock = { sleep: async (ms: number) => void events.push(`sleep ${ms}`) };
      const readBack = async () => {
        events.push('readBack');
        return { applied: false as const };
      };
      expect(await withRetry(h.call, { ...h.options, clock, safeToResend: false, readBack })).toBe('resent');
      expect(events).toEqual(['sleep 375', 'readBack', 'sleep 750', 'readBack']);
      expect(h.calls()).toBe(3);
    });

    it('never waits less than half the backoff ceiling before a read-back, whatever the jitter', async () => {
      const slept: number[] = [];
      const h = harness([failure('transient'), 'resent']);
      const options = { clock: { sleep: async (ms: number) => void slept.push(ms) }, random: { fraction: () => 0 }, safeToResend: false };
      await withRetry(h.call, { ...options, readBack: async () => ({ applied: true, value: 'applied' }) });
      expect(slept).toEqual([250]);
    });

    it('rethrows the original failure when the read-back cannot tell', async () => {
      const original = failure('transient');
      for (const readBack of [async () => undefined, async () => Promise.reject(new Error('read failed'))]) {
        const h = harness([original, 'resent']);
        await expect(withRetry(h.call, { ...h.options, safeToResend: false, readBack })).rejects.toBe(original);
        expect(h.calls()).toBe(1);
      }
    });

    it('is not consulted after throttling, which means the provider did not act', async () => {
      let reads = 0;
      const h = harness([failure('throttled'), 'resent']);
      const readBack = async () => {
        reads++;
        return { applied: true as const, value: 'applied' };
      };
      expect(await withRetry(h.call, { ...h.options, safeToResend: false, readBack })).toBe('resent');
      expect(reads).toBe(0);
    });
  });
});
