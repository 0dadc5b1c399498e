import { spawn } from 'node:child_process';
import { request } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test-support/postgres.js';
import { waitFor } from '../../../test-support/wait.js';
import { runCli, SERVER_DIR, spawnServer, testEnv, type SpawnedServer } from './support/spawn-server.js';

/**
 * How the built server stops, as a process manager sees it: SIGTERM or SIGINT while idle exits 0;
 * a request in flight finishes while new connections are refused (on Postgres, with the pg-boss
 * schedule running); a request that outlives CLOUDLINK_SHUTDOWN_GRACE_SECONDS is cut and the exit
 * code says so; a second signal exits at once; a signal during start-up (held in its migration step
 * by a lock the test holds) is handled, and a stop that cannot finish ends at the backstop; and every
 * line on stdout is JSON, the start-up failure and the shutdown lines included. Requests are held
 * open by sending half a body, so no step depends on how long anything takes.
 */

type Line = { msg: string; level: number } & Record<string, unknown>;

/** Every stdout line parsed; fails on a line that is not JSON. */
function jsonLines(server: SpawnedServer): Line[] {
  return server.lines.map((l) => {
    try {
      return JSON.parse(l) as Line;
    } catch {
      throw new Error(`not a JSON log line: ${l}`);
    }
  });
}

/** A POST whose body is sent only in part until `finish()`, so it stays in flight as long as the test wants. */
function holdRequest(url: URL, body: string, headers: Record<string, string>) {
  let finish!: () => void;
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.write(body.slice(0, 5));
    finish = () => req.end(body.slice(5));
  });
  return { response, finish: () => finish() };
}

/** `node dist/main.js` without waiting for it to listen: its stdout lines as they come, and its exit code. */
function spawnStarting(env: Record<string, string>) {
  const child = spawn(process.execPath, ['dist/main.js'], { cwd: SERVER_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buffered = '';
  child.stdout.on('data', (c: Buffer) => {
    const parts = (buffered + c.toString('utf8')).split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr.resume();
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  return { child, lines, exited };
}

const received = (server: SpawnedServer, requestId: string) => () =>
  server.lines.some((l) => l.includes(requestId) && l.includes('request received'));

describe('stopping the server process', { timeout: 60_000 }, () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`exits 0 on ${signal} while idle, with JSON shutdown lines`, async () => {
      const server = await spawnServer(testEnv());
      server.child.kill(signal);
      expect(await server.exited).toBe(0);
      const lines = jsonLines(server);
      expect(lines.find((l) => l.msg === 'shutting down')).toMatchObject({ signal, graceMs: 10_000 });
      expect(lines.find((l) => l.msg === 'cloudlink server stopped')).toMatchObject({ forced: false });
      // The in-process schedule was running and was stopped before the database closed.
      expect(lines.some((l) => l.msg === 'connection re-verification scheduled')).toBe(true);
    });
  }

  it('cuts a request that outlives CLOUDLINK_SHUTDOWN_GRACE_SECONDS and exits 1', async () => {
    const server = await spawnServer(testEnv({ CLOUDLINK_SHUTDOWN_GRACE_SECONDS: '1', LOG_LEVEL: 'debug' }));
    const held = holdRequest(new URL('/api/cloud-connections/azure-setup-callback', server.url), JSON.stringify({ token: 'x' }), { 'x-request-id': 'never-finished' });
    const outcome = held.response.then(() => 'answered', () => 'cut');
    await waitFor(received(server, 'never-finished'), 'the held request to reach the server');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(1);
    expect(await outcome).toBe('cut');
    const lines = jsonLines(server);
    expect(lines.find((l) => l.msg === 'shutting down')).toMatchObject({ signal: 'SIGTERM', graceMs: 1000 });
    expect(lines.some((l) => l.msg === 'shutdown grace period over, closing the connections still busy')).toBe(true);
    // The database is still closed after the cut.
    expect(lines.find((l) => l.msg === 'cloudlink server stopped')).toMatchObject({ forced: true });
  });

  it('exits 1 at once on a second signal, without waiting for the grace period', async () => {
    // A grace period longer than the test's timeout: only the second signal can end this process in time.
    const server = await spawnServer(testEnv({ CLOUDLINK_SHUTDOWN_GRACE_SECONDS: '3600', LOG_LEVEL: 'debug' }));
    const held = holdRequest(new URL('/api/cloud-connections/azure-setup-callback', server.url), JSON.stringify({ token: 'x' }), { 'x-request-id': 'held-open' });
    held.response.catch(() => {});
    await waitFor(received(server, 'held-open'), 'the held request to reach the server');
    server.child.kill('SIGTERM');
    await waitFor(() => server.lines.some((l) => l.includes('shutting down')), 'the first signal to be handled');
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(1);
    expect(jsonLines(server).find((l) => l.msg === 'second signal, exiting immediately')).toMatchObject({ signal: 'SIGINT' });
  });

  it('writes a malformed configuration as one JSON line on stdout too, naming each variable', async () => {
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: SERVER_DIR,
      env: testEnv({ CLOUDLINK_SHUTDOWN_GRACE_SECONDS: 'soon', PORT: 'http' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 60, msg: 'invalid configuration' });
    const problems = lines[0]!.problems as string[];
    expect(problems.some((p) => p.startsWith('CLOUDLINK_SHUTDOWN_GRACE_SECONDS '))).toBe(true);
    expect(problems.some((p) => p.startsWith('PORT '))).toBe(true);
  });
});

describe('stopping the server process on Postgres (pg-boss schedule running)', { timeout: 90_000 }, () => {
  let db: TestDatabase;
  let server: SpawnedServer;
  let env: Record<string, string>;
  let token = '';

  beforeAll(async () => {
    db = await createTestDatabase('cloudlink_shutdown');
    env = testEnv({ DATABASE_URL: db.url, LOG_LEVEL: 'debug' });
    server = await spawnServer(env);
    const seeded = await runCli(['seed', '--workspace', 'acme', '--project', 'shop', '--environment', 'prod', '--email', 'o@example.com', '--role', 'owner', '--plan', 'pro'], env);
    expect(seeded.code, seeded.stderr).toBe(0);
    token = (JSON.parse(seeded.stdout) as { token: string }).token;
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  /**
   * Start-up held in its migration step: a transaction of the test's holds the migrations table, so
   * the signal deterministically arrives while the server is starting (as when the database is slow).
   */
  async function startingWhileMigrationsWait(extra: Record<string, string>) {
    const lock = new pg.Client({ connectionString: db.url });
    await lock.connect();
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE cloudlink_migrations IN ACCESS EXCLUSIVE MODE');
    const starting = spawnStarting({ ...env, CLOUDLINK_DATA_DIR: testEnv().CLOUDLINK_DATA_DIR!, ...extra });
    // Watched from another session: inside its transaction, `lock` would see one frozen snapshot of pg_stat_activity.
    const watch = new pg.Client({ connectionString: db.url });
    await watch.connect();
    try {
      await waitFor(async () => {
        const { rows } = await watch.query<{ n: string }>(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        return Number(rows[0]!.n) > 0;
      }, 'the starting server to wait for the migrations table');
    } finally {
      await watch.end();
    }
    const release = async (how: 'COMMIT' | 'ROLLBACK') => {
      await lock.query(how).catch(() => {});
      await lock.end();
    };
    return { ...starting, release };
  }

  it('handles SIGTERM during start-up: finishes starting, then stops cleanly with exit 0', async () => {
    const { child, lines, exited, release } = await startingWhileMigrationsWait({});
    try {
      child.kill('SIGTERM');
      await waitFor(() => lines.some((l) => l.includes('"msg":"shutting down"')), 'the signal to be handled during start-up');
      expect(lines.some((l) => l.includes('cloudlink server listening'))).toBe(false);
    } finally {
      await release('COMMIT');
    }
    expect(await exited).toBe(0);
    expect(lines.some((l) => l.includes('"msg":"cloudlink server stopped"'))).toBe(true);
  });

  it('exits 1 when stopping cannot finish (start-up stuck on the database) once the grace period and the backstop are over', async () => {
    const { child, lines, exited, release } = await startingWhileMigrationsWait({ CLOUDLINK_SHUTDOWN_GRACE_SECONDS: '0' });
    try {
      child.kill('SIGTERM');
      expect(await exited).toBe(1);
      expect(lines.some((l) => l.includes('"msg":"shutdown did not finish in time, exiting"'))).toBe(true);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await release('ROLLBACK');
    }
  });

  it('finishes the write in flight, refuses new connections, stops pg-boss, closes the pool and exits 0', async () => {
    const held = holdRequest(new URL('/api/workspaces/acme/projects', server.url), JSON.stringify({ name: 'Written during shutdown' }), {
      authorization: `Bearer ${token}`,
      'x-request-id': 'in-flight-write',
    });
    await waitFor(received(server, 'in-flight-write'), 'the in-flight request to reach the server');
    server.child.kill('SIGTERM');
    await waitFor(() => fetch(`${server.url}/healthz`).then(() => false, () => true), 'the server to refuse new connections');
    held.finish();
    const done = await held.response;
    expect(done.status, done.text).toBe(201);
    expect(await server.exited).toBe(0);
    const lines = jsonLines(server);
    expect(lines.some((l) => l.msg === 'connection re-verification scheduled' && l.queue === 'pg-boss')).toBe(true);
    const order = ['shutting down', 'every connection closed', 'cloudlink server stopped'];
    const at = order.map((msg) => lines.findIndex((l) => l.msg === msg));
    expect(at.every((i) => i >= 0), JSON.stringify(at)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    // The write committed before the pool closed: a fresh server reads it back.
    const slug = (JSON.parse(done.text) as { data: { slug: string } }).data.slug;
    server = await spawnServer(env);
    const read = await fetch(`${server.url}/api/projects/${slug}`, { headers: { authorization: `Bearer ${token}` } });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { data: { name: string } }).data.name).toBe('Written during shutdown');
  });
});
