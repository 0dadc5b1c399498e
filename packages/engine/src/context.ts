import type { AccessControl, PlanLimits } from './ports/access.js';
import type { AccessToken, AwsConnector, AwsCredentials, AzureConnector, GcpConnector } from './ports/cloud.js';
import type { DnsProvider, DnsProviderId, DnsResolver } from './ports/dns.js';
import type { Clock, Logger, Random } from './ports/runtime.js';
import type { SecretBox } from './ports/secret-box.js';
import type { Storage } from './ports/storage.js';
import type { CloudConnection } from './domain/records.js';
import type { PlanSlug } from './domain/plans.js';
import type { EventSink } from './events/index.js';
import type { ConnectionTokens } from './connections/cloud-tokens.js';

/** Engine settings with their documented defaults applied. */
export interface EngineConfig {
  /** Public base URL without trailing slash; the OIDC issuer is `${publicUrl}/api`. */
  readonly publicUrl: string;
  readonly aws: {
    /** Platform account trusted by customer roles; discovered via GetCallerIdentity when absent. */
    readonly accountId?: string;
    readonly roleName: string;
    /** Where the CloudFormation template is hosted; default `${publicUrl}/api/cloud-connections/templates/aws.yaml`. */
    readonly templateUrl?: string;
  };
  readonly azure: { readonly tokenTtlSeconds: number; /** Callback retry window for replication. */ readonly callbackRetryMs: number; readonly callbackRetryIntervalMs: number };
  readonly dns: {
    readonly zoneLockTimeoutMs: number;
    /**
     * The safety threshold of record writes (see docs/records.md#plan-before-apply): a write that would
     * update or delete more than `thresholdPercent` % of a zone's existing record sets is refused
     * without `force`, when the zone holds at least `minExistingRecordSets`. Defaults 30 and 10.
     */
    readonly safety: { readonly thresholdPercent: number; readonly minExistingRecordSets: number };
    /** Where new Azure DNS zones go when `POST …/dns` names no `azureResourceGroup`; default `cloudlink-dns` (docs/records.md#zones). */
    readonly azureResourceGroup: string;
  };
  /** Plan of every new workspace (`free` unless the host configures another). */
  readonly defaultPlan: PlanSlug;
  /** Cap on active connections that are not `connected` (pending + failed) per workspace; default 10. */
  readonly maxPendingConnections: number;
}

/** Provider implementations; each is optional so a host wires only what it uses. */
export interface EngineProviders {
  readonly aws?: AwsConnector;
  readonly gcp?: GcpConnector;
  readonly azure?: AzureConnector;
  readonly dns?: { readonly [K in DnsProviderId]?: DnsProvider };
  readonly resolver?: DnsResolver;
}

/** The AssumeRole session of credentials issued to the host (docs/credentials.md); default `cloudlink-<id>`, 1 h. */
export interface AwsSessionRequest {
  readonly sessionName: string;
  readonly sourceIdentity?: string;
  /** A session policy (JSON). */
  readonly policy?: string;
  readonly durationSeconds?: number;
}

/**
 * Temporary credentials per connection (assumed-role credentials, and the GCP and Azure tokens
 * issued to the host), cached in process until 5 minutes before expiry, refreshed single-flight,
 * dropped on complete, delete and unlink (see docs/provider-calls.md).
 */
export interface AwsSessionCache {
  credentialsFor(connection: CloudConnection, options?: { signal?: AbortSignal; session?: AwsSessionRequest }): Promise<AwsCredentials>;
  /** Any token of a connection under `key` (which names everything that changes what it grants), same rules. */
  cached(connectionId: number, key: string, load: () => Promise<AccessToken>): Promise<AccessToken>;
  drop(connectionId: number): void;
}

/** What every service receives from the composition root. */
export interface EngineContext {
  readonly storage: Storage;
  readonly access: AccessControl;
  readonly limits: PlanLimits;
  readonly secrets: SecretBox;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly config: EngineConfig;
  readonly providers: EngineProviders;
  readonly awsSessions: AwsSessionCache;
  /** GCP and Azure tokens of a connection, through `awsSessions`' cache (docs/credentials.md, docs/records.md#zones). */
  readonly connectionTokens: ConnectionTokens;
  /** The host's `onEvent` hook, to call only after the change's transaction has committed. */
  readonly events: EventSink;
}
