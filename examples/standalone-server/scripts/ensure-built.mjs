#!/usr/bin/env node
/* global process, console, setTimeout, URL */
/**
 * The server runs as built JavaScript under plain `node`, and the workspace packages it imports
 * resolve to their own built `dist`. So that `pnpm start`, `pnpm start:sandbox` and
 * `pnpm cloudlink` work right after `pnpm install`, they call `ensureBuilt()` first: it builds
 * whatever is missing or older than its sources (one `pnpm … run build` over the stale packages
 * and this server, in dependency order) and returns at once when everything is up to date, which
 * is the usual case. Build output goes to stderr, so `cloudlink`'s stdout stays JSON.
 *
 * Run directly (`node scripts/ensure-built.mjs`) it does the same and exits.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_ROOT = path.resolve(SERVER_DIR, '../..');
const PACKAGES_DIR = path.join(REPO_ROOT, 'packages');
const LOCK_DIR = path.join(SERVER_DIR, 'node_modules', '.cloudlink-build-lock');
/** A lock older than this is left over by a killed build: no build takes nearly as long. */
const STALE_LOCK_MS = 10 * 60_000;

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** Newest mtime (ms) of the files under `dir`, test files left out (they are not built). */
function newestUnder(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestUnder(full));
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function mtimeOrZero(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** Every `./dist/…` file a package.json's `main`/`module`/`exports` points at. */
function distFiles(pkg) {
  const found = new Set();
  const walk = (v) => {
    if (typeof v === 'string') {
      if (v.startsWith('./dist/')) found.add(v);
    } else if (v && typeof v === 'object') {
      for (const x of Object.values(v)) walk(x);
    }
  };
  walk([pkg.main, pkg.module, pkg.exports]);
  return [...found];
}

/** The workspace packages (by name → folder) this server needs, itself included, dependencies first. */
function buildUnits() {
  const byName = new Map();
  for (const name of readdirSync(PACKAGES_DIR)) {
    const dir = path.join(PACKAGES_DIR, name);
    if (existsSync(path.join(dir, 'package.json'))) byName.set(readJson(path.join(dir, 'package.json')).name, dir);
  }
  const units = [];
  const seen = new Set();
  const visit = (dir) => {
    const pkg = readJson(path.join(dir, 'package.json'));
    if (seen.has(pkg.name)) return;
    seen.add(pkg.name);
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies })) {
      if (byName.has(dep)) visit(byName.get(dep));
    }
    const outputs = dir === SERVER_DIR ? ['./dist/main.js', './dist/cli.js'] : distFiles(pkg);
    units.push({ name: pkg.name, dir, outputs });
  };
  visit(SERVER_DIR);
  return units;
}

/** True when an output is missing or older than a source, the package manifest or the build config. */
function isStale({ dir, outputs }) {
  const oldestOutput = Math.min(...outputs.map((o) => mtimeOrZero(path.join(dir, o))));
  if (oldestOutput === 0) return true;
  const inputs = Math.max(
    newestUnder(path.join(dir, 'src')),
    mtimeOrZero(path.join(dir, 'package.json')),
    mtimeOrZero(path.join(dir, 'tsup.config.ts')),
    dir === SERVER_DIR ? 0 : mtimeOrZero(path.join(REPO_ROOT, 'tsup.config.base.ts')),
  );
  return inputs > oldestOutput;
}

/** The names of the units that need a build (empty when everything is up to date). */
export function staleUnits() {
  return buildUnits().filter(isStale).map((u) => u.name);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function lockIsAbandoned() {
  try {
    const { pid } = readJson(path.join(LOCK_DIR, 'owner.json'));
    if (Date.now() - statSync(LOCK_DIR).mtimeMs > STALE_LOCK_MS) return true;
    process.kill(pid, 0);
    return false;
  } catch (e) {
    // ESRCH: the owner is gone. A missing owner file is a lock being created or removed: wait.
    return e?.code === 'ESRCH';
  }
}

/** One build at a time across processes (tests and benchmarks start servers side by side). */
async function withLock(fn) {
  mkdirSync(path.dirname(LOCK_DIR), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      break;
    } catch (e) {
      if (e?.code !== 'EEXIST') throw e;
      if (lockIsAbandoned()) rmSync(LOCK_DIR, { recursive: true, force: true });
      else await sleep(200);
    }
  }
  try {
    writeFileSync(path.join(LOCK_DIR, 'owner.json'), JSON.stringify({ pid: process.pid }));
    return await fn();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

/** pnpm itself: the one running this script when there is one, else the one on PATH. */
function pnpmCommand() {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/i.test(path.basename(execPath)) && /\.[cm]?js$/.test(execPath)) return [process.execPath, [execPath]];
  return ['pnpm', []];
}

/**
 * Build what is stale (workspace packages this server imports, then the server), or nothing.
 * Returns the names built. Progress goes to stderr; a failed build throws.
 */
export async function ensureBuilt() {
  // A deployed copy (`pnpm deploy`, the Docker image) ships `dist` without sources or workspace:
  // there is nothing to build, and nothing to build it with.
  if (!existsSync(path.join(SERVER_DIR, 'src'))) return [];
  if (staleUnits().length === 0) return [];
  return withLock(() => {
    // Another process may have built while this one waited for the lock.
    const stale = staleUnits();
    if (stale.length === 0) return [];
    process.stderr.write(`cloudlink: building ${stale.join(', ')} (once; later starts reuse the build)\n`);
    const [cmd, pre] = pnpmCommand();
    const args = [...pre, ...stale.flatMap((name) => ['--filter', name]), 'run', 'build'];
    const result = spawnSync(cmd, args, {
      cwd: REPO_ROOT,
      stdio: ['ignore', 2, 2],
      shell: process.platform === 'win32' && cmd === 'pnpm',
    });
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`cloudlink: the build failed (pnpm exited with ${result.status})`);
    return stale;
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureBuilt().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
