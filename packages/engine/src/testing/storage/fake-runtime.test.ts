import { describe, expect, it } from 'vitest';
import { createFakeClock, createSeededRandom, FAKE_CLOCK_START } from './fake-runtime.js';
import { createTestSecretBox } from './test-secret-box.js';

describe('createFakeClock', () => {
  it('starts at the given instant (default 2024-01-15T10:30:00.000Z) and moves only when told', () => {
    expect(createFakeClock().now()).toEqual(FAKE_CLOCK_START);
    const clock = createFakeClock(new Date('2030-01-01T00:00:00.000Z'));
    clock.advance(1500);
    expect(clock.now().toISOString()).toBe('2030-01-01T00:00:01.500Z');
    clock.set(new Date('2031-01-01T00:00:00.000Z'));
    expect(clock.now().toISOString()).toBe('2031-01-01T00:00:00.000Z');
  });

  it('hands out fresh Dates', () => {
    const clock = createFakeClock();
    clock.now().setTime(0);
    expect(clock.now()).toEqual(FAKE_CLOCK_START);
  });

  it('sleeps instantly, advancing time and counting what was slept', async () => {
    const clock = createFakeClock();
    const started = performance.now();
    await clock.sleep(60_000);
    await clock.sleep(250);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(clock.slept).toBe(60_250);
    expect(clock.now().getTime() - FAKE_CLOCK_START.getTime()).toBe(60_250);
  });

  it('rejects a sleep whose signal is aborted, without advancing', async () => {
    const clock = createFakeClock();
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(clock.sleep(1000, controller.signal)).rejects.toThrow('cancelled');
    expect(clock.slept).toBe(0);
  });
});

describe('createSeededRandom', () => {
  it('repeats for the same seed and differs for another', () => {
    const a = createSeededRandom(7);
    const b = createSeededRandom(7);
    const c = createSeededRandom(8);
    const draw = (r: ReturnType<typeof createSeededRandom>) => [Buffer.from(r.bytes(8)).toString('hex'), r.fraction(), r.uuid()];
    const first = draw(a);
    expect(draw(b)).toEqual(first);
    expect(draw(c)).not.toEqual(first);
    expect(draw(a)).not.toEqual(first);
  });

  it('produces well-formed values', () => {
    const r = createSeededRandom(42);
    expect(r.bytes(32)).toHaveLength(32);
    for (let i = 0; i < 100; i++) {
      const f = r.fraction();
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
      expect(r.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});

describe('createTestSecretBox', () => {
  it('seals with kid "test" and opens across instances', () => {
    const sealed = createTestSecretBox().seal('secret', 'cloudlink:resources.secret_data');
    expect(sealed.startsWith('v1:test:')).toBe(true);
    expect(createTestSecretBox().open(sealed, 'cloudlink:resources.secret_data')).toBe('secret');
  });
});
