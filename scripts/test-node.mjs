#!/usr/bin/env node
/* global process, URL */
// `pnpm test:node <20|22|24> [vitest filters...]`: the packages' tests under another Node release.
// Fetches the pinned Node (scripts/with-node.mjs), makes the native modules load in it
// (scripts/native-deps.mjs), runs vitest on it, then makes them load in the Node that started this
// script again, so the checkout keeps working as it was. Without filters it runs every package's
// own tests (packages/*/src, packages/*/test) and tests/pack.test.ts, which installs the packed
// tarballs in a scratch project: what a user of the published packages runs on that Node. The
// server's end-to-end suites (tests/, examples/) stay on the default Node: they exercise the same
// package code through HTTP and take most of `pnpm test`'s time.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNativeDeps } from './native-deps.mjs';
import { PINNED, ensureNode, runUnder } from './with-node.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const PACKAGE_TESTS = ['packages/', 'tests/pack.test.ts'];

const [major, ...filters] = process.argv.slice(2);
if (!major || !(major in PINNED)) {
  process.stderr.write(
    `usage: pnpm test:node <${Object.keys(PINNED).join('|')}> [vitest filters...]\n` +
      `Runs the packages' tests (default: ${PACKAGE_TESTS.join(' ')}) under that Node release.\n`,
  );
  process.exit(major === '--help' || major === '-h' ? 0 : 2);
}

const started = Date.now();
const seconds = (from) => `${Math.round((Date.now() - from) / 1000)}s`;
let code = 1;
try {
  let t = Date.now();
  const prefix = ensureNode(major);
  const version = spawnSync(path.join(prefix, 'bin', 'node'), ['--version'], { encoding: 'utf8' }).stdout.trim();
  process.stderr.write(`test:node ${major}: Node ${version} ready (${seconds(t)})\n`);

  t = Date.now();
  code = await runUnder(prefix, path.join(prefix, 'bin', 'node'), [path.join(ROOT, 'scripts', 'native-deps.mjs')], { cwd: ROOT });
  process.stderr.write(`test:node ${major}: native modules for ${version} ${code === 0 ? 'ready' : 'FAILED'} (${seconds(t)})\n`);

  if (code === 0) {
    t = Date.now();
    code = await runUnder(prefix, 'pnpm', ['exec', 'vitest', 'run', ...(filters.length ? filters : PACKAGE_TESTS)], { cwd: ROOT });
    process.stderr.write(`test:node ${major}: vitest under ${version} ${code === 0 ? 'passed' : 'FAILED'} (${seconds(t)})\n`);
  }
} catch (e) {
  process.stderr.write(`test:node ${major}: ${e.message}\n`);
  code = 1;
} finally {
  const t = Date.now();
  try {
    ensureNativeDeps();
    process.stderr.write(`test:node ${major}: native modules restored for ${process.version} (${seconds(t)})\n`);
  } catch (e) {
    process.stderr.write(`test:node ${major}: could not restore the native modules for ${process.version}: ${e.message}\n`);
    code = 1;
  }
}
process.stderr.write(`test:node ${major}: ${code === 0 ? 'ok' : 'failed'} in ${seconds(started)}\n`);
process.exit(code);
