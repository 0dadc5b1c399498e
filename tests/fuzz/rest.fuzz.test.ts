import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REST_ROUTES } from '@cloudlink/express-adapter';
import { describeBackends } from '../harness/index.js';
import { restCase, restExchange } from './cases.js';
import { announceSeed, FUZZ_RUNS, fuzzParameters } from './config.js';
import { Guard } from './guard.js';
import { SEEDS } from './seeds.js';
import { startWorld, type World } from './world.js';

/**
 * Every REST route of `REST_ROUTES` (so a new route is fuzzed without touching this file) gets
 * generated path parameters, query strings, bodies up to and past the 5 MB limit, content types and
 * callers. Invariants: never 5xx; every error is `{ error, message }` (+ documented extras); a
 * rejected request changes no row; acme's owner never succeeds on an object of another tenant.
 */
describeBackends('fuzz: REST routes', (backend) => {
  let w: World;
  let guard: Guard;
  const sent = new Map<string, number>();
  beforeAll(async () => {
    announceSeed();
    w = await startWorld(backend);
    guard = new Guard(w);
  });
  afterAll(async () => {
    if (guard?.tolerated.size) console.warn(`fuzz [${backend}] reproduced known defects:`, Object.fromEntries(guard.tolerated));
    if (process.env.FUZZ_STATS) console.warn([...guard.stats].sort().map(([k, n]) => `${n}\t${k}`).join('\n'));
    await w?.close();
  });

  it('has a seed for every route of REST_ROUTES', () => {
    expect(REST_ROUTES.filter((r) => !(r.operation in SEEDS)).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  for (const route of REST_ROUTES) {
    const name = `${route.method} ${route.path}`;
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(restCase(w, route), async (c) => {
          const { exchange, foreign } = restExchange(w, route, c);
          sent.set(name, (sent.get(name) ?? 0) + 1);
          await guard.exchange(exchange, {
            transport: 'rest',
            write: (c.method ?? route.method) !== 'GET',
            label: name,
            ...(foreign && c.token === 'owner' && !route.public ? { mustFail: "acme's owner reached an object of another workspace" } : {}),
          });
        }),
        fuzzParameters(),
      );
    }, 180_000);
  }

  it('sent generated requests to every route', () => {
    const missed = REST_ROUTES.map((r) => `${r.method} ${r.path}`).filter((n) => (sent.get(n) ?? 0) < FUZZ_RUNS);
    expect(missed).toEqual([]);
  });
});
