import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { codeBlocks } from './support/readme.js';
import { REPO_ROOT, SERVER_DIR } from './support/spawn-server.js';

/**
 * The README's three embedding examples, extracted as written: typechecked with tsc (strict, the
 * repository's settings) and run with tsx against the workspace packages.
 */
export const EMBEDDING_SECTIONS = {
  engine: 'Call the engine directly, with your own storage or access control',
  trpc: 'tRPC: merge the router into your tRPC app',
  rest: 'REST: mount the documented API in your Express app',
  events: 'Audit log and events',
} as const;

// Inside the server package, so the examples resolve its dependencies (express, jose, the packages).
const dir = mkdtempSync(path.join(SERVER_DIR, 'test', '.readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const files = Object.fromEntries(
  Object.entries(EMBEDDING_SECTIONS).map(([key, title]) => {
    const blocks = codeBlocks(title, 'ts');
    expect(blocks, title).toHaveLength(1);
    const file = path.join(dir, `${key}.ts`);
    writeFileSync(file, blocks[0]!);
    return [key, file];
  }),
) as Record<keyof typeof EMBEDDING_SECTIONS, string>;

function run(file: string, env: Record<string, string> = {}) {
  return spawn(process.execPath, ['--conditions=source', '--import', 'tsx', file], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function output(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = run(file);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('README embedding examples', { timeout: 120_000 }, () => {
  it('typecheck under the repository settings', () => {
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ extends: path.join(REPO_ROOT, 'tsconfig.base.json'), include: ['*.ts'] }));
    const tsc = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('engine directly: creates a project through a custom access control', async () => {
    const r = await output(files.engine);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('Project created successfully [ \'master\' ]');
  });

  it('audit log and events: entries newest first with the request id; a throwing hook does not fail the call', async () => {
    const r = await output(files.events);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('cloudConnections.delete:success:req-42 cloudConnections.connectGcp:success:req-42 connection.status_changed');
  });

  it('tRPC: the merged router serves both its own and cloudlink procedures', async () => {
    const r = await output(files.trpc);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('pong acme');
  });

  it('REST: the mounted router serves the documented API beside the app\'s own routes', async () => {
    const child = run(files.rest, { PORT: '0' });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString('utf8');
          const m = /listening on (.+)/.exec(out);
          if (m) resolve((JSON.parse(m[1]!) as { port: number }).port);
        });
        child.once('exit', (code) => reject(new Error(`example exited with ${code}`)));
      });
      const base = `http://127.0.0.1:${port}`;
      expect(await (await fetch(`${base}/`)).text()).toBe('my existing app');
      const unauth = await fetch(`${base}/api/workspaces/acme`);
      expect(unauth.status).toBe(401);
      expect(await unauth.json()).toEqual({ error: 'Unauthorized', message: 'Missing or invalid authentication token' });
      const spec = (await (await fetch(`${base}/api/openapi.json`)).json()) as { openapi: string; paths: object };
      expect(spec.openapi).toMatch(/^3\./);
      expect(Object.keys(spec.paths)).toContain('/cloud-connections/{workspaceSlug}/connect-aws');
      // The app's own token (sub = its user id): the person is provisioned on first sight and acts as that user.
      const secret = new TextEncoder().encode('replace-me-with-32-or-more-characters!!');
      const token = await new SignJWT({ email: 'Dana@Example.com', name: 'Dana' }).setProtectedHeader({ alg: 'HS256' }).setSubject('auth0|dana').sign(secret);
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const created = await fetch(`${base}/api/workspaces`, { method: 'POST', headers, body: JSON.stringify({ name: 'Dana Co' }) });
      expect(created.status).toBe(201);
      const members = (await (await fetch(`${base}/api/workspaces/dana-co/members`, { headers })).json()) as { data: { role: string; user: { email: string; name: string } }[] };
      expect(members.data.map((m) => [m.role, m.user.email, m.user.name])).toEqual([['owner', 'dana@example.com', 'Dana']]);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
