import fc from 'fast-check';
import { expect, it } from 'vitest';
import { REST_ROUTES } from '@cloudlink/express-adapter';
import { describeBackends } from '../harness/index.js';
import { restCase, restExchange } from './cases.js';
import { FUZZ_RUNS, fuzzParameters } from './config.js';
import { useFuzzWorld } from './guard.js';
import { SEEDS } from './seeds.js';

/**
 * Every REST route of `REST_ROUTES` (so a new route is fuzzed without touching this file) gets
 * generated path parameters, query strings, bodies up to and past the 5 MB limit, content types and
 * callers. Invariants: never 5xx; every error is `{ error, message }` (+ documented extras); a
 * rejected request changes no row; acme's owner never succeeds on an object of another tenant.
 */
describeBackends('fuzz: REST routes', (backend) => {
  const fuzz = useFuzzWorld(backend);
  const sent = new Map<string, number>();

  it('has a seed for every route of REST_ROUTES', () => {
    expect(REST_ROUTES.filter((r) => !(r.operation in SEEDS)).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  for (const route of REST_ROUTES) {
    const name = `${route.method} ${route.path}`;
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(restCase(fuzz.world(), route), async (c) => {
          const { exchange, foreign } = restExchange(fuzz.world(), route, c);
          sent.set(name, (sent.get(name) ?? 0) + 1);
          await fuzz.guard().exchange(exchange, {
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
