import type { CloudProviderName, PlanRestrictions, PlanSlug } from './plans.js';
import type { PermissionSet, RoleCode } from './permissions.js';

/**
 * Rows as the engine sees them (camelCase, `Date` timestamps, parsed JSON). Storage maps its
 * columns to these; sealed secrets stay opaque strings here.
 */

export interface User {
  readonly id: number;
  readonly email: string;
  readonly name: string | null;
  /** The host's own id of this user (`users.provision`), unique; null for users made otherwise (`cloudlink seed`). */
  readonly externalId: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface Plan {
  readonly id: number;
  readonly slug: PlanSlug | string;
  readonly name: string;
  readonly description: string | null;
  readonly price: number;
  readonly pricePeriod: 'month' | 'year';
  readonly restrictions: PlanRestrictions;
  readonly isActive: boolean;
}

export interface Role {
  readonly id: number;
  readonly code: RoleCode;
  readonly name: string;
  readonly description: string;
  readonly permissions: PermissionSet;
  readonly isSystemRole: boolean;
  readonly isActive: boolean;
  readonly displayOrder: number;
}

export interface Workspace {
  readonly id: number;
  readonly name: string;
  readonly slug: string;
  readonly description: string | null;
  readonly planId: number;
  readonly isActive: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly deletedAt: Date | null;
}

/** `projectPermissions`: `"*"`, `null` (= all) or `"<project>/<env>"` / `"<project>/*"` entries. */
export interface MemberPermissions {
  readonly projectPermissions: '*' | readonly string[] | null;
}

export interface Member {
  readonly id: number;
  readonly workspaceId: number;
  readonly userId: number;
  readonly role: RoleCode;
  readonly permissions: MemberPermissions | null;
  readonly isActive: boolean;
  readonly joinedAt: Date;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly user: { readonly id: number; readonly name: string | null; readonly email: string };
}

export interface Project {
  readonly id: number;
  readonly workspaceId: number;
  readonly userId: number;
  readonly name: string;
  readonly slug: string;
  readonly description: string | null;
  readonly isDefault: boolean;
  readonly isActive: boolean;
  readonly connectedCloudId: number | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly deletedAt: Date | null;
}

export interface Environment {
  readonly id: number;
  readonly projectId: number;
  readonly name: string;
  readonly slug: string;
  readonly description: string | null;
  readonly isDefault: boolean;
  readonly isActive: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly deletedAt: Date | null;
}

export const CONNECTION_STATUSES = ['pending', 'connected', 'failed', 'disconnected'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

export interface CloudConnection {
  readonly id: number;
  readonly workspaceId: number;
  readonly provider: CloudProviderName;
  readonly createdBy: number;
  readonly accountId: string | null;
  readonly accountName: string | null;
  readonly region: string;
  readonly roleArn: string | null;
  readonly externalId: string | null;
  readonly stackName: string | null;
  readonly status: ConnectionStatus;
  readonly connectedAt: Date | null;
  readonly failureReason: string | null;
  /** Sealed by SecretBox; never leaves the engine. */
  readonly secretData: string | null;
  readonly setupTokenHash: string | null;
  readonly setupTokenExpiresAt: Date | null;
  readonly setupTokenUsedAt: Date | null;
  /** When a re-verification last reached a verdict or an outage (docs/connections.md#re-verification). */
  readonly lastVerifiedAt: Date | null;
  /** Why the last re-verification did not pass (a refusal or an outage); null after a pass. */
  readonly lastVerificationError: string | null;
  /** Re-verifications in a row that did not pass; drives the scheduler's back-off. */
  readonly verificationFailures: number;
  /** When the scheduler checks this connection next; null: not scheduled yet. */
  readonly nextVerificationAt: Date | null;
  /**
   * How the connection authenticates: null is the provider's default mode (AWS role + ExternalId,
   * Azure client secret, GCP federated); 'oidc' is federated through cloudlink's own issuer, with
   * no stored secret (docs/connections.md#connection-modes).
   */
  readonly authMode: 'oidc' | null;
  readonly isActive: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly deletedAt: Date | null;
}

export interface Resource {
  readonly id: number;
  readonly workspaceId: number;
  readonly projectId: number;
  readonly environmentId: number;
  readonly cloudConnectionId: number | null;
  readonly resourceType: string;
  /** The provider's id (Route 53 hosted zone id, Cloudflare zone id). */
  readonly resourceId: string | null;
  readonly name: string;
  readonly region: string | null;
  readonly status: string;
  /** dns: the zone's domain; subdomain: its FQDN (lower-case, no trailing dot); else null. */
  readonly domainName: string | null;
  /** subdomain: the id of its dns zone resource; else null. */
  readonly parentResourceId: number | null;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Sealed by SecretBox; never leaves the engine. */
  readonly secretData: string | null;
  readonly positionX: number | null;
  readonly positionY: number | null;
  readonly createdBy: number;
  readonly isActive: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly deletedAt: Date | null;
}

/** Lifecycle of a resource connection (see docs/resources.md). */
export const RESOURCE_CONNECTION_STATUSES = ['pending', 'active', 'deleting'] as const;
export type ResourceConnectionStatus = (typeof RESOURCE_CONNECTION_STATUSES)[number];

/** A record set a resource connection wrote, exactly as sent (the canonical form of the DNS port). */
export interface ConnectionRecordSet {
  readonly name: string;
  readonly type: string;
  readonly ttl: number | null;
  readonly values: readonly string[];
  readonly alias?: { readonly hostedZoneId: string; readonly dnsName: string; readonly evaluateTargetHealth: boolean };
  readonly proxied?: boolean;
}

/**
 * A typed link from a source resource to a target resource (see docs/resources.md). The one kind
 * implemented, `dns`, joins a subdomain (source) to a resource with a DNS target: its `records` are
 * the record sets it wrote into the subdomain's zone (`zoneResourceId`), and only those are ever
 * removed on its behalf.
 */
export interface ResourceConnection {
  readonly id: number;
  readonly workspaceId: number;
  readonly projectId: number;
  readonly environmentId: number;
  readonly connectionType: string;
  readonly sourceResourceId: number;
  readonly targetResourceId: number;
  /** The dns zone the records live in (a `dns` connection), else null. */
  readonly zoneResourceId: number | null;
  /** `pending` until its records are written, `deleting` while they are being removed. */
  readonly status: ResourceConnectionStatus;
  /** What it wrote (pending: what it is about to write). */
  readonly records: readonly ConnectionRecordSet[];
  /** Options the records were built with (`ttl`, `proxied`). */
  readonly options: Readonly<Record<string, unknown>>;
  readonly createdBy: number;
  readonly isActive: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly deletedAt: Date | null;
}

/** The stored copy of one record set of a zone (see docs/records.md). */
export interface StoredRecordSet {
  /** FQDN with trailing dot, lower-case. */
  readonly name: string;
  readonly type: string;
  readonly ttl: number | null;
  /** Wire forms (see docs/records.md). */
  readonly values: readonly string[];
  /** True when this product created the record set. */
  readonly managed: boolean;
  /** Cloudflare record ids, one per value; null on Route 53. */
  readonly providerIds: readonly string[] | null;
}

export interface OidcSigningKey {
  readonly id: number;
  readonly kid: string;
  readonly alg: 'RS256';
  readonly publicJwk: Readonly<Record<string, unknown>>;
  /** Sealed PKCS#8 PEM. */
  readonly privateKey: string;
  readonly signingFrom: Date;
  readonly signingUntil: Date | null;
  readonly publishedUntil: Date | null;
  readonly createdAt: Date;
}

export const AUDIT_ACTOR_KINDS = ['user', 'host', 'system'] as const;
export type AuditActorKind = (typeof AUDIT_ACTOR_KINDS)[number];

/**
 * Who did something recorded in the audit log: a signed-in `user`, the `host` application calling
 * the engine on its own behalf (no user), or the engine itself (`system`: a setup callback proved by
 * its token, a scheduled re-verification). `userId` is set for `user` only.
 */
export interface AuditActor {
  readonly kind: AuditActorKind;
  readonly userId: number | null;
}

/** The ids an audit entry is about; only those that apply are present. */
export interface AuditTargets {
  readonly connectionId?: number;
  readonly projectId?: number;
  readonly environmentId?: number;
  readonly resourceId?: number;
  readonly zoneId?: number;
  readonly resourceConnectionId?: number;
  readonly userId?: number;
}

export const AUDIT_OUTCOMES = ['success', 'failure'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * One line of a workspace's append-only audit log (see docs/audit.md): a mutation or a credential
 * issue, written in the transaction of the change it records. Never holds a secret.
 */
export interface AuditEntry {
  readonly id: number;
  readonly workspaceId: number;
  readonly actor: AuditActor;
  /** The engine operation, e.g. `cloudConnections.complete`, `credentials.issue`. */
  readonly operation: string;
  readonly targets: AuditTargets;
  readonly outcome: AuditOutcome;
  /** The error string of a failure (the `error` of the response), else null. */
  readonly error: string | null;
  /** Small, non-secret facts about the change (a provider, a new role, counts). */
  readonly detail: Readonly<Record<string, unknown>>;
  /** The request id of the call that made the change (`X-Request-Id`), or null. */
  readonly requestId: string | null;
  readonly createdAt: Date;
}
