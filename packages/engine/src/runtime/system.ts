import { randomBytes, randomUUID, randomInt } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock, Logger, Random } from '../ports/runtime.js';

/** The real clock. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : undefined),
};

/** Randomness from node:crypto. */
export const systemRandom: Random = {
  bytes: (n) => new Uint8Array(randomBytes(n)),
  fraction: () => randomInt(0, 2 ** 32) / 2 ** 32,
  uuid: () => randomUUID(),
};

/** A logger that drops everything; the default when the host passes none. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
