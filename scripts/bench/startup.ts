import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBuilt, SERVER_DIR } from '../../examples/standalone-server/scripts/ensure-built.mjs';
import type { BenchRow } from './measure.js';
import { median } from './measure.js';
import { freePort, profileFlags, stopper } from './processes.js';

/** The built product server, as production runs it (`node dist/main.js`). */
export const SERVER_MAIN = path.join(SERVER_DIR, 'dist/main.js');

/** Resolves once `GET url/readyz` answers 200, polling every few ms; rejects when the child exits first. */
async function waitReady(url: string, child: ChildProcess, stderr: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`server exited with ${child.exitCode} before /readyz answered 200:\n${stderr()}`);
    if (performance.now() > deadline) throw new Error(`server not ready after ${timeoutMs} ms:\n${stderr()}`);
    try {
      const res = await fetch(`${url}/readyz`);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 3));
  }
}

export interface SpawnedServer {
  readonly url: string;
  readonly pid: number;
  /** SIGTERM and wait for the exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

function startChild(args: readonly string[], env: Record<string, string | undefined>, port: number): { child: ChildProcess; url: string; stderr: () => string } {
  const child = spawn(process.execPath, args, {
    cwd: SERVER_DIR,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString('utf8')).slice(-4000)));
  return { child, url: `http://127.0.0.1:${port}`, stderr: () => err };
}

/**
 * Start the built product server (`node examples/standalone-server/dist/main.js`, building it
 * first when the build is missing or stale, like `pnpm start`) with `env` over a minimal base
 * (PATH, HOME), on a free 127.0.0.1 port unless `env.PORT` names one; resolves once `/readyz`
 * answers 200. Without `CLOUDLINK_DATA_DIR` the server would use its package's `data/`: pass one.
 */
export async function spawnServer(env: Record<string, string | undefined> = {}): Promise<SpawnedServer> {
  await ensureBuilt();
  const port = env.PORT && env.PORT !== '0' ? Number(env.PORT) : await freePort();
  const base = { PATH: process.env.PATH, HOME: process.env.HOME ?? tmpdir(), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const { child, url, stderr } = startChild([...profileFlags(), SERVER_MAIN], { ...base, ...env }, port);
  const stop = stopper(child);
  try {
    await waitReady(url, child, stderr);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, pid: child.pid!, stop };
}

/** A minimal node:http server answering 200 on every path: what start-up costs with nothing to load. */
const BASELINE = `require('node:http').createServer((q, s) => s.end('{"status":"ready"}')).listen(Number(process.env.PORT), '127.0.0.1')`;

/** Milliseconds from spawn to the first `/readyz` 200, the child stopped afterwards. */
async function timeToReady(args: readonly string[], env: Record<string, string | undefined>): Promise<number> {
  const port = await freePort();
  const t = performance.now();
  const { child, url, stderr } = startChild(args, env, port);
  try {
    await waitReady(url, child, stderr);
    return performance.now() - t;
  } finally {
    await stopper(child)();
  }
}


/**
 * Start-up time of the built server on SQLite (spawn → first `/readyz` 200, median of `runs`): on a
 * fresh data dir (creates the database and applies every migration) and on an already-migrated
 * one, each beside the same measure for a minimal `node -e` HTTP server.
 */
export async function benchStartup(runs = 5): Promise<BenchRow[]> {
  await ensureBuilt();
  const env = (dataDir: string) => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME ?? tmpdir(),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    NODE_ENV: 'production',
    CLOUDLINK_VERIFY: 'off',
    LOG_LEVEL: 'warn',
    CLOUDLINK_DATA_DIR: dataDir,
    CLOUDLINK_ENCRYPTION_KEYS: `b1:${Buffer.alloc(32, 5).toString('base64')}`,
    CLOUDLINK_JWT_SECRET: 'bench-secret-0123456789abcdef0123456789',
  });
  const dirs: string[] = [];
  const newDir = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'cloudlink-startup-'));
    dirs.push(d);
    return d;
  };
  try {
    const baseline: number[] = [];
    const fresh: number[] = [];
    const migrated: number[] = [];
    const migratedDir = newDir();
    // One unmeasured start warms the OS file cache and migrates `migratedDir`.
    await timeToReady([SERVER_MAIN], env(migratedDir));
    await timeToReady(['-e', BASELINE], env(migratedDir));
    for (let i = 0; i < runs; i++) {
      baseline.push(await timeToReady(['-e', BASELINE], env(migratedDir)));
      fresh.push(await timeToReady([SERVER_MAIN], env(newDir())));
      migrated.push(await timeToReady([SERVER_MAIN], env(migratedDir)));
    }
    const base = median(baseline);
    const row = (name: string, value: number): BenchRow => ({
      name,
      unit: 'ms',
      value,
      baselineName: 'node -e http server',
      baseline: base,
      better: 'lower',
      note: `median of ${runs}`,
    });
    return [row('server start to /readyz 200, fresh SQLite', median(fresh)), row('server start to /readyz 200, migrated SQLite', median(migrated))];
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
