import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { resolveSecrets } from '../src/secrets.js';

const KEY = Buffer.alloc(32, 7).toString('base64');

describe('loadConfig', () => {
  it('applies the documented defaults when nothing is set', () => {
    const c = loadConfig({}, '/srv/app');
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: '/srv/app/data',
      publicUrl: 'http://localhost:3000',
      sandbox: false,
      aws: { roleName: 'GatewaysAppDeployRole' },
      cloudflare: { apiBaseUrl: 'https://api.cloudflare.com/client/v4', batchSize: 200 },
      gcp: { stsUrl: 'https://sts.googleapis.com/v1/token', dnsUrl: 'https://dns.googleapis.com' },
      azure: { authorityHost: 'https://login.microsoftonline.com', armUrl: 'https://management.azure.com', tokenTtlSeconds: 3600 },
      dns: { azureResourceGroup: 'cloudlink-dns', safety: { thresholdPercent: 30, minExistingRecordSets: 10 } },
      verify: { enabled: true, intervalSeconds: 21600 },
      shutdownGraceSeconds: 10,
    });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dnsResolvers).toBeUndefined();
  });

  it('reads every variable that is set', () => {
    const c = loadConfig({
      PORT: '8080', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u@db:5432/x', CLOUDLINK_DATA_DIR: '/var/cl',
      CLOUDLINK_PUBLIC_URL: 'https://cl.example.com/', CLOUDLINK_ENCRYPTION_KEYS: `a:${KEY},b:${KEY}`,
      CLOUDLINK_JWT_SECRET: 'x'.repeat(32), CLOUDLINK_AWS_ACCOUNT_ID: '123456789012', CLOUDLINK_AWS_TEMPLATE_URL: 'https://s3/t.yaml',
      CLOUDLINK_AWS_ROLE_NAME: 'MyRole', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:1', AWS_ENDPOINT_URL_ROUTE_53: 'http://127.0.0.1:2',
      CLOUDFLARE_API_BASE_URL: 'http://127.0.0.1:3/client/v4', CLOUDLINK_CLOUDFLARE_BATCH_SIZE: '50',
      CLOUDLINK_GCP_STS_URL: 'http://127.0.0.1:4/v1/token', CLOUDLINK_GCP_IAM_CREDENTIALS_URL: 'http://127.0.0.1:5',
      CLOUDLINK_GCP_RESOURCE_MANAGER_URL: 'http://127.0.0.1:6', AZURE_AUTHORITY_HOST: 'https://127.0.0.1:7',
      CLOUDLINK_AZURE_ARM_URL: 'http://127.0.0.1:8', CLOUDLINK_AZURE_TOKEN_TTL_SECONDS: '600',
      CLOUDLINK_GCP_DNS_URL: 'http://127.0.0.1:9', CLOUDLINK_AZURE_DNS_RESOURCE_GROUP: 'platform-dns',
      CLOUDLINK_DNS_RESOLVERS: '127.0.0.1:5353,[::1],10.0.0.2', CLOUDLINK_SANDBOX: '1',
      CLOUDLINK_VERIFY: 'off', CLOUDLINK_VERIFY_INTERVAL_SECONDS: '3600', CLOUDLINK_SHUTDOWN_GRACE_SECONDS: '25',
      CLOUDLINK_DNS_SAFETY_THRESHOLD_PERCENT: '50', CLOUDLINK_DNS_SAFETY_MIN_RECORD_SETS: '0',
    });
    expect(c).toMatchObject({
      port: 8080, host: '0.0.0.0', databaseUrl: 'postgres://u@db:5432/x', dataDir: '/var/cl', publicUrl: 'https://cl.example.com',
      jwtSecret: 'x'.repeat(32), sandbox: true,
      aws: { accountId: '123456789012', templateUrl: 'https://s3/t.yaml', roleName: 'MyRole', stsEndpoint: 'http://127.0.0.1:1', route53Endpoint: 'http://127.0.0.1:2' },
      cloudflare: { apiBaseUrl: 'http://127.0.0.1:3/client/v4', batchSize: 50 },
      gcp: { stsUrl: 'http://127.0.0.1:4/v1/token', iamCredentialsUrl: 'http://127.0.0.1:5', resourceManagerUrl: 'http://127.0.0.1:6', dnsUrl: 'http://127.0.0.1:9' },
      azure: { authorityHost: 'https://127.0.0.1:7', armUrl: 'http://127.0.0.1:8', tokenTtlSeconds: 600 },
      dns: { azureResourceGroup: 'platform-dns', safety: { thresholdPercent: 50, minExistingRecordSets: 0 } },
      dnsResolvers: [{ host: '127.0.0.1', port: 5353 }, { host: '::1', port: 53 }, { host: '10.0.0.2', port: 53 }],
      verify: { enabled: false, intervalSeconds: 3600 },
      shutdownGraceSeconds: 25,
    });
    expect(c.encryptionKeys).toBe(`a:${KEY},b:${KEY}`);
  });

  it('lists every malformed variable in one error, each by name', () => {
    const bad = {
      PORT: 'eighty', DATABASE_URL: 'mysql://x', CLOUDLINK_PUBLIC_URL: 'not a url', CLOUDLINK_ENCRYPTION_KEYS: 'k1:short',
      CLOUDLINK_JWT_SECRET: 'tiny', CLOUDLINK_AWS_ACCOUNT_ID: '12345', CLOUDLINK_AWS_TEMPLATE_URL: 'ftp://x', CLOUDLINK_AWS_ROLE_NAME: 'bad role!',
      AWS_ENDPOINT_URL_STS: 'nope', AWS_ENDPOINT_URL_ROUTE_53: 'nope', CLOUDFLARE_API_BASE_URL: 'nope', CLOUDLINK_CLOUDFLARE_BATCH_SIZE: '0',
      CLOUDLINK_GCP_STS_URL: 'nope', CLOUDLINK_GCP_IAM_CREDENTIALS_URL: 'nope', CLOUDLINK_GCP_RESOURCE_MANAGER_URL: 'nope',
      AZURE_AUTHORITY_HOST: 'http://127.0.0.1:1', CLOUDLINK_AZURE_ARM_URL: 'nope', CLOUDLINK_AZURE_TOKEN_TTL_SECONDS: '-5',
      CLOUDLINK_GCP_DNS_URL: 'nope', CLOUDLINK_AZURE_DNS_RESOURCE_GROUP: 'rg/with/slashes',
      CLOUDLINK_DNS_RESOLVERS: '127.0.0.1,dns.google', CLOUDLINK_SANDBOX: 'yes', HOST: 'bad host/',
      CLOUDLINK_VERIFY: 'sometimes', CLOUDLINK_VERIFY_INTERVAL_SECONDS: '59', CLOUDLINK_SHUTDOWN_GRACE_SECONDS: '1h',
      CLOUDLINK_DNS_SAFETY_THRESHOLD_PERCENT: '101', CLOUDLINK_DNS_SAFETY_MIN_RECORD_SETS: '-1',
    };
    let error: unknown;
    try {
      loadConfig(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    for (const name of Object.keys(bad)) expect(problems.some((p) => p.startsWith(`${name} `)), name).toBe(true);
    expect(problems).toHaveLength(Object.keys(bad).length);
  });

  it('never echoes the password of a malformed URL (DATABASE_URL carries one)', () => {
    const bad = {
      DATABASE_URL: 'mysql://app:hunter2-pw@db:5432/x',
      CLOUDLINK_PUBLIC_URL: 'ftp://ops:s3cret-pw@cl.example.com',
    };
    let error: unknown;
    try {
      loadConfig({ ...bad });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = `${(error as ConfigError).message}\n${(error as ConfigError).problems.join('\n')}`;
    expect(text).toContain('DATABASE_URL');
    expect(text).toContain('CLOUDLINK_PUBLIC_URL');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('s3cret');
    expect(() => loadConfig({ DATABASE_URL: 'postgres://app:hunter2-pw@db:99999/x' })).toThrow(/^(?![\s\S]*hunter2)[\s\S]*DATABASE_URL/);
  });

  it('refuses a CLOUDLINK_PUBLIC_URL with a query or fragment (the issuer and script URLs are built by appending paths)', () => {
    for (const v of ['https://cl.example.com/?x=1', 'https://cl.example.com/#top', 'https://cl.example.com/base?']) {
      expect(() => loadConfig({ CLOUDLINK_PUBLIC_URL: v }), v).toThrow(/CLOUDLINK_PUBLIC_URL/);
    }
    expect(loadConfig({ CLOUDLINK_PUBLIC_URL: 'https://cl.example.com/base/' }).publicUrl).toBe('https://cl.example.com/base');
  });

  it('refuses a CLOUDLINK_PUBLIC_URL with shell metacharacters (it is pasted into setup scripts and Cloud Shell commands)', () => {
    for (const v of ['https://x.example/$(id)', 'https://x.example/`id`', 'https://x.example/a;b', 'https://x.example/a|b', "https://x.example/it's", 'https://ops@x.example']) {
      let error: unknown;
      try {
        loadConfig({ CLOUDLINK_PUBLIC_URL: v });
      } catch (e) {
        error = e;
      }
      expect(error, v).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems, v).toEqual([expect.stringMatching(/^CLOUDLINK_PUBLIC_URL must be an absolute http\(s\) base URL of letters, digits and - \. _ ~ : \/ % \[ \] only/)]);
    }
    expect(loadConfig({ CLOUDLINK_PUBLIC_URL: 'http://[::1]:8080/cl_ink' }).publicUrl).toBe('http://[::1]:8080/cl_ink');
  });

  it('refuses resolver entries that are not IP addresses', () => {
    for (const entry of ['300.1.1.1', '1.2.3.256:53', '[1:2]', '[::1::2]:53']) {
      expect(() => loadConfig({ CLOUDLINK_DNS_RESOLVERS: `127.0.0.1,${entry}` }), entry).toThrow(/CLOUDLINK_DNS_RESOLVERS/);
    }
    expect(loadConfig({ CLOUDLINK_DNS_RESOLVERS: '[2001:db8::53]:5353,192.0.2.1' }).dnsResolvers).toEqual([
      { host: '2001:db8::53', port: 5353 },
      { host: '192.0.2.1', port: 53 },
    ]);
  });
});

describe('resolveSecrets', () => {
  it('generates the keys once into the data dir (mode 0600) with a warning, then reuses them', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cl-secrets-'));
    const warnings: string[] = [];
    const first = resolveSecrets(loadConfig({ CLOUDLINK_DATA_DIR: dataDir }), (m) => warnings.push(m));
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).toMatch(/CLOUDLINK_ENCRYPTION_KEYS[\s\S]*CLOUDLINK_JWT_SECRET/);
    for (const f of ['encryption-keys', 'jwt-secret']) expect(statSync(path.join(dataDir, f)).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8').trim()).toBe(first.jwtSecret);
    const again = resolveSecrets(loadConfig({ CLOUDLINK_DATA_DIR: dataDir }), (m) => warnings.push(m));
    expect(again).toEqual(first);
    expect(warnings).toHaveLength(2);
  });

  it('refuses an empty or short jwt-secret file by name, and leaves it as it is', () => {
    for (const content of ['\n', 'short\n']) {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'cl-secrets-'));
      const file = path.join(dataDir, 'jwt-secret');
      writeFileSync(file, content, { mode: 0o600 });
      let error: unknown;
      try {
        resolveSecrets(loadConfig({ CLOUDLINK_DATA_DIR: dataDir, CLOUDLINK_ENCRYPTION_KEYS: `k:${KEY}` }), () => {});
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(content)).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toContain(file);
      expect((error as ConfigError).message).not.toContain('short');
      expect(readFileSync(file, 'utf8')).toBe(content);
    }
  });

  it('prefers the variables and writes nothing', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cl-secrets-'));
    const s = resolveSecrets(
      loadConfig({ CLOUDLINK_DATA_DIR: dataDir, CLOUDLINK_ENCRYPTION_KEYS: `k:${KEY}`, CLOUDLINK_JWT_SECRET: 's'.repeat(40) }),
      () => expect.unreachable('no warning'),
    );
    expect(s).toEqual({ encryptionKeys: `k:${KEY}`, jwtSecret: 's'.repeat(40) });
  });
});
