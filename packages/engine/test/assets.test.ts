import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AWS_MANAGED_POLICIES, renderAwsOidcTemplate, renderAwsTemplate, renderAzureSetupScript, renderGcpSetupScript } from '../src/connections/index.js';
import { ERROR_CODE_TABLE, isEngineError } from '../src/errors/index.js';
import { createTestEngine, failure, PUBLIC_URL } from './support/engine.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'cloudlink-assets-'));
  dirs.push(d);
  return d;
}
function writeExecutable(path: string, text: string) {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/** Run a command; resolves with exit code and output (never throws on a non-zero exit). */
function run(file: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { env, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** shellcheck must be installed (scripts/ensure-system-deps.sh); a missing binary fails the test. */
function shellcheck(script: string, shell: 'bash' | 'sh') {
  const dir = tempDir();
  const file = join(dir, `script.${shell}`);
  writeFileSync(file, script);
  execFileSync(shell, ['-n', file]);
  execFileSync('shellcheck', ['-s', shell, '-S', 'style', file], { stdio: 'pipe' });
}

describe('CloudFormation template', () => {
  it('trusts the platform account with the ExternalId condition and attaches the documented policies', async () => {
    const t = await createTestEngine();
    const yaml = await t.engine.publicAssets.awsTemplate();
    expect(yaml).toBe(renderAwsTemplate({ platformAccountId: '999999999999', roleName: 'GatewaysAppDeployRole' }));
    expect(yaml).toContain("AllowedPattern: '^[0-9a-f]{32}$'");
    expect(yaml).toContain("RoleName: 'GatewaysAppDeployRole'");
    expect(yaml).toContain('MaxSessionDuration: 3600');
    expect(yaml).toContain("AWS: 'arn:aws:iam::999999999999:root'");
    expect(yaml).toMatch(/StringEquals:\n\s+'sts:ExternalId':\n\s+Ref: ExternalId/);
    for (const p of AWS_MANAGED_POLICIES) expect(yaml).toContain(`'arn:aws:iam::aws:policy/${p}'`);
    expect(yaml).toContain("Action: 'iam:PassRole'");
    expect(yaml).toMatch(/Outputs:\n\s+RoleArn:/);
    expect(yaml).not.toMatch(/[0-9a-f]{32}(?!\})/);
    expect(() => renderAwsTemplate({ platformAccountId: '1', roleName: 'x' })).toThrow();
  });
});

describe('CloudFormation template, mode oidc', () => {
  it('creates or reuses the OIDC provider and pins the role to the issuer, the audience and the subject; no platform account, no ExternalId', async () => {
    const t = await createTestEngine();
    const yaml = await t.engine.publicAssets.awsOidcTemplate();
    expect(yaml).toBe(renderAwsOidcTemplate({ issuer: `${PUBLIC_URL}/api`, roleName: 'GatewaysAppDeployRole' }));
    const host = `${new URL(PUBLIC_URL).host}/api`;
    expect(yaml).toContain("Type: 'AWS::IAM::OIDCProvider'");
    expect(yaml).toContain(`Url: '${PUBLIC_URL}/api'`);
    expect(yaml).toMatch(/ClientIdList:\n\s+- 'sts.amazonaws.com'/);
    expect(yaml).toMatch(/Condition: CreateOidcProvider/);
    expect(yaml).toContain("Action: 'sts:AssumeRoleWithWebIdentity'");
    expect(yaml).toContain(`'${host}:aud': 'sts.amazonaws.com'`);
    expect(yaml).toMatch(new RegExp(`'${host.replace(/\./g, '\\.')}:sub':\\n\\s+Ref: ConnectionSubject`));
    expect(yaml).toContain("AllowedPattern: '^workspace:[0-9]+:connection:[0-9]+$'");
    expect(yaml).not.toMatch(/ExternalId|:root|sts:AssumeRole'/);
    for (const p of AWS_MANAGED_POLICIES) expect(yaml).toContain(`'arn:aws:iam::aws:policy/${p}'`);
    expect(yaml).toMatch(/Outputs:\n\s+RoleArn:/);
    expect(() => renderAwsOidcTemplate({ issuer: "https://x.example/api'", roleName: 'r' })).toThrow();
  });
});

describe('rendered values', () => {
  it('refuses values that could escape a single-quoted literal', () => {
    for (const issuer of ["https://x.example/api'; rm -rf /", 'https://x.example/$HOME', 'ftp://x.example', 'https://x .example']) {
      expect(() => renderGcpSetupScript({ issuer, subject: 'workspace:1:connection:2' })).toThrow();
    }
    expect(() => renderGcpSetupScript({ issuer: 'https://x.example/api', subject: "workspace:1:connection:2'" })).toThrow();
    expect(() => renderAzureSetupScript({ callbackUrl: 'https://x.example/a"b' })).toThrow();
  });
});

describe('GCP setup script', () => {
  it('is valid, shellcheck-clean bash with the issuer and subject as literals; 404 for bad connections', async () => {
    const t = await createTestEngine();
    const { actor, workspaceSlug } = await t.workspace('ann@example.com', 'Acme', 'pro');
    const gcp = await t.engine.cloudConnections.connectGcp(actor, { workspaceSlug });
    const aws = await t.engine.cloudConnections.connectAws(actor, { workspaceSlug });
    const script = await t.engine.publicAssets.gcpSetupScript({ connection: String(gcp.data.connectionId) });
    expect(script).toContain(`ISSUER_URI='${PUBLIC_URL}/api'`);
    expect(script).toContain(`SUBJECT='workspace:1:connection:${gcp.data.connectionId}'`);
    expect(script).toContain("SUBJECT_PREFIX='workspace:1:connection:'");
    shellcheck(script, 'bash');
    for (const connection of [undefined, '', 'abc', '0', '01', '99', String(aws.data.connectionId)]) {
      expect(await failure(t.engine.publicAssets.gcpSetupScript({ connection }))).toMatchObject({ error: 'Cloud connection not found' });
    }
  });

  it('runs against a stub gcloud, prints JSON and Base64, is idempotent, and its output completes the connection', async () => {
    const t = await createTestEngine();
    const { actor, workspaceSlug } = await t.workspace('ann@example.com', 'Acme');
    const { data } = await t.engine.cloudConnections.connectGcp(actor, { workspaceSlug });
    const dir = tempDir();
    const script = join(dir, 'gcp-wif.sh');
    writeFileSync(script, await t.engine.publicAssets.gcpSetupScript({ connection: data.connectionId }));
    writeExecutable(
      join(dir, 'gcloud'),
      `#!/usr/bin/env bash
echo "$*" >> "$STATE/calls.log"
case "$*" in
  "config get-value account") echo "ann@example.com" ;;
  "config get-value project") echo "my-gcp-project-12345" ;;
  "projects describe my-gcp-project-12345 --format=value(projectNumber)") echo "123456789012" ;;
  "iam service-accounts describe "*) [ -f "$STATE/sa" ] || exit 1 ;;
  "iam service-accounts create "*) touch "$STATE/sa" ;;
  "iam workload-identity-pools describe "*) [ -f "$STATE/pool" ] || exit 1 ;;
  "iam workload-identity-pools create "*) touch "$STATE/pool" ;;
  "iam workload-identity-pools providers describe "*) [ -f "$STATE/provider" ] || exit 1 ;;
  "iam workload-identity-pools providers create-oidc "*) touch "$STATE/provider" ;;
esac
`,
    );
    const env = { PATH: `${dir}:${process.env.PATH}`, STATE: dir, HOME: dir };
    const first = await run('bash', [script], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const lines = first.stdout.trimEnd().split('\n');
    const json = lines.at(-2)!;
    const b64 = lines.at(-1)!;
    expect(JSON.parse(json)).toEqual({
      projectId: 'my-gcp-project-12345',
      projectNumber: '123456789012',
      poolId: 'gateways-pool',
      providerId: 'gateways-oidc',
      serviceAccountEmail: 'gateways-cloud-connection@my-gcp-project-12345.iam.gserviceaccount.com',
    });
    expect(Buffer.from(b64, 'base64').toString('utf8')).toBe(json);
    const calls1 = readFileSync(join(dir, 'calls.log'), 'utf8');
    expect(calls1).toContain(`--issuer-uri=${PUBLIC_URL}/api`);
    expect(calls1).toContain("--attribute-condition=assertion.sub.startsWith('workspace:1:connection:')");
    expect(calls1).toContain('--attribute-mapping=google.subject=assertion.sub');
    expect(calls1).toContain(
      `--member=principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/gateways-pool/subject/workspace:1:connection:${data.connectionId}`,
    );
    expect(calls1).not.toContain('principalSet');
    for (const role of ['compute.admin', 'redis.admin', 'secretmanager.admin']) expect(calls1).toContain(`--role=roles/${role}`);
    expect(calls1.match(/ create /g)?.length ?? 0).toBeGreaterThan(0);

    writeFileSync(join(dir, 'calls.log'), '');
    const second = await run('bash', [script], env);
    expect(second.code).toBe(0);
    expect(second.stdout.trimEnd().split('\n').slice(-2)).toEqual([json, b64]);
    const calls2 = readFileSync(join(dir, 'calls.log'), 'utf8');
    expect(calls2).not.toMatch(/service-accounts create|pools create|create-oidc/);
    expect(calls2).toContain('providers update-oidc gateways-oidc');

    const done = await t.engine.cloudConnections.complete(actor, { workspaceSlug, connectionId: data.connectionId, accountName: 'GCP', wifConfig: b64 });
    expect(done.data).toMatchObject({ connectionStatus: 'connected', accountId: 'my-gcp-project-12345' });
  });

  it('stops with a message when no project is selected or an override is malformed', async () => {
    const dir = tempDir();
    const script = join(dir, 's.sh');
    writeFileSync(script, renderGcpSetupScript({ issuer: 'https://x.example/api', subject: 'workspace:1:connection:2' }));
    writeExecutable(join(dir, 'gcloud'), '#!/usr/bin/env bash\n[ "$*" = "config get-value account" ] && echo a@b.c\nexit 0\n');
    const env = { PATH: `${dir}:${process.env.PATH}` };
    const none = await run('bash', [script], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no project selected');
    const bad = await run('bash', [script], { ...env, GCP_POOL_ID: 'x;rm' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('GCP_POOL_ID');
  });
});

describe('Azure setup script', () => {
  const AZ = `#!/bin/sh
echo "$*" >> "$STATE/calls.log"
case "$*" in
  "account show") echo '{}' ;;
  "account show --query tenantId -o tsv") echo "11111111-2222-3333-4444-555555555555" ;;
  "account show --query id -o tsv") echo "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" ;;
  "ad app create "*) echo "99999999-8888-7777-6666-555555555555" ;;
  "ad app credential reset "*) echo "$STUB_SECRET" ;;
esac
`;

  async function callbackServer(handle: (body: unknown) => Promise<unknown>): Promise<{ server: Server; url: string }> {
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', async () => {
        try {
          const body = await handle(JSON.parse(raw));
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        } catch (e) {
          if (!isEngineError(e)) throw e;
          res.writeHead(ERROR_CODE_TABLE[e.code].http, { 'content-type': 'application/json' }).end(JSON.stringify(e.toBody()));
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/cloud-connections/azure-setup-callback` };
  }

  it('is valid, shellcheck-clean POSIX sh with the callback URL as a literal', async () => {
    const t = await createTestEngine();
    const script = await t.engine.publicAssets.azureSetupScript();
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toContain(`DEFAULT_CALLBACK='${PUBLIC_URL}/api/cloud-connections/azure-setup-callback'`);
    shellcheck(script, 'sh');
  });

  it('posts the credentials with the token to the callback, which completes the connection', async () => {
    const t = await createTestEngine();
    const { actor, workspaceSlug } = await t.workspace('ann@example.com', 'Acme');
    const { data } = await t.engine.cloudConnections.connectAzure(actor, { workspaceSlug });
    const token = /T="([0-9a-f]{24})"/.exec(data.setupCommand)![1]!;
    await t.engine.cloudConnections.update(actor, { workspaceSlug, connectionId: data.connectionId, accountName: 'Prod Azure' });
    const received: unknown[] = [];
    const { server, url } = await callbackServer(async (body) => {
      received.push(body);
      return t.engine.cloudConnections.azureSetupCallback(null, body as never);
    });
    try {
      const dir = tempDir();
      const script = join(dir, 'azure.sh');
      writeFileSync(script, await t.engine.publicAssets.azureSetupScript());
      writeExecutable(join(dir, 'az'), AZ);
      writeExecutable(join(dir, 'sleep'), '#!/bin/sh\necho "sleep $*" >> "$STATE/calls.log"\n');
      const env = { PATH: `${dir}:${process.env.PATH}`, STATE: dir, T: token, W: url, STUB_SECRET: 'Sup3r~"Secret\\Value' };
      const ok = await run('sh', [script], env);
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      expect(ok.stdout.trimEnd().split('\n').at(-1)).toBe('Cloud connection completed successfully');
      expect(ok.stdout).not.toContain('Sup3r');
      expect(received).toEqual([
        {
          token,
          azureCredentials: {
            tenantId: '11111111-2222-3333-4444-555555555555',
            subscriptionId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
            clientId: '99999999-8888-7777-6666-555555555555',
            clientSecret: 'Sup3r~"Secret\\Value',
          },
        },
      ]);
      const calls = readFileSync(join(dir, 'calls.log'), 'utf8');
      expect(calls).toMatch(/ad app create --display-name GatewaysApp-\d+/);
      expect(calls).toContain('role assignment create --assignee 99999999-8888-7777-6666-555555555555 --role User Access Administrator --scope /subscriptions/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee');
      expect(calls).toContain('provider register --namespace Microsoft.ManagedIdentity');
      expect(calls).toContain('sleep 30');
      expect((await t.storage.connections.getConnectionById(data.connectionId))!.status).toBe('connected');

      // Run again: the token is spent, so the script falls back to printing the credentials.
      const again = await run('sh', [script], env);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('cloudlink answered 400: Invalid or expired setup token');
      const [json, b64] = again.stdout.trimEnd().split('\n').slice(-2);
      expect(JSON.parse(json!)).toMatchObject({ clientSecret: 'Sup3r~"Secret\\Value' });
      expect(Buffer.from(b64!, 'base64').toString('utf8')).toBe(json);
    } finally {
      server.close();
    }
  });

  it('oidc mode: the per-connection script adds a federated credential instead of a secret and sends only the ids', async () => {
    const t = await createTestEngine();
    const { actor, workspaceSlug, workspaceId } = await t.workspace('ann@example.com', 'Acme');
    const secretMode = await t.engine.cloudConnections.connectAzure(actor, { workspaceSlug });
    const { data } = await t.engine.cloudConnections.connectAzure(actor, { workspaceSlug, mode: 'oidc' });
    expect(data.setupScriptUrl).toBe(`${PUBLIC_URL}/api/cloud-connections/scripts/azure.sh?connection=${data.connectionId}`);
    expect(data.setupCommand).toContain(`'${PUBLIC_URL}/api/cloud-connections/scripts/azure.sh?connection=${data.connectionId}' | sh`);
    for (const connection of [String(secretMode.data.connectionId), '0', 'abc', '99999']) {
      expect(await failure(t.engine.publicAssets.azureSetupScript({ connection }))).toMatchObject({ error: 'Cloud connection not found' });
    }
    const text = await t.engine.publicAssets.azureSetupScript({ connection: data.connectionId });
    shellcheck(text, 'sh');
    expect(text).not.toContain('credential reset');
    const token = /T="([0-9a-f]{24})"/.exec(data.setupCommand)![1]!;
    await t.engine.cloudConnections.update(actor, { workspaceSlug, connectionId: data.connectionId, accountName: 'Prod Azure' });
    const received: unknown[] = [];
    const { server, url } = await callbackServer(async (body) => {
      received.push(body);
      return t.engine.cloudConnections.azureSetupCallback(null, body as never);
    });
    try {
      const dir = tempDir();
      const script = join(dir, 'azure.sh');
      writeFileSync(script, text);
      writeExecutable(join(dir, 'az'), AZ);
      writeExecutable(join(dir, 'sleep'), '#!/bin/sh\necho "sleep $*" >> "$STATE/calls.log"\n');
      const ok = await run('sh', [script], { PATH: `${dir}:${process.env.PATH}`, STATE: dir, T: token, W: url, STUB_SECRET: 'never-created' });
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      expect(received).toEqual([
        { token, azureCredentials: { tenantId: '11111111-2222-3333-4444-555555555555', subscriptionId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', clientId: '99999999-8888-7777-6666-555555555555' } },
      ]);
      const calls = readFileSync(join(dir, 'calls.log'), 'utf8');
      expect(calls).not.toContain('credential reset');
      const subject = `workspace:${workspaceId}:connection:${data.connectionId}`;
      const created = calls.split('\n').find((l) => l.startsWith('ad app federated-credential create --id 99999999-8888-7777-6666-555555555555 --parameters '));
      expect(JSON.parse(created!.slice(created!.indexOf('{')))).toEqual({
        name: `cloudlink-workspace-${workspaceId}-connection-${data.connectionId}`,
        issuer: `${PUBLIC_URL}/api`,
        subject,
        audiences: ['api://AzureADTokenExchange'],
        description: 'cloudlink connection (no client secret)',
      });
      expect(calls).toContain('role assignment create --assignee 99999999-8888-7777-6666-555555555555 --role Contributor');
      expect((await t.storage.connections.getConnectionById(data.connectionId))!.status).toBe('connected');
    } finally {
      server.close();
    }
  });

  it('refuses a malformed token before touching Azure', async () => {
    const dir = tempDir();
    const script = join(dir, 'azure.sh');
    writeFileSync(script, renderAzureSetupScript({ callbackUrl: 'https://x.example/cb' }));
    writeExecutable(join(dir, 'az'), AZ);
    for (const T of ['', 'ABCDEF0123456789abcdef01', 'abc']) {
      const res = await run('sh', [script], { PATH: `${dir}:${process.env.PATH}`, STATE: dir, T });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('T must be the 24-character lowercase hex setup token');
    }
    expect(() => readFileSync(join(dir, 'calls.log'))).toThrow();
  });
});
