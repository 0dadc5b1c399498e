import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnServer, testEnv, type SpawnedServer } from './support/spawn-server.js';
import { SAMPLE_WIF_CONFIG } from '../../../test-support/cloud-samples.js';

/**
 * The built server on SQLite with the real providers, every module it loads recorded by a loader
 * hook: serving reads loads no cloud SDK and no Postgres driver (each costs MiB of resident memory);
 * the SDK of a provider is loaded once a flow calls it. The hook sees every module of the ESM graph
 * and the entry file of each CommonJS package imported from it.
 */
let dir: string;
let loadedLog: string;
let server: SpawnedServer;
let env: Record<string, string>;

const loaded = () => readFileSync(loadedLog, 'utf8');
const HEAVY = ['/@aws-sdk+client-sts@', '/@aws-sdk+client-route-53@', '/@azure+identity@', '/@azure+core-rest-pipeline@', '/google-auth-library@', '/cloudflare@', '/pg-boss@', '/pg@'];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cloudlink-lazy-modules-'));
  loadedLog = path.join(dir, 'loaded.txt');
  writeFileSync(loadedLog, '');
  const hooks = path.join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) {\n  appendFileSync(${JSON.stringify(loadedLog)}, url + '\\n');\n  return next(url, context);\n}\n`,
  );
  const register = path.join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  // Real providers (not the sandbox), pointed at a closed port: the GCP call below fails fast.
  env = testEnv({
    CLOUDLINK_GCP_STS_URL: 'http://127.0.0.1:9/v1/token',
    CLOUDLINK_GCP_IAM_CREDENTIALS_URL: 'http://127.0.0.1:9',
    CLOUDLINK_GCP_RESOURCE_MANAGER_URL: 'http://127.0.0.1:9',
  });
  server = await spawnServer({ ...env, NODE_OPTIONS: `--import=${pathToFileURL(register).href}` });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe('modules loaded on demand', { timeout: 120_000 }, () => {
  it('serves reads without loading a cloud SDK or the Postgres driver; a GCP flow loads google-auth-library', async () => {
    const seeded = await runCli(['seed', '--workspace', 'acme', '--project', 'shop', '--environment', 'prod', '--email', 'o@example.com', '--role', 'owner'], env);
    expect(seeded.code, seeded.stderr).toBe(0);
    const headers = { authorization: `Bearer ${(JSON.parse(seeded.stdout) as { token: string }).token}`, 'content-type': 'application/json' };
    expect((await fetch(`${server.url}/api/cloud-connections/acme`, { headers })).status).toBe(200);
    expect((await fetch(`${server.url}/api/cloud-connections/acme/connect-gcp`, { method: 'POST', headers, body: '{}' })).status).toBe(201);

    const atStart = loaded();
    // The recording works: the SQLite storage and the server's own chunks were seen.
    expect(atStart).toContain('/storage-sqlite/dist/index.js');
    expect(atStart).toContain('/better-sqlite3@');
    for (const heavy of HEAVY) expect(atStart, heavy).not.toContain(heavy);

    const complete = await fetch(`${server.url}/api/cloud-connections/acme/1/complete`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        accountName: 'GCP',
        wifConfig: SAMPLE_WIF_CONFIG,
      }),
    });
    // The closed port makes the STS step fail as unreachable: 502, after the SDK was loaded to call it.
    expect(complete.status).toBe(502);
    expect(loaded()).toContain('/google-auth-library@');
  });
});
