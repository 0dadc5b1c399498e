import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The published packages as a user gets them: each package is packed (`pnpm pack`, after
 * `pnpm build` when its dist is missing), the tarballs are installed with npm into a scratch
 * project OUTSIDE the workspace (so no workspace link or `source` condition can help), and the
 * README's embedding examples run there, as ESM through the packages' `import` conditions and the
 * TypeScript types they ship; a CommonJS script `require`s every entry point.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['engine', 'storage-kysely', 'storage-sqlite', 'storage-postgres', 'providers', 'sandbox', 'trpc-router', 'express-adapter'];
// Third-party peers and the example's own dependencies, pinned to the versions the workspace uses.
// vitest: the optional peer of `@cloudlink/engine/testing` (its conformance suites import it).
const PEERS = ['express@5.3.0', '@trpc/server@11.25.2', 'zod@4.6.7', 'jose@6.2.17', 'pg@8.23.1', 'tsx@4.23.15', 'typescript@5.9.3', '@types/express@5.0.6', '@types/node@20.19.43', 'vitest@4.1.12'];
/** Entry points published as ESM only: `@cloudlink/engine/testing` imports vitest, which is ESM-only. */
const ESM_ONLY_ENTRIES: Readonly<Record<string, string[]>> = { engine: ['./testing'] };
const EXAMPLES = {
  engine: 'Call the engine directly, with your own storage or access control',
  trpc: 'tRPC: merge the router into your tRPC app',
  rest: 'REST: mount the documented API in your Express app',
} as const;

const scratch = mkdtempSync(path.join(tmpdir(), 'cloudlink-pack-'));
const tarballs: string[] = [];
// Several installed copies of every package: removing them takes a while on a busy disk.
afterAll(() => rmSync(scratch, { recursive: true, force: true }), 300_000);

function sh(cmd: string, args: string[], cwd: string, timeout = 240_000): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A fenced ```ts block of a README section (the same extraction as the server's README tests). */
function readmeBlock(title: string): string {
  const text = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = text.indexOf(`\n### ${title}\n`);
  if (start < 0) throw new Error(`README has no section "${title}"`);
  const m = /```ts\n([\s\S]*?)\n```/.exec(text.slice(start));
  if (!m) throw new Error(`README section "${title}" has no ts block`);
  return m[1]!;
}

function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  return spawn(cmd, args, { cwd: scratch, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? scratch, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function finish(child: ReturnType<typeof run>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(() => {
  tarballs.push(...PACKAGES.map((name) => {
    const dir = path.join(ROOT, 'packages', name);
    if (!existsSync(path.join(dir, 'dist'))) sh('pnpm', ['build'], dir);
    const before = new Set(readdirSync(scratch));
    sh('pnpm', ['pack', '--pack-destination', scratch], dir);
    const tgz = readdirSync(scratch).find((f) => f.endsWith('.tgz') && !before.has(f));
    if (!tgz) throw new Error(`pnpm pack produced no tarball for ${name}`);
    return `./${tgz}`;
  }));
  writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
  // better-sqlite3 compiles from source for about a minute when installed from the registry; the
  // workspace's already-built copy is the same version and stands in for that native build.
  const sqlite = realpathSync(path.join(ROOT, 'packages/storage-sqlite/node_modules/better-sqlite3'));
  // --ignore-scripts: npm links a folder dependency and runs its install script IN that folder, which
  // rebuilt the workspace's better-sqlite3 in place (a minute during which every other SQLite test
  // running beside this one could not load the binding). Nothing else installed here needs a script.
  sh('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs, ...PEERS, sqlite], scratch, 280_000);
  for (const [key, title] of Object.entries(EXAMPLES)) writeFileSync(path.join(scratch, `${key}.ts`), readmeBlock(title));
}, 300_000);

describe('packed packages in a scratch project', () => {
  it('publint --strict and attw (node16 profile) report nothing for any package', () => {
    const bin = (name: string) => path.join(ROOT, 'node_modules/.bin', name);
    PACKAGES.forEach((name, i) => {
      const publint = sh(bin('publint'), ['--strict', '.'], path.join(ROOT, 'packages', name), 60_000);
      expect(publint, name).toContain('All good!');
      // Throws (non-zero exit) on any problem; the tarball is the one installed below.
      const tarball = path.join(scratch, tarballs[i]!);
      const esmOnly = ESM_ONLY_ENTRIES[name] ?? [];
      sh(bin('attw'), [tarball, '--profile', 'node16', ...(esmOnly.length ? ['--exclude-entrypoints', ...esmOnly] : [])], scratch, 60_000);
      if (esmOnly.length) sh(bin('attw'), [tarball, '--profile', 'esm-only', '--entrypoints', ...esmOnly], scratch, 60_000);
    });
  }, 120_000);

  it('resolve to the installed tarballs, not the workspace', () => {
    for (const name of PACKAGES) {
      const manifest = JSON.parse(readFileSync(path.join(scratch, 'node_modules/@cloudlink', name, 'package.json'), 'utf8')) as { version: string; dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
      expect(existsSync(path.join(scratch, 'node_modules/@cloudlink', name, 'dist'))).toBe(true);
      // `workspace:` ranges must have been rewritten by pnpm pack.
      expect(JSON.stringify({ ...manifest.dependencies, ...manifest.peerDependencies })).not.toContain('workspace:');
    }
  });

  it('the README examples typecheck against the shipped .d.ts (moduleResolution node16)', async () => {
    writeFileSync(
      path.join(scratch, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'Node16', moduleResolution: 'Node16', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] }, include: ['*.ts'] }),
    );
    const r = await finish(run(process.execPath, [path.join(scratch, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']));
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  }, 120_000);

  it('runs the engine and tRPC examples as ESM', async () => {
    const engine = await finish(run(path.join(scratch, 'node_modules/.bin/tsx'), ['engine.ts']));
    expect(engine.code, engine.stderr).toBe(0);
    expect(engine.stdout.trim()).toBe("Project created successfully [ 'master' ]");
    const trpc = await finish(run(path.join(scratch, 'node_modules/.bin/tsx'), ['trpc.ts']));
    expect(trpc.code, trpc.stderr).toBe(0);
    expect(trpc.stdout.trim()).toBe('pong acme');
  }, 60_000);

  it('runs the REST example as ESM and serves the documented API', async () => {
    const child = run(path.join(scratch, 'node_modules/.bin/tsx'), ['rest.ts'], { PORT: '0' });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (c: Buffer) => {
          out += c.toString('utf8');
          const m = /listening on (.+)/.exec(out);
          if (m) resolve((JSON.parse(m[1]!) as { port: number }).port);
        });
        child.once('exit', (code) => reject(new Error(`rest example exited with ${code}`)));
      });
      const res = await fetch(`http://127.0.0.1:${port}/api/cloud-connections/acme`);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'Unauthorized', message: 'Missing or invalid authentication token' });
      expect(((await (await fetch(`http://127.0.0.1:${port}/api/openapi.json`)).json()) as { openapi: string }).openapi).toMatch(/^3\./);
    } finally {
      child.kill('SIGTERM');
    }
  }, 60_000);

  it('every entry point but the ESM-only ones loads with require() (CJS) and the engine runs', async () => {
    writeFileSync(
      path.join(scratch, 'check.cjs'),
      `
const assert = require('node:assert');
const engineMod = require('@cloudlink/engine');
const { createSqliteStorage } = require('@cloudlink/storage-sqlite');
const { createPostgresStorage } = require('@cloudlink/storage-postgres');
require('@cloudlink/storage-kysely');
require('@cloudlink/providers');
for (const sub of ['aws', 'gcp', 'azure', 'cloudflare']) require('@cloudlink/providers/' + sub);
assert.equal(typeof require('@cloudlink/sandbox').createSandboxProviders, 'function');
const { createCloudlinkRouter } = require('@cloudlink/trpc-router');
const { createCloudlinkRestRouter } = require('@cloudlink/express-adapter');
assert.equal(typeof createPostgresStorage, 'function');
(async () => {
  const storage = createSqliteStorage({ filename: ':memory:' });
  await storage.migrate();
  const engine = engineMod.createEngine({
    storage,
    secrets: engineMod.createSecretBox({ keys: engineMod.parseEncryptionKeys(engineMod.generateEncryptionKey('k1')) }),
    publicUrl: 'https://app.example.com',
  });
  createCloudlinkRouter({ engine });
  createCloudlinkRestRouter({ engine, authenticate: () => null });
  const seeded = await engine.operator.seed({ workspace: 'acme', project: 'shop', environment: 'prod', email: 'cjs@example.com', role: 'owner' });
  const ws = await engine.workspaces.get({ userId: seeded.user.id }, { workspaceSlug: 'acme' });
  console.log('cjs ok', ws.data.slug, JSON.stringify(await engine.health()));
  await engine.close();
})().catch((e) => { console.error(e); process.exit(1); });
`,
    );
    const r = await finish(run(process.execPath, ['check.cjs']));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('cjs ok acme {"ok":true}');
  }, 60_000);

  it('the ESM-only testing entry loads with import, and require() of it fails to resolve', async () => {
    writeFileSync(
      path.join(scratch, 'testing.mjs'),
      `
import assert from 'node:assert';
import { createRequire } from 'node:module';
const testing = await import('@cloudlink/engine/testing');
for (const name of ['createMemoryStorage', 'createMemoryDnsProvider', 'createMemoryAwsConnector', 'describeStorageConformance', 'describeAwsConnectorConformance']) {
  assert.equal(typeof testing[name], 'function', name);
}
assert.throws(() => createRequire(import.meta.url)('@cloudlink/engine/testing'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
console.log('testing ok');
`,
    );
    const r = await finish(run(process.execPath, ['testing.mjs']));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('testing ok');
  }, 60_000);
});
