import { AZURE_RESOURCE_GROUP_RULE, DEFAULT_AZURE_DNS_RESOURCE_GROUP, isAzureResourceGroupName, isSafeBaseUrl, SAFE_BASE_URL_RULE } from '@cloudlink/engine';
import { isIP } from 'node:net';
import path from 'node:path';
import { parseEncryptionKeys, trimTrailingSlashes } from '@cloudlink/engine';
import { schemaNamespace } from '@cloudlink/storage-kysely';

/**
 * The server's settings, read from the environment. Every variable that is set is checked
 * for form; `loadConfig` collects every problem and throws one `ConfigError` naming each variable,
 * so a misconfigured server stops at start instead of failing on the first request that needs it.
 * Reading is pure: generated dev keys are handled by `resolveSecrets` (secrets.ts).
 */
export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  /** Postgres connection string; unset → SQLite file `<dataDir>/cloudlink.db`. */
  readonly databaseUrl?: string;
  /**
   * `CLOUDLINK_DATABASE_SCHEMA`: the Postgres schema of cloudlink's tables (docs/storage-namespaces.md),
   * and `<schema>_pgboss` for the job queue; unset → unqualified names (normally `public`) and `pgboss`.
   */
  readonly databaseSchema?: string;
  /** Absolute path of `CLOUDLINK_DATA_DIR`. */
  readonly dataDir: string;
  /** Public base URL without trailing slash. */
  readonly publicUrl: string;
  /** False when `publicUrl` is the `http://localhost:PORT` default (the server fixes it up for PORT=0). */
  readonly publicUrlSet: boolean;
  /** Raw `CLOUDLINK_ENCRYPTION_KEYS` (`kid:base64`, comma-separated); unset → generated file. */
  readonly encryptionKeys?: string;
  /** Raw `CLOUDLINK_JWT_SECRET`; unset → generated file. */
  readonly jwtSecret?: string;
  readonly aws: {
    readonly accountId?: string;
    readonly templateUrl?: string;
    readonly roleName: string;
    readonly stsEndpoint?: string;
    readonly route53Endpoint?: string;
  };
  readonly cloudflare: { readonly apiBaseUrl: string; readonly batchSize: number };
  readonly gcp: { readonly stsUrl: string; readonly iamCredentialsUrl: string; readonly resourceManagerUrl: string; /** `CLOUDLINK_GCP_DNS_URL`: the Cloud DNS API origin. */ readonly dnsUrl: string };
  readonly azure: { readonly authorityHost: string; readonly armUrl: string; readonly tokenTtlSeconds: number };
  /**
   * DNS: `CLOUDLINK_AZURE_DNS_RESOURCE_GROUP`, where Azure DNS zones go unless a create names one
   * (docs/records.md#zones); the safety threshold of record writes (docs/records.md#plan-before-apply),
   * `CLOUDLINK_DNS_SAFETY_THRESHOLD_PERCENT` (default 30) and `CLOUDLINK_DNS_SAFETY_MIN_RECORD_SETS` (default 10).
   */
  readonly dns: { readonly azureResourceGroup: string; readonly safety: { readonly thresholdPercent: number; readonly minExistingRecordSets: number } };
  /** `CLOUDLINK_DNS_RESOLVERS`; unset → the system resolvers. */
  readonly dnsResolvers?: readonly { readonly host: string; readonly port: number }[];
  readonly sandbox: boolean;
  /**
   * Scheduled re-verification of connected and failed connections (docs/connections.md):
   * `CLOUDLINK_VERIFY` (`on` | `off`, default on) and `CLOUDLINK_VERIFY_INTERVAL_SECONDS` (default 6 h).
   */
  readonly verify: { readonly enabled: boolean; readonly intervalSeconds: number };
  /**
   * `CLOUDLINK_SHUTDOWN_GRACE_SECONDS`: how long a stopping server lets in-flight requests finish
   * before it cuts them (and then exits with 1 rather than 0).
   */
  readonly shutdownGraceSeconds: number;
}

/** Thrown by `loadConfig` with one line per malformed variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** The variables `loadConfig` reads, for `--help` texts and the README table. */
export const CONFIG_VARIABLES = [
  'PORT', 'HOST', 'DATABASE_URL', 'CLOUDLINK_DATABASE_SCHEMA', 'CLOUDLINK_DATA_DIR', 'CLOUDLINK_PUBLIC_URL', 'CLOUDLINK_ENCRYPTION_KEYS',
  'CLOUDLINK_JWT_SECRET', 'CLOUDLINK_AWS_ACCOUNT_ID', 'CLOUDLINK_AWS_TEMPLATE_URL', 'CLOUDLINK_AWS_ROLE_NAME',
  'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_ROUTE_53', 'CLOUDFLARE_API_BASE_URL', 'CLOUDLINK_CLOUDFLARE_BATCH_SIZE',
  'CLOUDLINK_GCP_STS_URL', 'CLOUDLINK_GCP_IAM_CREDENTIALS_URL', 'CLOUDLINK_GCP_RESOURCE_MANAGER_URL', 'CLOUDLINK_GCP_DNS_URL',
  'AZURE_AUTHORITY_HOST', 'CLOUDLINK_AZURE_ARM_URL', 'CLOUDLINK_AZURE_TOKEN_TTL_SECONDS', 'CLOUDLINK_AZURE_DNS_RESOURCE_GROUP', 'CLOUDLINK_DNS_RESOLVERS',
  'CLOUDLINK_DNS_SAFETY_THRESHOLD_PERCENT', 'CLOUDLINK_DNS_SAFETY_MIN_RECORD_SETS',
  'CLOUDLINK_SANDBOX', 'CLOUDLINK_VERIFY', 'CLOUDLINK_VERIFY_INTERVAL_SECONDS', 'CLOUDLINK_SHUTDOWN_GRACE_SECONDS',
] as const;

type Env = Readonly<Record<string, string | undefined>>;

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** Cloud DNS's API origin; the provider's own default too (read here so config.ts stays the one place env vars are read). */
const DEFAULT_CLOUDDNS_URL = 'https://dns.googleapis.com';
const HOSTNAME = /^[A-Z0-9.:[\]-]+$/i;

/** Read and validate every variable of the root README's Configuration table from `env` (default `process.env`). */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): ServerConfig {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return Number(raw);
  };
  const url = (name: string, fallback: string | undefined, protocols: readonly string[] = ['http:', 'https:']): string | undefined => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) throw new Error('protocol');
      return trimTrailingSlashes(raw);
    } catch {
      problems.push(`${name} must be an absolute ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL (got "${withoutUserinfo(raw)}")`);
      return fallback;
    }
  };

  const port = int('PORT', 3000, 0, 65535);
  const host = get('HOST') ?? '127.0.0.1';
  if (!HOSTNAME.test(host)) problems.push(`HOST must be a host name or IP address (got "${host}")`);

  const databaseUrl = url('DATABASE_URL', undefined, ['postgres:', 'postgresql:']);
  const databaseSchema = get('CLOUDLINK_DATABASE_SCHEMA');
  if (databaseSchema !== undefined) {
    // The storage's own rule, so the server stops here with the variable named.
    try {
      schemaNamespace(databaseSchema);
      if (get('DATABASE_URL') === undefined) problems.push('CLOUDLINK_DATABASE_SCHEMA needs DATABASE_URL (a schema is a Postgres namespace; SQLite has none)');
    } catch (e) {
      problems.push(`CLOUDLINK_DATABASE_SCHEMA ${(e as Error).message.replace(/^schema /, '')}`);
    }
  }
  const dataDir = path.resolve(cwd, get('CLOUDLINK_DATA_DIR') ?? './data');
  let publicUrl = url('CLOUDLINK_PUBLIC_URL', `http://localhost:${port}`) ?? `http://localhost:${port}`;
  // A base URL: the issuer (`…/api`) and every script URL are built by appending a path to it, and
  // it is pasted into setup scripts and Cloud Shell commands, so the engine's rule is checked here
  // too, to stop at start with the variable named.
  if (!isSafeBaseUrl(publicUrl)) {
    problems.push(`CLOUDLINK_PUBLIC_URL must be ${SAFE_BASE_URL_RULE} (got "${withoutUserinfo(publicUrl)}")`);
    publicUrl = `http://localhost:${port}`;
  }

  const encryptionKeys = get('CLOUDLINK_ENCRYPTION_KEYS');
  if (encryptionKeys !== undefined) {
    const problem = checkEncryptionKeys(encryptionKeys);
    if (problem) problems.push(`CLOUDLINK_ENCRYPTION_KEYS ${problem}`);
  }
  const jwtSecret = get('CLOUDLINK_JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    problems.push('CLOUDLINK_JWT_SECRET must be at least 32 characters (HS256 needs a 256-bit secret)');
  }

  const accountId = get('CLOUDLINK_AWS_ACCOUNT_ID');
  if (accountId !== undefined && !/^\d{12}$/.test(accountId)) {
    problems.push(`CLOUDLINK_AWS_ACCOUNT_ID must be a 12-digit AWS account ID (got "${accountId}")`);
  }
  const roleName = get('CLOUDLINK_AWS_ROLE_NAME') ?? 'GatewaysAppDeployRole';
  if (!ROLE_NAME.test(roleName)) problems.push(`CLOUDLINK_AWS_ROLE_NAME must be an IAM role name (1-64 of letters, digits, +=,.@_-) (got "${roleName}")`);

  const sandboxRaw = get('CLOUDLINK_SANDBOX')?.toLowerCase();
  let sandbox = false;
  if (sandboxRaw !== undefined) {
    if (['true', '1'].includes(sandboxRaw)) sandbox = true;
    else if (!['false', '0'].includes(sandboxRaw)) problems.push(`CLOUDLINK_SANDBOX must be true, 1, false or 0 (got "${sandboxRaw}")`);
  }

  const azureResourceGroup = get('CLOUDLINK_AZURE_DNS_RESOURCE_GROUP') ?? DEFAULT_AZURE_DNS_RESOURCE_GROUP;
  if (!isAzureResourceGroupName(azureResourceGroup)) {
    problems.push(`CLOUDLINK_AZURE_DNS_RESOURCE_GROUP must be ${AZURE_RESOURCE_GROUP_RULE} (got "${azureResourceGroup.slice(0, 100)}")`);
  }

  const verifyRaw = get('CLOUDLINK_VERIFY')?.toLowerCase();
  let verifyEnabled = true;
  if (verifyRaw !== undefined) {
    if (['off', 'false', '0'].includes(verifyRaw)) verifyEnabled = false;
    else if (!['on', 'true', '1'].includes(verifyRaw)) problems.push(`CLOUDLINK_VERIFY must be on or off (got "${verifyRaw}")`);
  }
  // At least a minute: every check calls the customer's cloud; at most 30 days.
  const verifyIntervalSeconds = int('CLOUDLINK_VERIFY_INTERVAL_SECONDS', 6 * 3600, 60, 30 * 24 * 3600);
  // Meant to stay below the process manager's kill timeout (compose.yaml gives 20 s): a request that
  // outlives it is better cut by the server, which logs it and still closes the database, than by SIGKILL.
  const shutdownGraceSeconds = int('CLOUDLINK_SHUTDOWN_GRACE_SECONDS', 10, 0, 3600);

  const config: ServerConfig = {
    port,
    host,
    ...(databaseUrl !== undefined && { databaseUrl }),
    ...(databaseSchema !== undefined && { databaseSchema }),
    dataDir,
    publicUrl: trimTrailingSlashes(publicUrl),
    publicUrlSet: get('CLOUDLINK_PUBLIC_URL') !== undefined,
    ...(encryptionKeys !== undefined && { encryptionKeys }),
    ...(jwtSecret !== undefined && { jwtSecret }),
    aws: {
      ...(accountId !== undefined && { accountId }),
      ...optional('templateUrl', url('CLOUDLINK_AWS_TEMPLATE_URL', undefined)),
      roleName,
      ...optional('stsEndpoint', url('AWS_ENDPOINT_URL_STS', undefined)),
      ...optional('route53Endpoint', url('AWS_ENDPOINT_URL_ROUTE_53', undefined)),
    },
    cloudflare: {
      apiBaseUrl: url('CLOUDFLARE_API_BASE_URL', 'https://api.cloudflare.com/client/v4')!,
      batchSize: int('CLOUDLINK_CLOUDFLARE_BATCH_SIZE', 200, 1, 200),
    },
    gcp: {
      stsUrl: url('CLOUDLINK_GCP_STS_URL', 'https://sts.googleapis.com/v1/token')!,
      iamCredentialsUrl: url('CLOUDLINK_GCP_IAM_CREDENTIALS_URL', 'https://iamcredentials.googleapis.com')!,
      resourceManagerUrl: url('CLOUDLINK_GCP_RESOURCE_MANAGER_URL', 'https://cloudresourcemanager.googleapis.com')!,
      dnsUrl: url('CLOUDLINK_GCP_DNS_URL', DEFAULT_CLOUDDNS_URL)!,
    },
    azure: {
      // @azure/identity refuses a non-https authority host in its constructor; checking here names the variable instead of failing later.
      authorityHost: url('AZURE_AUTHORITY_HOST', 'https://login.microsoftonline.com', ['https:'])!,
      armUrl: url('CLOUDLINK_AZURE_ARM_URL', 'https://management.azure.com')!,
      tokenTtlSeconds: int('CLOUDLINK_AZURE_TOKEN_TTL_SECONDS', 3600, 60, 7 * 24 * 3600),
    },
    dns: {
      azureResourceGroup,
      safety: {
        thresholdPercent: int('CLOUDLINK_DNS_SAFETY_THRESHOLD_PERCENT', 30, 0, 100),
        minExistingRecordSets: int('CLOUDLINK_DNS_SAFETY_MIN_RECORD_SETS', 10, 0, 1_000_000),
      },
    },
    ...optional('dnsResolvers', parseResolvers(get('CLOUDLINK_DNS_RESOLVERS'), problems)),
    sandbox,
    verify: { enabled: verifyEnabled, intervalSeconds: verifyIntervalSeconds },
    shutdownGraceSeconds,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * A URL as an error message may show it: `user:password@` (DATABASE_URL carries one) replaced up to
 * the last `@`, because a malformed value cannot be trusted to have its userinfo encoded.
 */
function withoutUserinfo(raw: string): string {
  const at = raw.lastIndexOf('@');
  if (at === -1) return raw;
  // Scheme and `//` kept; neither can contain `@`, so the prefix always ends before `at`.
  const prefix = /^(?:[a-z][a-z0-9+.-]*:)?(?:\/\/)?/i.exec(raw)?.[0] ?? '';
  return `${prefix}[credentials]${raw.slice(at)}`;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** The engine's own parser decides (one rule for server, CLI and library); returns the problem or null. */
export function checkEncryptionKeys(raw: string): string | null {
  try {
    parseEncryptionKeys(raw);
    return null;
  } catch (e) {
    // The engine's messages never echo key material.
    return `is malformed: ${(e as Error).message.replace(/^encryption keys: /, '')}`;
  }
}

function parseResolvers(raw: string | undefined, problems: string[]): { host: string; port: number }[] | undefined {
  if (raw === undefined) return undefined;
  const out: { host: string; port: number }[] = [];
  for (const entry of raw.split(',').map((s) => s.trim())) {
    // ip, ip:port, [ipv6] or [ipv6]:port
    const m = /^(?:\[([0-9a-f:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3}))(?::(\d{1,5}))?$/i.exec(entry);
    const port = m?.[3] === undefined ? 53 : Number(m[3]);
    const host = m?.[1] ?? m?.[2];
    // The shape above is loose (999.1.1.1, [1:2]); Node's setServers would only refuse it at the first lookup.
    if (!m || host === undefined || isIP(host) === 0 || port < 1 || port > 65535) {
      problems.push(`CLOUDLINK_DNS_RESOLVERS must be comma-separated ip[:port] entries (bad entry "${entry}")`);
      return undefined;
    }
    out.push({ host, port });
  }
  return out;
}
