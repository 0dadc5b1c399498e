import { createMembersAccessControl, createPlanTableLimits } from './access/index.js';
import { createAdminServices, createOperatorServices, createUserServices } from './admin/index.js';
import { createAwsSessionCache, createConnectionServices, isSafeBaseUrl, SAFE_BASE_URL_RULE } from './connections/index.js';
import type { EngineConfig, EngineContext, EngineProviders } from './context.js';
import { createCredentialServices } from './credentials/index.js';
import { createDnsServices } from './dns/index.js';
import { AZURE_RESOURCE_GROUP_RULE, DEFAULT_AZURE_DNS_RESOURCE_GROUP, isAzureResourceGroupName } from './dns/schemas.js';
import { createConnectionTokens } from './connections/cloud-tokens.js';
import { createOidcIssuer } from './oidc/index.js';
import { createResourceConnectionServices } from './resources/connections/index.js';
import { PLAN_SLUGS, type PlanSlug } from './domain/plans.js';
import type { AccessControl, PlanLimits } from './ports/access.js';
import type { Clock, Logger, Random } from './ports/runtime.js';
import type { SecretBox } from './ports/secret-box.js';
import type { Storage } from './ports/storage.js';
import { createEventSink, type EventHook } from './events/index.js';
import { createAuditServices } from './audit/list.js';
import { AUDITED_OPERATIONS } from './audit/operations.js';
import { withAuditedFailures } from './audit/scope.js';
import { silentLogger, systemClock, systemRandom } from './runtime/index.js';
import { refuseNulCharacters } from './validation/nul.js';
import { trimTrailingSlashes } from './validation/text.js';

export interface EngineOptions {
  readonly storage: Storage;
  readonly secrets: SecretBox;
  /** Public base URL (`CLOUDLINK_PUBLIC_URL`); the OIDC issuer is `${publicUrl}/api`. */
  readonly publicUrl: string;
  readonly providers?: EngineProviders;
  /** Default: the members table with the six system roles. */
  readonly access?: AccessControl;
  /** Default: the plans table. */
  readonly limits?: PlanLimits;
  readonly clock?: Clock;
  readonly random?: Random;
  readonly logger?: Logger;
  readonly aws?: Partial<EngineConfig['aws']>;
  readonly azure?: Partial<EngineConfig['azure']>;
  readonly dns?: Partial<Omit<EngineConfig['dns'], 'safety'>> & { readonly safety?: Partial<EngineConfig['dns']['safety']> };
  /** Plan given to new workspaces (`workspaces.create`, and `operator.seed` without `plan`). Default `free`. */
  readonly defaultPlan?: PlanSlug;
  /**
   * How many active cloud connections that are not `connected` (pending + failed) a workspace may
   * hold; one more → 409 `Too many pending connections`. Default 10. Independent of the plan's
   * `max_cloud_connections`, which counts connected ones.
   */
  readonly maxPendingConnections?: number;
  /**
   * Told about connection status changes, credential issues and DNS changes, after their transaction
   * commits (see docs/audit.md). Called without awaiting; a throw or rejection is logged and swallowed,
   * never failing the request.
   */
  readonly onEvent?: EventHook;
}

/** Default of `maxPendingConnections`: enough for a team setting up several accounts at once. */
export const DEFAULT_MAX_PENDING_CONNECTIONS = 10;

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const ACCOUNT_ID = /^\d{12}$/;

/** Check every option up front and report all problems at once. */
function checkOptions(options: EngineOptions): void {
  const problems: string[] = [];
  if (!options?.storage) problems.push('storage is required');
  if (!options?.secrets) problems.push('secrets (a SecretBox) is required');
  // The public URL is pasted into setup scripts and into the commands users run in Cloud Shell.
  if (typeof options?.publicUrl !== 'string' || !isSafeBaseUrl(options.publicUrl)) problems.push(`publicUrl must be ${SAFE_BASE_URL_RULE}`);
  if (options?.aws?.roleName !== undefined && !ROLE_NAME.test(options.aws.roleName)) problems.push('aws.roleName must match ^[\\w+=,.@-]{1,64}$');
  if (options?.aws?.accountId !== undefined && !ACCOUNT_ID.test(options.aws.accountId)) problems.push('aws.accountId must be 12 digits');
  if (options?.defaultPlan !== undefined && !(PLAN_SLUGS as readonly unknown[]).includes(options.defaultPlan)) {
    problems.push(`defaultPlan must be one of ${PLAN_SLUGS.join(', ')}`);
  }
  const maxPending = options?.maxPendingConnections;
  if (maxPending !== undefined && !(Number.isSafeInteger(maxPending) && maxPending >= 1)) problems.push('maxPendingConnections must be a positive integer');
  const safety = options?.dns?.safety;
  const pct = safety?.thresholdPercent;
  if (pct !== undefined && !(Number.isFinite(pct) && pct >= 0 && pct <= 100)) problems.push('dns.safety.thresholdPercent must be a number from 0 to 100');
  const min = safety?.minExistingRecordSets;
  if (min !== undefined && !(Number.isSafeInteger(min) && min >= 0)) problems.push('dns.safety.minExistingRecordSets must be a non-negative integer');
  const rg = options?.dns?.azureResourceGroup;
  if (rg !== undefined && (typeof rg !== 'string' || !isAzureResourceGroupName(rg))) problems.push(`dns.azureResourceGroup must be ${AZURE_RESOURCE_GROUP_RULE}`);
  if (options?.onEvent !== undefined && typeof options.onEvent !== 'function') problems.push('onEvent must be a function');
  if (problems.length > 0) throw new TypeError(`createEngine: ${problems.join('; ')}`);
}

/** The safety threshold's defaults (OctoDNS's): 30 % of the zone, for zones of at least 10 record sets. */
export const DEFAULT_DNS_SAFETY = { thresholdPercent: 30, minExistingRecordSets: 10 } as const;

/**
 * The composition root: builds every service over the given ports. The engine keeps no state that
 * another instance would need (only caches of temporary credentials), so many engines may share
 * one Postgres database.
 */
export function createEngine(options: EngineOptions) {
  checkOptions(options);
  const { storage } = options;
  const config: EngineConfig = {
    publicUrl: trimTrailingSlashes(options.publicUrl),
    aws: { roleName: 'GatewaysAppDeployRole', ...options.aws },
    azure: { tokenTtlSeconds: 3600, callbackRetryMs: 60_000, callbackRetryIntervalMs: 5_000, ...options.azure },
    dns: {
      zoneLockTimeoutMs: options.dns?.zoneLockTimeoutMs ?? 30_000,
      azureResourceGroup: options.dns?.azureResourceGroup ?? DEFAULT_AZURE_DNS_RESOURCE_GROUP,
      safety: { ...DEFAULT_DNS_SAFETY, ...options.dns?.safety },
    },
    defaultPlan: options.defaultPlan ?? 'free',
    maxPendingConnections: options.maxPendingConnections ?? DEFAULT_MAX_PENDING_CONNECTIONS,
  };
  const base = {
    storage,
    access: options.access ?? createMembersAccessControl(storage),
    limits: options.limits ?? createPlanTableLimits(storage),
    secrets: options.secrets,
    clock: options.clock ?? systemClock,
    random: options.random ?? systemRandom,
    logger: options.logger ?? silentLogger,
    config,
    providers: options.providers ?? {},
  };
  const withEvents = { ...base, events: createEventSink(options.onEvent, base.logger) };
  const awsSessions = createAwsSessionCache(withEvents);
  // One issuer for every service that mints our OIDC tokens outside connection setup (credentials, Cloud DNS zones).
  const oidc = createOidcIssuer(base);
  const ctx: EngineContext = { ...withEvents, awsSessions, connectionTokens: createConnectionTokens({ ...base, awsSessions }, oidc) };
  const { connectionHealth, ...connections } = createConnectionServices(ctx);
  const dnsServices = createDnsServices(ctx);
  const admin = createAdminServices(ctx);
  let closed = false;
  const services = refuseNulCharacters({
    ...withAuditedFailures(
      ctx,
      {
        ...admin,
        ...connections,
        ...dnsServices,
        resourceConnections: createResourceConnectionServices(ctx),
        /** The workspace's audit log (see docs/audit.md). */
        audit: createAuditServices(ctx),
        /** Operator commands (CLI): seed, re-encryption, OIDC key rotation. No access checks. */
        operator: createOperatorServices(ctx),
      },
      AUDITED_OPERATIONS,
    ),
    /** The host's own users: provisioned by its external id, no actor (docs/access.md#provisioning-users). */
    users: createUserServices(ctx),
    // Outside the wrapper: it records its own successes and failures (docs/credentials.md).
    /** Short-lived cloud credentials of a connection for the host's code (docs/credentials.md). */
    credentials: createCredentialServices(ctx),
  });
  return {
    ...services,
    /** Scheduled re-verification (`createConnectionHealthScheduler`); internal, no access checks. */
    connectionHealth,
    /** Database reachable and migrated (for `/readyz`). */
    health: () => storage.health(),
    /** Close the storage. Idempotent. */
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await storage.close();
    },
    async [Symbol.asyncDispose](): Promise<void> {
      await this.close();
    },
  };
}

/** The engine's public surface; adapters derive their types from it. */
export type Engine = ReturnType<typeof createEngine>;
