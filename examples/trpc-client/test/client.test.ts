import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnServer, testEnv, type SpawnedServer } from '../../standalone-server/test/support/spawn-server.js';
import { createCloudlinkClient } from '../src/client.js';
import { walkFlow } from '../src/flow.js';

/** The typed client against a real sandbox server process. */
const PKG = fileURLToPath(new URL('..', import.meta.url));
const env = testEnv({ CLOUDLINK_SANDBOX: 'true' });
let server: SpawnedServer;
let token = '';

beforeAll(async () => {
  server = await spawnServer(env);
  const seeded = await runCli(['seed', '--workspace', 'acme', '--project', 'shop', '--environment', 'prod', '--email', 'trpc@example.com', '--role', 'owner', '--plan', 'pro'], env);
  expect(seeded.code, seeded.stderr).toBe(0);
  token = (JSON.parse(seeded.stdout) as { token: string }).token;
  // A second project for the program's run: a project with zones cannot switch connections.
  const web = await runCli(['seed', '--workspace', 'acme', '--project', 'web', '--environment', 'prod', '--email', 'trpc@example.com', '--role', 'owner'], env);
  expect(web.code, web.stderr).toBe(0);
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

function program(args: string[], extraEnv: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', path.join(PKG, 'src/main.ts'), ...args], {
      cwd: PKG,
      env: { PATH: process.env.PATH ?? '', ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('trpc-client example', { timeout: 120_000 }, () => {
  it('walkFlow: connect → complete → link → zone → records → resource → subdomain → connection → sync', async () => {
    const client = createCloudlinkClient({ url: server.url, token });
    const result = await walkFlow(client, { workspace: 'acme', project: 'shop', environment: 'prod', accountId: '123456789012', domain: 'one.example.com' });
    expect(result.records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'www.one.example.com.', type: 'A', values: ['192.0.2.1'] }),
        expect.objectContaining({ name: 'one.example.com.', type: 'TXT', values: ['"v=spf1 -all"'] }),
      ]),
    );
    expect(result.connection).toMatchObject({
      status: 'active',
      source: { id: result.subdomainId, resourceType: 'subdomain', name: 'app' },
      target: { id: result.resourceId, resourceType: 'instance', name: 'web-1' },
      recordName: 'app.one.example.com.',
      records: [
        { name: 'app.one.example.com.', type: 'A', ttl: 300, values: ['192.0.2.20'] },
        { name: '_gateways_app.app.one.example.com.', type: 'TXT', ttl: 300, values: ['"installed"'] },
      ],
    });
    expect(result.sync).toMatchObject({ dns_active: true, domainChecked: 'app.one.example.com' });
    // The records are at the provider, not only in the answer.
    const live = await client.dns.listRecords.query({ projectSlug: 'shop', environmentSlug: 'prod', id: result.zoneId });
    expect(live.data).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'app.one.example.com.', type: 'A', values: ['192.0.2.20'] })]));
  });

  it('the program runs the flow with URL and token from the environment, and --help', async () => {
    const r = await program(['--project', 'web', '--domain', 'two.example.com'], { CLOUDLINK_URL: server.url, CLOUDLINK_TOKEN: token });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { records: { name: string }[] }).records.map((x) => x.name)).toContain('www.two.example.com.');
    expect(r.stderr).toContain('Cloud connection linked successfully');
    expect(r.stderr).toContain('dns_active true (checked app.two.example.com)');
    const help = await program(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--token');
  });

  it('accepts the "--" that `pnpm … start -- <options>` (the README\'s command) passes through; a bad option is one line, exit 1', async () => {
    const help = await program(['--', '--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('--token');
    const bad = await program(['--', '--colour', 'red']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--colour');
    expect(bad.stderr).not.toContain('    at ');
  });

  it('reports the documented error body when the server refuses (args instead of env)', async () => {
    const r = await program(['--url', server.url, '--token', token, '--account-id', '000000000000', '--domain', 'three.example.com']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr.trim().split('\n').at(-1)!)).toMatchObject({ error: 'Connection test failed' });
    const noToken = await program(['--url', server.url]);
    expect(noToken.code).toBe(1);
  });
});
