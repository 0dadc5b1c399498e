import fc from 'fast-check';
import { expect, it } from 'vitest';
import { REST_ROUTES, type RestRoute } from '@cloudlink/express-adapter';
import { createCloudlinkRouter } from '@cloudlink/trpc-router';
import { describeBackends } from '../harness/index.js';
import { trpcCase, trpcExchange } from './cases.js';
import { FUZZ_RUNS, fuzzParameters } from './config.js';
import { useFuzzWorld } from './guard.js';

/**
 * Every procedure of the tRPC router, read from the router itself (`_def.procedures`), so a new
 * procedure is fuzzed without touching this file. Its seed input is the REST route of the same
 * engine operation (path params + query + body merged, as the router takes them); a procedure
 * without such a route fails the coverage test. Requests: native GET/POST, batches of two, the
 * wrong method; the same invariants as REST, read from each item's `data.cloudlink`.
 */

interface ProcedureInfo {
  readonly name: string;
  readonly kind: 'query' | 'mutation';
}

function procedures(): ProcedureInfo[] {
  // The engine is never called: the router is built only to list its procedures.
  const router = createCloudlinkRouter({ engine: {} as never }) as unknown as { _def: { procedures: Record<string, { _def: { type: string } }> } };
  return Object.entries(router._def.procedures).map(([name, p]) => ({ name, kind: p._def.type === 'query' ? 'query' : 'mutation' }));
}

const PROCEDURES = procedures();
const routeOf = (name: string): RestRoute | undefined => REST_ROUTES.find((r) => r.operation === name);

describeBackends('fuzz: tRPC procedures', (backend) => {
  const fuzz = useFuzzWorld(backend);
  const sent = new Map<string, number>();

  it('lists the procedures of the router, each with a REST route to seed it', () => {
    expect(PROCEDURES.length).toBeGreaterThan(25);
    expect(PROCEDURES.filter((p) => !routeOf(p.name)).map((p) => p.name)).toEqual([]);
  });

  for (const { name, kind } of PROCEDURES) {
    const route = routeOf(name);
    if (!route) continue;
    it(`${kind} ${name}`, async () => {
      await fc.assert(
        fc.asyncProperty(trpcCase(fuzz.world(), route), async (c) => {
          const { exchange, foreign } = trpcExchange(fuzz.world(), route, name, kind, c);
          sent.set(name, (sent.get(name) ?? 0) + 1);
          await fuzz.guard().exchange(exchange, {
            transport: 'trpc',
            write: kind === 'mutation',
            label: name,
            ...(foreign && c.token === 'owner' ? { mustFail: "acme's owner reached an object of another workspace" } : {}),
          });
        }),
        fuzzParameters(),
      );
    }, 180_000);
  }

  it('sent generated requests to every procedure', () => {
    expect(PROCEDURES.map((p) => p.name).filter((n) => (sent.get(n) ?? 0) < FUZZ_RUNS)).toEqual([]);
  });
});
