import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  autocannon,
  createEngine,
  createJwtAuth,
  createPostgresStorage,
  createSecretBox,
  createSqliteStorage,
  parseEncryptionKeys,
  type Storage,
} from '../../examples/standalone-server/bench/deps.js';
import { createTestDatabase } from '../../test-support/postgres.js';
import { seedReadFixture, type ReadFixture } from './fixture.js';
import { median } from './measure.js';
import { spawnListening, targetOf, type Target } from './processes.js';
import { spawnServer } from './startup.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const JWT_SECRET = 'bench-jwt-secret-0123456789abcdef0123456789';
const ENCRYPTION_KEYS = `b1:${Buffer.alloc(32, 7).toString('base64')}`;

/** One measured run of one target on one route. */
export interface ReadSample {
  readonly reqPerSec: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpuMicrosPerRequest: number;
  readonly rssBytes: number;
}

/** The medians over the rounds of one target on one route, and every round's req/s (the spread). */
export interface ReadResult extends ReadSample {
  readonly storage: 'SQLite' | 'Postgres';
  readonly route: string;
  readonly target: string;
  readonly rounds: readonly number[];
}

export interface ReadBenchOptions {
  readonly seconds: number;
  readonly rounds: number;
  readonly connections: number;
  readonly storages: readonly ('SQLite' | 'Postgres')[];
}

/** The product as production runs it (the built server, `node dist/main.js`), resolved once `/readyz` answers 200. */
async function spawnProduct(env: NodeJS.ProcessEnv): Promise<Target> {
  const server = await spawnServer(env);
  return targetOf('cloudlink', server.url, server.pid, server.stop);
}

/** The routes every target answers, as [label, REST path, tRPC path]. */
function routesOf(f: ReadFixture): { label: string; rest: string; trpc: string }[] {
  const trpc = (procedure: string, input: object) => `/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`;
  return [
    {
      label: `GET /api/cloud-connections/:ws (${f.connections} rows)`,
      rest: `/api/cloud-connections/${f.workspaceSlug}`,
      trpc: trpc('cloudConnections.list', { workspaceSlug: f.workspaceSlug }),
    },
    {
      label: `GET /api/:project/:env/dns (${f.zones} zones)`,
      rest: `/api/${f.projectSlug}/${f.environmentSlug}/dns`,
      trpc: trpc('dns.listZones', { projectSlug: f.projectSlug, environmentSlug: f.environmentSlug }),
    },
  ];
}

async function getJson(url: string, headers: Record<string, string>): Promise<unknown> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Refuse to time targets that do not give the same answer: the baseline must do the product's work. */
async function checkSameBodies(
  route: { label: string; rest: string; trpc: string },
  targets: readonly Target[],
  product: Target,
  headers: Record<string, string>,
): Promise<void> {
  const expected = JSON.stringify(await getJson(product.url + route.rest, headers));
  for (const t of targets) {
    const body = JSON.stringify(await getJson(t.url + route.rest, headers));
    if (body !== expected) throw new Error(`${t.name} answers ${route.label} differently from cloudlink:\n${body.slice(0, 400)}\n${expected.slice(0, 400)}`);
  }
  const viaTrpc = (await getJson(product.url + route.trpc, headers)) as { result?: { data?: unknown } };
  if (JSON.stringify(viaTrpc.result?.data) !== expected) throw new Error(`tRPC answers ${route.label} differently from REST`);
}

/** One autocannon run against `target`, with the process's CPU time and peak RSS during it. */
async function measure(target: Target, url: string, headers: Record<string, string>, opts: ReadBenchOptions): Promise<ReadSample> {
  let peakRss = target.rssBytes();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, target.rssBytes())), 250);
  const cpuBefore = target.cpuMicros();
  try {
    const r = await autocannon({ url, connections: opts.connections, duration: opts.seconds, headers });
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`${target.name} ${url}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
    const cpu = target.cpuMicros() - cpuBefore;
    return { reqPerSec: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, cpuMicrosPerRequest: cpu / r.requests.total, rssBytes: peakRss };
  } finally {
    clearInterval(sampler);
    peakRss = Math.max(peakRss, target.rssBytes());
  }
}


/**
 * Seeds one database, starts the raw node:http baseline, the Express baseline (both
 * scripts/bench/baseline-server.mjs) and the product on it, checks they answer the same bodies,
 * then runs `rounds` rounds; in each round every target is measured on every route, in an order
 * that rotates between rounds so no target always runs on a warmer or cooler machine.
 */
async function benchOneStorage(kind: 'SQLite' | 'Postgres', opts: ReadBenchOptions, log: (s: string) => void): Promise<ReadResult[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cloudlink-bench-reads-'));
  const db = kind === 'Postgres' ? await createTestDatabase('cloudlink_bench_reads') : null;
  const storage: Storage = db ? createPostgresStorage({ connectionString: db.url }) : createSqliteStorage({ filename: path.join(dir, 'cloudlink.db') });
  const targets: Target[] = [];
  try {
    await storage.migrate();
    const engine = createEngine({ storage, secrets: createSecretBox({ keys: parseEncryptionKeys(ENCRYPTION_KEYS) }), publicUrl: 'http://localhost:3000' });
    const fixture = await seedReadFixture(storage, (input) => engine.operator.seed(input));
    await engine.close();
    const token = await createJwtAuth({ secret: JWT_SECRET }).issue({ id: fixture.userId });
    const headers = { authorization: `Bearer ${token}` };
    const target = db ? db.url : path.join(dir, 'cloudlink.db');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      CLOUDLINK_JWT_SECRET: JWT_SECRET,
      CLOUDLINK_ENCRYPTION_KEYS: ENCRYPTION_KEYS,
      CLOUDLINK_DATA_DIR: dir,
      CLOUDLINK_VERIFY: 'off',
    };
    if (db) env.DATABASE_URL = db.url;
    else delete env.DATABASE_URL;
    const baseline = path.join(root, 'scripts/bench/baseline-server.mjs');
    targets.push(await spawnListening('node:http', [baseline, 'http', target], env));
    targets.push(await spawnListening('Express', [baseline, 'express', target], env));
    const product = await spawnProduct(env);
    targets.push(product);

    const routes = routesOf(fixture);
    for (const route of routes) await checkSameBodies(route, targets.slice(0, 2), product, headers);

    // Every (target, path) pair measured once per round.
    const runs = routes.flatMap((route) => [
      ...targets.map((t) => ({ route: route.label, target: t, name: t === product ? 'cloudlink REST' : t.name, url: t.url + route.rest })),
      { route: route.label, target: product, name: 'cloudlink tRPC', url: product.url + route.trpc },
    ]);
    const samples = new Map<string, ReadSample[]>();
    for (const run of runs) await measure(run.target, run.url, headers, { ...opts, seconds: 1 }); // warm-up, not kept
    for (let round = 0; round < opts.rounds; round++) {
      log(`bench: ${kind} round ${round + 1}/${opts.rounds}`);
      const shift = round % runs.length;
      for (const run of [...runs.slice(shift), ...runs.slice(0, shift)]) {
        const key = `${run.route}\u0000${run.name}`;
        samples.set(key, [...(samples.get(key) ?? []), await measure(run.target, run.url, headers, opts)]);
      }
    }
    return runs.map((run) => {
      const s = samples.get(`${run.route}\u0000${run.name}`)!;
      return {
        storage: kind,
        route: run.route,
        target: run.name,
        rounds: s.map((x) => x.reqPerSec),
        reqPerSec: median(s.map((x) => x.reqPerSec)),
        p50: median(s.map((x) => x.p50)),
        p99: median(s.map((x) => x.p99)),
        cpuMicrosPerRequest: median(s.map((x) => x.cpuMicrosPerRequest)),
        rssBytes: Math.max(...s.map((x) => x.rssBytes)),
      };
    });
  } finally {
    await Promise.all(targets.map((t) => t.stop()));
    await storage.close().catch(() => undefined);
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchReads(opts: ReadBenchOptions, log: (s: string) => void): Promise<ReadResult[]> {
  const out: ReadResult[] = [];
  for (const kind of opts.storages) out.push(...(await benchOneStorage(kind, opts, log)));
  return out;
}

/** The goals the read benchmarks hold the product to, checked on every (storage, route). */
export const READ_GOALS = { restVsExpress: 0.8, trpcVsRest: 0.8, p99VsExpress: 1.5, rssVsExpress: 1.5 } as const;

const mib = (b: number) => `${(b / 1048576).toFixed(0)} MiB`;

/** The table of `pnpm bench`'s read section: every target, then the ratios against the goals. */
export function formatReads(results: readonly ReadResult[]): string {
  const lines: string[] = [];
  const groups = new Map<string, ReadResult[]>();
  for (const r of results) groups.set(`${r.storage} · ${r.route}`, [...(groups.get(`${r.storage} · ${r.route}`) ?? []), r]);
  for (const [title, rows] of groups) {
    lines.push('', title);
    const header = ['target', 'req/s', 'rounds', 'p50 ms', 'p99 ms', 'CPU µs/req', 'RSS'];
    const cells = rows.map((r) => [
      r.target,
      Math.round(r.reqPerSec).toLocaleString('en-US'),
      r.rounds.map((x) => Math.round(x)).join(' / '),
      String(r.p50),
      String(r.p99),
      Math.round(r.cpuMicrosPerRequest).toLocaleString('en-US'),
      mib(r.rssBytes),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
    const fmt = (c: string[]) => '  ' + c.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
    lines.push(fmt(header), ...cells.map(fmt));
    const by = (name: string) => rows.find((r) => r.target === name)!;
    const express = by('Express');
    const rest = by('cloudlink REST');
    const trpc = by('cloudlink tRPC');
    const check = (label: string, value: number, goal: number, higherIsBetter: boolean) =>
      `${label} ${value.toFixed(2)}x (goal ${higherIsBetter ? '≥' : '≤'} ${goal}) ${(higherIsBetter ? value >= goal : value <= goal) ? 'ok' : 'MISSED'}`;
    lines.push(
      '  ' +
        [
          check('REST/Express req/s', rest.reqPerSec / express.reqPerSec, READ_GOALS.restVsExpress, true),
          check('tRPC/REST req/s', trpc.reqPerSec / rest.reqPerSec, READ_GOALS.trpcVsRest, true),
        ].join(' · '),
      '  ' +
        [
          check('REST/Express p99', rest.p99 / Math.max(1, express.p99), READ_GOALS.p99VsExpress, false),
          check('RSS/Express', Math.max(rest.rssBytes, trpc.rssBytes) / express.rssBytes, READ_GOALS.rssVsExpress, false),
        ].join(' · '),
    );
  }
  return lines.join('\n');
}
