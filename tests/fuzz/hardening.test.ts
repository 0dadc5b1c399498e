import { expect, it } from 'vitest';
import { REST_ROUTES, type RestRoute } from '@cloudlink/express-adapter';
import { describeBackends } from '../harness/index.js';
import { paramNames, paramValue } from './cases.js';
import { useFuzzWorld, type Exchange } from './guard.js';
import { encodeJson } from './values.js';
import { SEEDS } from './seeds.js';
import type { World } from './world.js';

/**
 * Forged and oversized requests, over every write route: a query string cannot stand in for the
 * JSON body (a cross-site HTML form cannot preflight), a body that is not JSON is 415 rather than
 * read as `{}`, and the shipped tRPC mount refuses a body over 5 MB. Each failed before the
 * hardening of these paths (written against that code, where they were `it.fails`).
 */

const WRITES = REST_ROUTES.filter((r) => r.method !== 'GET');

function pathOf(w: World, route: RestRoute): string {
  const seed = SEEDS[route.operation](w);
  const path = paramNames(route.path).reduce((p, n) => p.replace(`:${n}`, encodeURIComponent(String(paramValue(w, seed, n, 'valid')))), route.path);
  return `/api${path}`;
}

function queryOf(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(typeof v === 'string' ? v : encodeJson(v))}`)
    .join('&');
}

describeBackends('fuzz: forged and oversized writes', (backend) => {
  const fuzz = useFuzzWorld(backend);

  const auth = () => ({ authorization: `Bearer ${fuzz.world().owner.token}` });

  /** Send, hold to the fuzz invariants, and return a failure line when `ok` says the reply is wrong. */
  async function expectRefused(x: Exchange, ok: (status: number, body: unknown) => boolean, what: string): Promise<string | null> {
    try {
      const reply = await fuzz.guard().exchange(x, { transport: 'rest', write: true, mustFail: what });
      return ok(reply.status, reply.json) ? null : `${x.method} ${x.path}: ${what} → ${reply.status} ${reply.text.slice(0, 200)}`;
    } catch (e) {
      return (e as Error).message.split('\n').slice(0, 4).join(' | ');
    }
  }

  it('a query string cannot stand in for the JSON body (cross-site form posts)', async () => {
    const failures: string[] = [];
    for (const route of WRITES) {
      const seed = SEEDS[route.operation](fuzz.world());
      if (!seed.body || Object.keys(seed.body).length === 0) continue;
      const path = pathOf(fuzz.world(), route);
      const documented = new URLSearchParams(seed.query ?? {}).toString();
      // Only where the body matters: the same request without it must be refused.
      const bare = await fuzz.guard().exchange({ method: route.method, path: `${path}${documented ? `?${documented}` : ''}`, headers: auth() }, { transport: 'rest', write: true });
      if (bare.status < 400) continue;
      const forged = `${path}?${[documented, queryOf(seed.body)].filter(Boolean).join('&')}`;
      for (const x of [
        { method: route.method, path: forged, headers: auth() },
        { method: route.method, path: forged, headers: { ...auth(), 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(queryOf(seed.body)) },
      ]) {
        const f = await expectRefused(x, (s) => s >= 400 && s < 500, 'body fields given in the query string were used');
        if (f) failures.push(f);
      }
    }
    expect(failures).toEqual([]);
  });

  it('a write with a body that is not JSON answers 415 Unsupported media type', async () => {
    const failures: string[] = [];
    for (const route of WRITES) {
      const seed = SEEDS[route.operation](fuzz.world());
      const text = encodeJson(seed.body ?? { any: 'thing' });
      for (const headers of [{ 'content-type': 'text/plain' }, { 'content-type': 'application/x-www-form-urlencoded' }, {}] as Record<string, string>[]) {
        const x = { method: route.method, path: pathOf(fuzz.world(), route), headers: { ...(route.public ? {} : auth()), ...headers }, body: Buffer.from(text) };
        const f = await expectRefused(x, (s, b) => s === 415 && (b as { error?: unknown })?.error === 'Unsupported media type', `a ${headers['content-type'] ?? 'untyped'} body was accepted`);
        if (f) failures.push(f);
      }
    }
    expect(failures).toEqual([]);
  });

  it('tRPC refuses a body over 5 MB with 413 Payload too large', async () => {
    const x = {
      method: 'POST',
      path: '/trpc/workspaces.create',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ name: 'x'.repeat(6 * 1024 * 1024) })),
    };
    const reply = await fuzz.guard().exchange(x, { transport: 'trpc', write: true, mustFail: 'a 6 MB tRPC body was read' });
    expect(reply.status).toBe(413);
    expect((reply.json as { error: { data: { cloudlink: unknown } } }).error.data.cloudlink).toEqual({ error: 'Payload too large', message: 'Request body exceeds 5 MB' });
  });
});
