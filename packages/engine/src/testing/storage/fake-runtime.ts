import type { Clock, Random } from '../../ports/runtime.js';

/** A Clock whose time moves only when told to. */
export interface FakeClock extends Clock {
  /** Move time forward by `ms`. */
  advance(ms: number): void;
  /** Jump to an instant. */
  set(at: Date): void;
  /** Total milliseconds passed to `sleep` so far (e.g. retry backoff), for assertions. */
  readonly slept: number;
}

/** The instant a fake clock starts at unless told otherwise. */
export const FAKE_CLOCK_START = new Date('2024-01-15T10:30:00.000Z');

/**
 * A fake clock starting at `start` (default 2024-01-15T10:30:00.000Z). `sleep(ms)` advances the
 * fake time by `ms` and resolves at once, so retry backoff costs no wall time; an aborted signal
 * rejects with its reason, as the real clock does.
 */
export function createFakeClock(start: Date = FAKE_CLOCK_START): FakeClock {
  let at = start.getTime();
  let slept = 0;
  return {
    now: () => new Date(at),
    advance(ms) {
      at += ms;
    },
    set(date) {
      at = date.getTime();
    },
    get slept() {
      return slept;
    },
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason;
      at += ms;
      slept += ms;
    },
  };
}

/** mulberry32: tiny, fast, and good enough for reproducible test data (not for secrets). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * A deterministic Random: the same seed yields the same bytes, fractions and UUIDs, so external
 * ids, tokens and jitter are reproducible in tests. Never use outside tests.
 */
export function createSeededRandom(seed = 1): Random {
  const next = mulberry32(seed);
  const bytes = (n: number) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
    return out;
  };
  return {
    bytes,
    fraction: next,
    uuid() {
      const b = bytes(16);
      b[6] = (b[6]! & 0x0f) | 0x40;
      b[8] = (b[8]! & 0x3f) | 0x80;
      const hex = Buffer.from(b).toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
  };
}
