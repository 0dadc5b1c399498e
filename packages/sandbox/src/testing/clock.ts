import type { Clock, Random } from '@cloudlink/engine';

/** A clock whose `sleep` returns at once and records the requested delays, so retry tests never wait. */
export interface InstantClock extends Pick<Clock, 'now' | 'sleep'> {
  readonly sleeps: number[];
}

export function createInstantClock(start = new Date('2030-01-01T00:00:00.000Z')): InstantClock {
  const sleeps: number[] = [];
  let now = start.getTime();
  return {
    sleeps,
    now: () => new Date(now),
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** Jitter fixed at the middle of the range. */
export const halfRandom: Pick<Random, 'fraction'> = { fraction: () => 0.5 };
