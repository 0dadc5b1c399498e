#!/usr/bin/env node
/* global process, URL */
// Makes the workspace's native modules (better-sqlite3) load in the Node running this script. Run
// after every `pnpm install` (root postinstall), before `pnpm test` and by the vitest global setup:
// pnpm builds a native module once per install and keeps it when `node_modules` is up to date, so a
// module built for another Node (another NODE_MODULE_VERSION) would otherwise stay in place after
// switching Node, and its tests fail by the hundred. The check loads the module and runs a query;
// a module that fails is replaced by this Node's build: from `.cache/native/` when built here before
// (switching back and forth costs nothing), else compiled by `pnpm rebuild` against this Node's headers.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CACHE = path.join(ROOT, '.cache', 'native');
const LOCK = path.join(ROOT, 'node_modules', '.cloudlink-native-lock');
/** A lock older than this was left by a killed run: no build takes nearly as long. */
const STALE_LOCK_MS = 15 * 60_000;
/** Native dependencies of the workspace, and the file their build writes. */
const NATIVE = [{ name: 'better-sqlite3', binary: path.join('build', 'Release', 'better_sqlite3.node') }];

/**
 * Every installed copy of a native package: pnpm's virtual store holds one per version and peer set
 * (a hoisted `node-linker` puts it at the top of node_modules instead).
 */
function installedCopies(name) {
  const store = path.join(ROOT, 'node_modules', '.pnpm');
  const dirs = [
    path.join(ROOT, 'node_modules', name),
    ...(existsSync(store) ? readdirSync(store).filter((d) => d.startsWith(`${name}@`)).map((d) => path.join(store, d, 'node_modules', name)) : []),
  ].filter((d) => existsSync(path.join(d, 'package.json')));
  return [...new Set(dirs.map((d) => realpathSync(d)))];
}

/** Loads the package in a child process of this same Node and runs a query: the test the tests need. */
function check(dir) {
  const probe = `const D = require(${JSON.stringify(dir)}); const db = new D(':memory:'); db.prepare('select 1').get(); db.close();`;
  const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0 ? null : (r.stderr || r.error?.message || `exit ${r.status}`).trim();
}

/** Where this Node's build of one package version is kept: the ABI (not the Node version) decides. */
function cachePath(dir, name) {
  const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  return path.join(CACHE, `${name}@${version}-abi${process.versions.modules}-${process.platform}-${process.arch}.node`);
}

/**
 * Puts `from` at `to` as a new file. The file at `to` may be a hard link into pnpm's store, shared by
 * every checkout on the machine: writing through it would change their builds too.
 */
function replaceFile(from, to) {
  mkdirSync(path.dirname(to), { recursive: true });
  const tmp = `${to}.${process.pid}.tmp`;
  copyFileSync(from, tmp);
  renameSync(tmp, to);
}

/** The headers of this Node: its own prefix ships them (distribution packages and official tarballs). */
function nodeDir() {
  const prefix = path.dirname(path.dirname(process.execPath));
  return existsSync(path.join(prefix, 'include', 'node', 'node_version.h')) ? prefix : undefined;
}

function rebuild(name) {
  const nodedir = nodeDir();
  const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}` };
  // node-gyp downloads the headers when no nodedir is given; an explicit one wins over any .npmrc.
  if (nodedir) env.npm_config_nodedir = nodedir;
  else delete env.npm_config_nodedir;
  process.stderr.write(`native-deps: building ${name} for Node ${process.version} (NODE_MODULE_VERSION ${process.versions.modules})\n`);
  const r = spawnSync('pnpm', ['rebuild', '--recursive', name], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`pnpm rebuild ${name} failed (${r.error?.message ?? `exit ${r.status}`})`);
}

/**
 * Runs `fn` holding the checkout's lock, so that two test runs started together after a switch of
 * Node (the vitest global setup runs this) do not compile into the same directory at once.
 */
function withLock(fn) {
  const deadline = Date.now() + STALE_LOCK_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let age = 0;
      try {
        age = Date.now() - statSync(LOCK).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      if (age > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`${LOCK} is held by another run; remove it if none is running`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Makes every native dependency load in this Node; throws, saying why, when that cannot be done. */
export function ensureNativeDeps() {
  const copies = NATIVE.flatMap((native) => installedCopies(native.name).map((dir) => ({ ...native, dir })));
  // The usual case, checked without the lock: everything loads and this Node's builds are kept.
  if (copies.every(({ dir, name }) => !check(dir) && existsSync(cachePath(dir, name)))) return;
  withLock(repair);
}

function repair() {
  for (const { name, binary } of NATIVE) {
    let rebuilt = false;
    for (const dir of installedCopies(name)) {
      const cached = cachePath(dir, name);
      let failure = check(dir);
      if (failure && existsSync(cached)) {
        replaceFile(cached, path.join(dir, binary));
        failure = check(dir);
      }
      if (failure && !rebuilt) {
        rebuild(name);
        rebuilt = true;
        failure = check(dir);
      }
      if (failure) throw new Error(`${name} in ${dir} does not load in Node ${process.version}:\n${failure}`);
      // A copy, not a link: the build in place may be a hard link into pnpm's store.
      if (!existsSync(cached)) replaceFile(path.join(dir, binary), cached);
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    ensureNativeDeps();
  } catch (e) {
    process.stderr.write(`native-deps: ${e.message}\n`);
    process.exitCode = 1;
  }
}
