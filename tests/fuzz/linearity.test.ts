import { expect, it } from 'vitest';
import { describeBackends } from '../harness/index.js';
import { useFuzzWorld, type Exchange } from './guard.js';
import { send } from './http.js';
import { describeRatio, MAX_RATIO, workRatio } from './work.js';
import type { World } from './world.js';

/**
 * The work of one request grows at most linearly with its size: each expensive input is sent at
 * size n and 4n in the same run and the CPU ratio must stay under `MAX_RATIO` (see work.ts). The
 * large request is also held to the fuzz invariants (no 5xx, documented error, no row changed).
 */

interface Case {
  readonly name: string;
  /** Size n; the large request is built with 4n. */
  readonly n: number;
  readonly build: (w: World, size: number) => Exchange;
}

const json = (w: World, method: string, path: string, body: string): Exchange => ({
  method,
  path,
  headers: { authorization: `Bearer ${w.owner.token}`, 'content-type': 'application/json' },
  body: Buffer.from(body),
});
const records = (w: World) => `/api/shop/master/dns/${w.targets.r53Id}/records`;
const recordBody = (type: string, values: string[]) => JSON.stringify({ recordName: 'big', recordType: type, values });

const CASES: Case[] = [
  {
    name: 'POST …/records with n records whose values are invalid',
    n: 2_500,
    build: (w, n) => json(w, 'POST', records(w), JSON.stringify({ records: Array.from({ length: n }, (_, i) => ({ recordName: `r${i}`, recordType: 'A', values: ['not-an-ip'] })) })),
  },
  {
    name: 'DELETE …/records with n records of unknown names',
    n: 2_500,
    build: (w, n) => json(w, 'DELETE', records(w), JSON.stringify({ records: Array.from({ length: n }, (_, i) => ({ recordName: `gone${i}`, recordType: 'TXT', values: ['"x"'] })) })),
  },
  {
    name: 'POST …/records with a long TXT value full of quotes and escapes',
    // Under the 4 000-character cap at 4n, so the TXT parser itself is what is measured.
    n: 600,
    build: (w, n) => json(w, 'POST', records(w), recordBody('TXT', ['"a\\" " '.repeat(n / 8).slice(0, n)])),
  },
  {
    name: 'POST …/records with a long SRV value of whitespace',
    n: 16_000,
    build: (w, n) => json(w, 'POST', records(w), recordBody('SRV', [`1 2 3 ${' \t'.repeat(n / 2)}x`])),
  },
  {
    name: 'POST …/records with a long record name of labels',
    n: 16_000,
    build: (w, n) => json(w, 'POST', records(w), JSON.stringify({ recordName: 'a.'.repeat(n / 2), recordType: 'A', values: ['192.0.2.1'] })),
  },
  {
    name: 'POST /workspaces with a deeply nested name',
    n: 50_000,
    build: (w, n) => json(w, 'POST', '/api/workspaces', `{"name":${'['.repeat(n)}${']'.repeat(n)}}`),
  },
  {
    name: 'POST /workspaces with n unknown keys (and __proto__ keys)',
    n: 20_000,
    build: (w, n) => json(w, 'POST', '/api/workspaces', `{${Array.from({ length: n }, (_, i) => `"${i % 7 === 0 ? '__proto__' : `k${i}`}":${i}`).join(',')},"name":7}`),
  },
  {
    name: 'POST /workspaces with a name of n bytes',
    n: 1_000_000,
    build: (w, n) => json(w, 'POST', '/api/workspaces', JSON.stringify({ name: 'x'.repeat(n) })),
  },
  {
    name: 'GET …/resources with a query of n repeated and nested keys',
    n: 250,
    build: (w, n) => ({
      method: 'GET',
      path: `/api/shop/master/resources?${Array.from({ length: n }, (_, i) => (i % 2 ? 'type=dns' : `a[b${i}]=c`)).join('&')}`,
      headers: { authorization: `Bearer ${w.owner.token}` },
    }),
  },
  {
    name: 'tRPC dns.upsertRecords with n invalid records',
    n: 2_500,
    build: (w, n) =>
      json(
        w,
        'POST',
        '/trpc/dns.upsertRecords',
        JSON.stringify({ projectSlug: 'shop', environmentSlug: 'master', id: w.targets.r53Id, records: Array.from({ length: n }, (_, i) => ({ recordName: `r${i}`, recordType: 'MX', values: ['no priority'] })) }),
      ),
  },
  {
    name: 'tRPC workspaces.create with a deeply nested input',
    n: 50_000,
    build: (w, n) => json(w, 'POST', '/trpc/workspaces.create', `{"name":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`),
  },
  {
    name: 'tRPC batch of n failing members.add calls (within the 10-call limit)',
    n: 2,
    build: (w, n) => {
      const batch = Object.fromEntries(Array.from({ length: n }, (_, i) => [i, { workspaceSlug: 'acme', email: `nobody${i}@example.com`, role: 'dev' }]));
      return json(w, 'POST', `/trpc/${Array.from({ length: n }, () => 'members.add').join(',')}?batch=1`, JSON.stringify(batch));
    },
  },
];

/** The CAA value pattern backtracked quadratically on `0 issue a` + spaces + `\nX` (ratio ~14 here). */
const CAA_CASE: Case = {
  name: 'POST …/records with a CAA value of n spaces',
  n: 8_000,
  build: (w, n) => json(w, 'POST', records(w), recordBody('CAA', [`0 issue a${' '.repeat(n)}\nX`])),
};

describeBackends('fuzz: work per request grows at most linearly', (backend) => {
  const fuzz = useFuzzWorld(backend);

  async function check(c: Case) {
    const small = c.build(fuzz.world(), c.n);
    const large = c.build(fuzz.world(), 4 * c.n);
    const reply = await fuzz.guard().exchange(large, { transport: large.path.startsWith('/trpc') ? 'trpc' : 'rest', write: true });
    const r = await workRatio(
      () => send(fuzz.world().server.baseUrl, small.method, small.path, small.headers, small.body),
      () => send(fuzz.world().server.baseUrl, large.method, large.path, large.headers, large.body),
    );
    if (process.env.FUZZ_STATS) console.warn(`${c.name} (4n → ${reply.status} ${reply.text.slice(0, 120)}): ${describeRatio(r)}`);
    expect(r.ratio, `${c.name} (4n → ${reply.status}): ${describeRatio(r)}`).toBeLessThanOrEqual(MAX_RATIO);
  }

  for (const c of [...CASES, CAA_CASE]) it(c.name, () => check(c), 120_000);
});
