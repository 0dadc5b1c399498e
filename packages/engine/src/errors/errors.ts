import { EngineError, type EngineErrorOptions, type ValidationIssue } from './engine-error.js';

/**
 * Factories for every documented error (see docs/errors.md), so each `error` string and message is written
 * once. Services throw these; adapters never build error bodies of their own.
 */

/** 400 `Validation failed`; `message` repeats the first issue as `<path>: <problem>`. */
export function validationFailed(issues: readonly ValidationIssue[]): EngineError {
  const first = issues[0] ?? { path: 'body', message: 'invalid' };
  return new EngineError('VALIDATION', 'Validation failed', `${first.path}: ${first.message}`, { details: issues });
}

/** Shorthand for a single-issue validation failure. */
export function invalidField(path: string, problem: string): EngineError {
  return validationFailed([{ path, message: problem }]);
}

export const invalidId = {
  dnsZone: () => new EngineError('VALIDATION', 'Invalid DNS zone ID', 'DNS zone ID must be a positive integer'),
  resource: () => new EngineError('VALIDATION', 'Invalid resource ID', 'Resource ID must be a positive integer'),
  connection: () => new EngineError('VALIDATION', 'Invalid connection ID', 'Connection ID must be a positive integer'),
  resourceConnection: () => new EngineError('VALIDATION', 'Invalid resource connection ID', 'Resource connection ID must be a positive integer'),
  subdomain: () => new EngineError('VALIDATION', 'Invalid subdomain ID', 'Subdomain ID must be a positive integer'),
};

export const notFound = {
  workspace: () => new EngineError('NOT_FOUND', 'Workspace not found', 'The specified workspace does not exist'),
  project: () => new EngineError('NOT_FOUND', 'Project not found', 'The specified project does not exist'),
  environment: () => new EngineError('NOT_FOUND', 'Environment not found', 'The specified environment does not exist'),
  connection: () => new EngineError('NOT_FOUND', 'Cloud connection not found', 'The specified cloud connection does not exist'),
  dnsZone: () => new EngineError('NOT_FOUND', 'DNS zone not found', 'The specified DNS zone does not exist'),
  resource: () => new EngineError('NOT_FOUND', 'Resource not found', 'The specified resource does not exist'),
  /** One of the resources a request names by id (`sourceId`, `targetId`) is not in this environment. */
  namedResource: (field: string, id: number) => new EngineError('NOT_FOUND', 'Resource not found', `${field}: resource ${id} does not exist in this environment`),
  resourceConnection: () => new EngineError('NOT_FOUND', 'Resource connection not found', 'The specified resource connection does not exist'),
  subdomain: () => new EngineError('NOT_FOUND', 'Subdomain not found', 'The specified subdomain does not exist'),
  dnsRecord: (type: string, fqdn: string) =>
    new EngineError('NOT_FOUND', 'DNS record not found', `No ${type} record ${fqdn} with exactly these values exists in this zone`),
  cloudflareZone: (domain: string) =>
    new EngineError('NOT_FOUND', 'Cloudflare zone not found', `No Cloudflare zone named ${domain} is visible to this token`),
  /** `POST …/dns` with a `hostedZoneId` the linked AWS account does not hold. */
  hostedZone: (hostedZoneId: string) =>
    new EngineError('NOT_FOUND', 'Hosted zone not found', `No Route 53 hosted zone ${hostedZoneId} is visible to the linked AWS connection`),
  /** Sync found the hosted zone gone; `data` = `{id, resourceId, status:'deleted', synced:true}`. */
  dnsZoneInProvider: (hostedZoneId: string, provider: string, data: unknown) =>
    new EngineError('NOT_FOUND', 'DNS zone not found in provider', `Hosted zone ${hostedZoneId} was not found in ${provider}. It may have been deleted.`, { data }),
  user: () => new EngineError('NOT_FOUND', 'User not found', 'No user with this email exists'),
  member: () => new EngineError('NOT_FOUND', 'Member not found', 'The specified member does not exist'),
};

export const forbidden = {
  workspace: () => new EngineError('FORBIDDEN', 'Forbidden', 'You do not have access to this workspace'),
  project: () => new EngineError('FORBIDDEN', 'Forbidden', 'You do not have access to this project'),
  environment: () => new EngineError('FORBIDDEN', 'Forbidden', 'You do not have access to this environment'),
  permission: (flag: string) =>
    new EngineError('FORBIDDEN', 'Forbidden', `You do not have permission to perform this action (requires ${flag})`),
  ownerRole: () => new EngineError('FORBIDDEN', 'Forbidden', 'Only an owner can grant or remove the owner role'),
};

export const unauthenticated = () =>
  new EngineError('UNAUTHENTICATED', 'Unauthorized', 'Missing or invalid authentication token');

export const precondition = {
  noCloudConnection: () =>
    new EngineError('PRECONDITION', 'No cloud connection', 'Project does not have a cloud connection. Please connect a cloud provider first.'),
  connectionNotActive: () =>
    new EngineError('PRECONDITION', 'Cloud connection not active', 'The cloud connection for this project is not active or not connected'),
  dnsProviderRequired: () =>
    new EngineError('PRECONDITION', 'DNS provider required', 'Provide cloudflareApiToken, or link an AWS (Route 53), GCP (Cloud DNS) or Azure (Azure DNS) cloud connection to the project, or choose the provider of the linked connection'),
  syncNotSupported: (type: string) =>
    new EngineError('PRECONDITION', 'Sync not supported', `Resource type "${type}" does not support syncing`),
  /** Verify on a connection with nothing stored to test: pending, or failed before its setup was ever stored. */
  connectionNotCompleted: (id: number, why: string) =>
    new EngineError('PRECONDITION', 'Connection not completed', `Cloud connection ${id} ${why}; call complete first`),
  accountNameRequired: () =>
    new EngineError('PRECONDITION', 'Account name required', 'Set accountName on the connection (PATCH) before running the setup command'),
  lastOwner: () => new EngineError('PRECONDITION', 'Cannot remove last owner', 'A workspace must keep at least one owner'),
  /** A pair outside the allowed-pairs table, or a target without a DNS target (see docs/resources.md#resource-connections). */
  connectionNotAllowed: (reason: string) => new EngineError('PRECONDITION', 'Connection not allowed', reason),
  /** PATCH/register on a type cloudlink manages itself (`dns`, `subdomain`). */
  resourceNotRegistrable: (type: string) =>
    new EngineError('PRECONDITION', 'Resource not registrable', `Resource type "${type}" is not a host resource; use its own routes`),
  invalidCloudflareToken: (code: string | number, message: string) =>
    new EngineError('PRECONDITION', 'Invalid Cloudflare token', `Cloudflare token verification failed: ${code}: ${message}`),
};

export const invalidSetupToken = () => new EngineError('INVALID_TOKEN', 'Invalid token', 'Invalid or expired setup token');

/** 400 `Connection test failed`; `data` is the connection as stored after the failure. */
export const connectionTestFailed = (message: string, data: unknown) =>
  new EngineError('CONNECTION_TEST_FAILED', 'Connection test failed', message, { data });

/** `1 active resource`, `3 active resources`. */
const activeResources = (n: number) => `${n} active resource${n === 1 ? '' : 's'}`;

export const conflict = {
  duplicateAccountName: (name: string) =>
    new EngineError('CONFLICT', 'Duplicate account name', `A cloud connection named "${name}" already exists in this workspace`),
  cannotDeleteConnection: (projectNames: readonly string[]) =>
    new EngineError(
      'CONFLICT',
      'Cannot delete connection',
      `All projects using this cloud connection must have zero active resources before deletion. The following project(s) still have active resources: ${projectNames.join(', ')}. Delete or disconnect all resources in those projects first, then try again.`,
    ),
  cannotDisconnectCloud: () =>
    new EngineError(
      'CONFLICT',
      'Cannot disconnect cloud',
      'The project still has active resources. Delete all resources in this project first, then try again.',
    ),
  /** The project a workspace's first project became (`isDefault`): it stays while the workspace does. */
  cannotDeleteDefaultProject: () =>
    new EngineError('CONFLICT', 'Cannot delete default project', 'The default project of a workspace cannot be deleted'),
  /** Project delete while it still holds active resources (zones, subdomains, host resources). */
  cannotDeleteProject: (resources: number) =>
    new EngineError(
      'CONFLICT',
      'Cannot delete project',
      `The project still has ${activeResources(resources)}. Delete all resources in this project first, then try again.`,
    ),
  /** The environment every project is created with (`master`, `isDefault`). */
  cannotDeleteDefaultEnvironment: () =>
    new EngineError('CONFLICT', 'Cannot delete default environment', 'The default environment of a project cannot be deleted'),
  /** Environment delete while it still holds active resources. */
  cannotDeleteEnvironment: (resources: number) =>
    new EngineError(
      'CONFLICT',
      'Cannot delete environment',
      `The environment still has ${activeResources(resources)}. Delete all resources in this environment first, then try again.`,
    ),
  dnsZoneExists: (domain: string) =>
    new EngineError('CONFLICT', 'DNS zone already exists', `A DNS zone for ${domain} already exists in this environment`),
  /**
   * A record write found a set changed at the provider since it was read (Azure DNS ETag mismatch,
   * docs/records.md#zones); nothing of that set was overwritten. `data` = `{appliedChanges, totalChanges}` when known.
   */
  dnsRecordChangedConcurrently: (set: string | null, options: { data?: unknown; cause?: unknown } = {}) =>
    new EngineError(
      'CONFLICT',
      'DNS record changed concurrently',
      `${set === null ? 'A record set' : `The record set ${set}`} was changed at the DNS provider since it was read; nothing was overwritten. Read the records again and retry.`,
      options,
    ),
  subdomainExists: (fqdn: string) =>
    new EngineError('CONFLICT', 'Subdomain already exists', `A subdomain ${fqdn} already exists in this zone`),
  /** Adoption found several public hosted zones for the domain (docs/records.md#adopting-an-existing-hosted-zone). */
  multipleHostedZones: (domain: string, ids: readonly string[]) =>
    new EngineError(
      'CONFLICT',
      'Multiple hosted zones',
      `The linked AWS account has ${ids.length} hosted zones for ${domain} (${ids.join(', ')}); pass hostedZoneId to choose the one to import`,
    ),
  /** Credentials were asked of a connection that is not `connected` (docs/credentials.md): never stale ones instead. */
  connectionNotConnected: (id: number, status: string) =>
    new EngineError('CONFLICT', 'Cloud connection not connected', `Cloud connection ${id} is ${status}; credentials are issued for connected connections only`),
  connectionAlreadyCompleted: (id: number) =>
    new EngineError('CONFLICT', 'Connection already completed', `Cloud connection ${id} is already connected`),
  subdomainConnected: (subdomainId: number) =>
    new EngineError('CONFLICT', 'Subdomain already connected', `Subdomain ${subdomainId} already has a resource connection; delete it first`),
  /** A record set a connection needs exists at the provider and was not written by cloudlink: never overwritten. */
  dnsRecordConflict: (name: string, type: string) =>
    new EngineError('CONFLICT', 'DNS record conflict', `${name} ${type} already exists at the DNS provider and was not created by cloudlink`),
  resourceInUse: (id: number) =>
    new EngineError('CONFLICT', 'Resource in use', `Resource ${id} is the target of a resource connection; delete the connection first`),
  memberExists: () => new EngineError('CONFLICT', 'Member already exists', 'This user is already a member of the workspace'),
  /** `users.provision` gave an email another user has (docs/access.md#provisioning-users): never merged, never moved. */
  emailInUse: () => new EngineError('CONFLICT', 'Email already in use', 'Another user already has this email address'),
  /** Every slug tried for a new workspace, project or environment was taken by concurrent inserts. */
  slugUnavailable: () => new EngineError('CONFLICT', 'Slug unavailable', 'Could not find a free slug for this name; try again or choose another name'),
  /**
   * A record write would update or delete more than the safety threshold's share of the zone's
   * existing record sets (see docs/records.md#plan-before-apply); `force=true` sends it anyway.
   * 409, not 400: the request is well formed, it conflicts with what the zone holds now (the same
   * request passes on a larger zone).
   */
  tooManyChanges: (data: { update: number; delete: number; existingRecordSets: number; thresholdPercent: number; minExistingRecordSets: number }) =>
    new EngineError(
      'CONFLICT',
      'Too many changes',
      `This write would update or delete ${data.update + data.delete} of the zone's ${data.existingRecordSets} record sets, more than ${data.thresholdPercent}%; repeat it with force=true to apply it anyway`,
      { data },
    ),
  /** The per-workspace cap on connections that are not `connected` (pending + failed). */
  tooManyPendingConnections: (count: number) =>
    new EngineError(
      'CONFLICT',
      'Too many pending connections',
      `This workspace already has ${count} cloud connections that are not connected; complete or delete one first`,
    ),
};

/** Plan limit keys with the noun and tail of their message (see docs/access.md). */
export const PLAN_LIMIT_WORDING = {
  max_projects: ['projects', 'create more projects.'],
  max_environments_per_project: ['environments per project', 'create more environments.'],
  max_resources: ['resources', 'create more resources.'],
  max_resources_per_project: ['resources per project', 'create more resources.'],
  max_cloud_connections: ['cloud connections', 'create more cloud connections.'],
  max_workspace_members: ['workspace members', 'add more members.'],
} as const;
export type PlanLimitKey = keyof typeof PLAN_LIMIT_WORDING;

export const planLimitExceeded = (key: PlanLimitKey, currentValue: number, limit: number) => {
  const [noun, tail] = PLAN_LIMIT_WORDING[key];
  return new EngineError(
    'PLAN_LIMIT',
    'Plan limit exceeded',
    `You have reached the maximum number of ${noun} (${limit}) for your plan. Please upgrade to ${tail}`,
    { currentValue, limit, upgradeRequired: true },
  );
};

/**
 * The largest request body any transport accepts (5 MB): REST and tRPC both stop reading at this
 * size, so a client cannot make the server buffer more than this per request.
 */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

export const payloadTooLarge = () => new EngineError('PAYLOAD_TOO_LARGE', 'Payload too large', 'Request body exceeds 5 MB');

/** 413 for a zone file over 4 MiB (docs/records.md#zone-files), checked before it is parsed. */
export const zoneFileTooLarge = () => new EngineError('PAYLOAD_TOO_LARGE', 'Payload too large', 'Zone file exceeds 4 MiB');

/**
 * The longest request URL (path + query) a transport accepts: 16 KB, Node's default header limit,
 * which already counts the request line. Checked again by the transports so that a host raising
 * `--max-http-header-size` does not also raise what a tRPC GET can carry in `?input=`.
 */
export const MAX_URL_BYTES = 16 * 1024;

export const urlTooLong = () => new EngineError('PAYLOAD_TOO_LARGE', 'Payload too large', 'Request URL exceeds 16 KB');

/**
 * 415: a write whose body is not JSON. Writes only read `application/json` bodies; refusing the
 * rest (rather than reading them as `{}`) means a cross-site HTML form, which cannot send JSON
 * without a CORS preflight, never reaches an operation.
 */
export const unsupportedMediaType = () =>
  new EngineError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', 'Request body must be JSON (Content-Type: application/json)');

/**
 * 403 for a write a browser sent from another site (its `Origin` / `Sec-Fetch-Site`): what a host
 * authenticating with cookies answers instead of acting on the victim's session.
 */
export const crossSiteRequest = () =>
  new EngineError('FORBIDDEN', 'Forbidden', 'Cross-site request refused: the Origin of this request is not allowed');

/** 400: a tRPC batch carrying more calls than the transport allows. */
export const batchTooLarge = (max: number) =>
  new EngineError('VALIDATION', 'Batch too large', `A batch may carry at most ${max} calls`);

export const internalError = (cause?: unknown) =>
  new EngineError('INTERNAL', 'Internal server error', 'An unexpected error occurred', { cause });

export const routeNotFound = (method: string, path: string) =>
  new EngineError('NOT_FOUND', 'Not found', `Route ${method} ${path} not found`);

/**
 * A provider call failed. `error` is the operation's documented string (e.g. `Failed to create DNS
 * record`, or `Provider unavailable` for connection tests); the message names the call:
 * `<Call> failed: <provider code>: <provider message>`. Throttling beyond the retry budget → 503
 * with `retryAfter`; everything else → 502.
 */
export function providerError(
  error: string,
  message: string,
  options: EngineErrorOptions & { readonly throttled?: boolean } = {},
): EngineError {
  const { throttled, ...rest } = options;
  if (throttled) return new EngineError('PROVIDER_UNAVAILABLE', error, message, { retryAfter: 5, ...rest });
  return new EngineError('PROVIDER_FAILURE', error, message, rest);
}

/**
 * 502 `Credentials exchange failed`: the cloud refused the exchange that issues a connection's
 * credentials (docs/credentials.md), e.g. the role or its trust was removed. The connection's
 * status is not changed by it.
 */
export const credentialsExchangeFailed = (message: string) => new EngineError('PROVIDER_FAILURE', 'Credentials exchange failed', message);

/** 503 `Provider unavailable` for a provider that is not configured (e.g. no AWS platform account). */
export const providerNotConfigured = (message: string) =>
  new EngineError('PROVIDER_UNAVAILABLE', 'Provider unavailable', message);
