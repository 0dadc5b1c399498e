import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeBlocks } from './support/readme.js';
import { REPO_ROOT, spawnServer, testEnv, type SpawnedServer } from './support/spawn-server.js';

/** The server's own SQLite driver (its types are not a dependency of the server), to read what it stored. */
interface ReadonlySqlite {
  prepare(sql: string): { all(): unknown[] };
  close(): void;
}
const BetterSqlite3 = createRequire(import.meta.url)('better-sqlite3') as new (filename: string, options: { readonly: boolean }) => ReadonlySqlite;

/**
 * The README's sandbox walkthrough, run AS WRITTEN: the fenced bash blocks of each section are
 * concatenated after the setup section's and run by bash (with -euo pipefail, and curl -f in the
 * commands, so any failed request fails the test) from the repository root, against a sandbox
 * server started on a free port with the same data dir.
 */
interface Sandbox {
  env: Record<string, string>;
  server: SpawnedServer;
}

/** A sandbox server of its own (fresh data dir): the env its commands run with, and the server. */
async function startSandbox(): Promise<Sandbox> {
  const env = testEnv({ CLOUDLINK_SANDBOX: 'true' });
  return { env, server: await spawnServer(env) };
}

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
}, 60_000);
afterAll(async () => {
  await sandbox?.server.stop();
});

function runBash(script: string, { env, server }: Sandbox = sandbox): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', `set -euo pipefail\n${script}`], {
      cwd: REPO_ROOT,
      env: { ...env, CLOUDLINK_URL: server.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The setup section's blocks, then those of `sections` in order, as one script (one shell: later sections use earlier variables). */
const walkthrough = (...sections: string[]) => ['Walkthrough: setup', ...sections].flatMap((section) => codeBlocks(section, 'bash')).join('\n');

describe('README sandbox walkthrough', { timeout: 120_000 }, () => {
  it('setup seeds a workspace and the token works', async () => {
    const r = await runBash(codeBlocks('Walkthrough: setup', 'bash').join('\n'));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ message: expect.any(String), data: { slug: 'acme' } });
  });

  it('AWS and Route 53: connect, complete, link, zone, records, list; the same in mode oidc, with no secret, on another project', async () => {
    const r = await runBash(walkthrough('Walkthrough: AWS and Route 53'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('https://console.aws.amazon.com/cloudformation/home?region=us-east-1#/stacks/create/review?templateURL=');
    const answers = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { message?: string; data?: unknown });
    const completed = answers.filter((a) => a.message === 'Cloud connection completed successfully').map((a) => a.data);
    expect(completed).toEqual([
      expect.objectContaining({ accountId: '123456789012', connectionStatus: 'connected', mode: 'role' }),
      expect.objectContaining({ accountId: '210987654321', accountName: 'AWS federated', connectionStatus: 'connected', mode: 'oidc' }),
    ]);
    expect(answers.filter((a) => a.message === 'Cloud connection linked successfully')).toHaveLength(2);
    const lists = answers.filter((a) => a.message === 'DNS records retrieved successfully').map((a) => a.data as { name: string; type: string; values: string[] }[]);
    expect(lists).toHaveLength(2);
    expect(lists[0]).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'www.example.com.', type: 'A', values: ['192.0.2.10'] }),
        expect.objectContaining({ name: 'example.com.', type: 'MX', values: ['10 mail.example.com.'] }),
        expect.objectContaining({ name: '_verify.example.com.', type: 'TXT', values: ['"hello sandbox"'] }),
      ]),
    );

    // The oidc connection: its subject, the one web-identity statement of its template, verified.
    const oidc = completed[1] as { id: number };
    const workspaceId = (answers.find((a) => a.message === 'Project created successfully')?.data as { workspaceId: number }).workspaceId;
    const plain = r.stdout.trim().split('\n').filter((l) => !l.startsWith('{'));
    expect(plain).toContain(`workspace:${workspaceId}:connection:${oidc.id}`);
    expect(plain).toContain('1');
    expect(answers.find((a) => a.message === 'Cloud connection verified successfully')?.data).toMatchObject({ id: oidc.id, connectionStatus: 'connected', mode: 'oidc' });
    expect(lists[1]).toEqual([
      expect.objectContaining({ name: 'edge.example.net.', type: 'A', values: ['192.0.2.50'] }),
      expect.objectContaining({ name: 'api.edge.example.net.', type: 'CNAME', values: ['edge.example.net.'] }),
    ]);
    // What the server stored for it: the role ARN, and neither a secret nor an ExternalId.
    const db = new BetterSqlite3(path.join(sandbox.env.CLOUDLINK_DATA_DIR!, 'cloudlink.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT id, auth_mode, role_arn, secret_data, external_id FROM cloud_connections WHERE cloud_provider_id = 1 ORDER BY id').all();
      expect(rows).toEqual([
        expect.objectContaining({ auth_mode: null, role_arn: 'arn:aws:iam::123456789012:role/GatewaysAppDeployRole', secret_data: null, external_id: expect.stringMatching(/^[0-9a-f]{32}$/) }),
        { id: oidc.id, auth_mode: 'oidc', role_arn: 'arn:aws:iam::210987654321:role/GatewaysAppDeployRole', secret_data: null, external_id: null },
      ]);
    } finally {
      db.close();
    }
  });

  it('GCP: connect and complete with a wifConfig; a Cloud DNS zone: create, records, list, delete', async () => {
    const r = await runBash(walkthrough('Walkthrough: GCP'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`"issuer":"${sandbox.server.url.replace("127.0.0.1", "localhost")}/api"`);
    const answers = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { message?: string; data?: Record<string, unknown> });
    expect(answers.find((a) => a.data?.connectionStatus !== undefined)?.data).toMatchObject({ connectionStatus: 'connected', accountId: 'shop-prod-1' });
    expect(r.stdout).toContain('"message":"Cloud connection linked successfully"');
    const listed = answers.find((a) => a.message === 'DNS records retrieved successfully') as unknown as { data: { name: string; type: string; values: string[] }[] };
    expect(listed.data).toEqual([
      expect.objectContaining({ name: 'docs.example.net.', type: 'TXT', values: ['"hello cloud dns"'] }),
      expect.objectContaining({ name: 'www.docs.example.net.', type: 'A', values: ['192.0.2.30'] }),
    ]);
    expect(answers.at(-1)).toMatchObject({ message: 'Resource deleted successfully', data: { resourceType: 'dns' } });
  });

  it('Azure: connect, name, callback with the one-time token, list; an Azure DNS zone: create, records, list, delete; the same connection in mode oidc, with no secret', async () => {
    const r = await runBash(walkthrough('Walkthrough: Azure'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('"message":"Cloud connection completed successfully"');
    expect(r.stdout).toContain('"message":"Cloud connection verified successfully"');
    expect(r.stdout).not.toContain('sandbox-secret');
    const answers = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { message?: string; data?: unknown });
    const list = answers.find((a) => a.message === 'Cloud connections retrieved successfully') as { data: { accountName: string; connectionStatus: string }[] } | undefined;
    expect(list?.data).toEqual([
      expect.objectContaining({ accountName: 'Azure prod', connectionStatus: 'connected', accountId: '22222222-2222-4222-8222-222222222222', mode: 'secret' }),
      expect.objectContaining({ accountName: 'Azure federated', connectionStatus: 'connected', accountId: '22222222-2222-4222-8222-222222222222', mode: 'oidc' }),
    ]);
    expect(r.stdout).toContain('"message":"Cloud connection linked successfully"');
    const listed = answers.find((a) => a.message === 'DNS records retrieved successfully') as { data: { name: string; type: string; values: string[] }[] };
    expect(listed.data).toEqual([
      expect.objectContaining({ name: 'store.example.net.', type: 'A', values: ['192.0.2.40'] }),
      expect.objectContaining({ name: 'www.store.example.net.', type: 'CNAME', values: ['store.example.net.'] }),
    ]);
    expect(answers.at(-1)).toMatchObject({ message: 'Resource deleted successfully', data: { resourceType: 'dns' } });
  });

  it('Cloudflare: import a zone, write and list records, list resources', async () => {
    const r = await runBash(walkthrough('Walkthrough: Cloudflare'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('"name":"blog.example.org."');
    const resources = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { data: { name: string; metadata: { provider: string } }[] };
    expect(resources.data.map((d) => [d.name, d.metadata.provider])).toContainEqual(['marketing', 'cloudflare']);
    expect(r.stdout).not.toContain('sandbox-token');
  });
});

/**
 * The resources section continues the AWS one in the same shell, so it runs setup + AWS + resources
 * on a server of its own: the AWS section run twice on one server would connect the same account
 * twice and create example.com again.
 */
describe('README sandbox walkthrough: point a domain at your resources', { timeout: 120_000 }, () => {
  let own: Sandbox;
  beforeAll(async () => {
    own = await startSandbox();
  }, 60_000);
  afterAll(async () => {
    await own?.server.stop();
  });

  it('registers an instance and a load balancer, connects app and the apex, syncs, re-points, lists', async () => {
    const r = await runBash(walkthrough('Walkthrough: AWS and Route 53', 'Walkthrough: point a domain at your resources'), own);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    // One answer per line (the AWS section also echoes its console URL, which is not JSON).
    const answers = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { data?: { dns_active?: boolean; domainChecked?: string } });
    const sync = answers.find((a) => a.data?.domainChecked !== undefined);
    expect(sync?.data).toMatchObject({ dns_active: true, domainChecked: 'app.example.com' });
    expect(r.stdout).toContain('"message":"Resource updated successfully"');

    type Listed = { name: string; type: string; values: string[]; aliasTarget?: { hostedZoneId: string; dnsName: string } };
    const list = JSON.parse(lines.at(-1)!) as { data: Listed[] };
    const at = (name: string, type: string) => list.data.filter((s) => s.name === name && s.type === type);
    // The re-pointed address, not the registered one.
    expect(at('app.example.com.', 'A')).toEqual([expect.objectContaining({ values: ['192.0.2.21'] })]);
    expect(at('example.com.', 'A')).toEqual([
      expect.objectContaining({ aliasTarget: expect.objectContaining({ hostedZoneId: 'Z35SXDOTRQ7X7K', dnsName: 'shop-alb-1234.us-east-1.elb.amazonaws.com.' }) }),
    ]);
    expect(at('_gateways_app.app.example.com.', 'TXT')).toEqual([expect.objectContaining({ values: ['"installed"'] })]);
    expect(at('_gateways_app.example.com.', 'TXT')).toEqual([expect.objectContaining({ values: ['"installed"'] })]);
    // The AWS section's records are still there.
    expect(at('www.example.com.', 'A')).toEqual([expect.objectContaining({ values: ['192.0.2.10'] })]);
  });
});
