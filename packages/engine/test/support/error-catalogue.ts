import * as errors from '../../src/errors/index.js';
import { PLAN_LIMIT_WORDING, type EngineError, type PlanLimitKey } from '../../src/errors/index.js';
import { DNS_OPERATION } from '../../src/dns/provider-access.js';

/**
 * Every error the engine can answer, built by calling its factory with placeholders (`<type>`), so
 * the table in docs/errors.md is rendered from the code itself. `factory` names the export the entry
 * covers; `errors-doc.test.ts` fails when an exported factory has no entry here, or when the page's
 * table differs from what this catalogue renders.
 */
export interface CatalogueEntry {
  /** Export path of the factory in `src/errors` (`notFound.workspace`), or `DNS_OPERATION` for provider failures. */
  readonly factory: string;
  /** The errors of this row (one per status when the same `error` answers 502 and 503). */
  readonly make: () => readonly EngineError[];
  /** When it fires, in plain words. */
  readonly when: string;
}

const e = errors;
const PROVIDER_MESSAGE = '<Call> failed: <provider code>: <provider message>';
const issue = [{ path: '<path>', message: '<problem>' }];

const planLimitRows: CatalogueEntry[] = (Object.keys(PLAN_LIMIT_WORDING) as PlanLimitKey[]).map((key) => ({
  factory: 'planLimitExceeded',
  make: () => [e.planLimitExceeded(key, 1, 1)],
  when: `\`${key}\` reached: current ≥ limit, limit ≠ -1 (the number in the message is the plan's limit); see [plan limits](access.md#plan-limits)`,
}));

/** Operations that call no provider: only their zone lock can fail them (503, `Retry-After`). */
const LOCK_ONLY_OPERATIONS: readonly string[] = ['createSubdomain'];

const dnsOperationRows: CatalogueEntry[] = Object.entries(DNS_OPERATION).map(([operation, error]) =>
  LOCK_ONLY_OPERATIONS.includes(operation)
    ? {
        factory: 'DNS_OPERATION',
        make: () => [e.providerError(error, 'Another change to this DNS zone is in progress; try again shortly', { throttled: true, retryAfter: 5 })],
        when: `\`${operation}\` calls no provider: the zone lock timed out because another change to the zone held it too long`,
      }
    : {
        factory: 'DNS_OPERATION',
        make: () => [
          e.providerError(error, PROVIDER_MESSAGE),
          e.providerError(error, PROVIDER_MESSAGE, { throttled: true, retryAfter: 5 }),
          e.providerError(error, PROVIDER_MESSAGE, { data: { appliedChanges: 1, totalChanges: 2 } }),
        ],
        when: `the provider failed during \`${operation}\`: 502 for an outage or a 5xx, 503 (with \`Retry-After\`) when still throttled after the retries or the zone lock timed out; a part-applied batch adds \`data\` ([batching](batching.md#part-applied-batches))`,
      },
);

export const ERROR_CATALOGUE: readonly CatalogueEntry[] = [
  { factory: 'validationFailed', make: () => [e.validationFailed(issue)], when: 'a body, query or path parameter fails its schema; `details` lists every issue, `message` repeats the first. Also a provider refusing user input (Route 53 `InvalidChangeBatch`, Cloudflare HTTP 400), with the provider\'s message' },
  { factory: 'invalidField', make: () => [e.invalidField('<path>', '<problem>')], when: 'shorthand for a single issue (same body as above)' },
  { factory: 'invalidId.dnsZone', make: () => [e.invalidId.dnsZone()], when: '`:id` of `/dns/:id…` is not a positive integer of at most 15 digits' },
  { factory: 'invalidId.resource', make: () => [e.invalidId.resource()], when: 'same for `:resourceId`' },
  { factory: 'invalidId.connection', make: () => [e.invalidId.connection()], when: 'same for `:connectionId`' },
  { factory: 'invalidId.subdomain', make: () => [e.invalidId.subdomain()], when: 'same for `:id` of `/subdomains/:id`' },
  { factory: 'invalidId.resourceConnection', make: () => [e.invalidId.resourceConnection()], when: 'same for `:id` of `/resource-connections/:id`' },
  { factory: 'batchTooLarge', make: () => [e.batchTooLarge(10)], when: 'a tRPC HTTP batch carries more calls than allowed (`<max>` = 10 by default)' },
  { factory: 'connectionTestFailed', make: () => [e.connectionTestFailed('<step> failed: <provider code>: <provider message>', {})], when: 'the cloud refused the customer\'s setup at `complete`, the Azure callback or `verify`; `data` is the connection, now `failed`' },
  { factory: 'invalidSetupToken', make: () => [e.invalidSetupToken()], when: 'Azure callback token unknown, spent, expired or malformed (one answer for all four)' },
  { factory: 'precondition.noCloudConnection', make: () => [e.precondition.noCloudConnection()], when: 'the project has no linked connection where Route 53, Cloud DNS or Azure DNS needs one' },
  { factory: 'precondition.connectionNotActive', make: () => [e.precondition.connectionNotActive()], when: 'the linked connection is inactive or not `connected`, or a link target is not connected' },
  { factory: 'precondition.dnsProviderRequired', make: () => [e.precondition.dnsProviderRequired()], when: '`POST …/dns` finds no usable DNS provider ([zones](records.md#zones))' },
  { factory: 'precondition.syncNotSupported', make: () => [e.precondition.syncNotSupported('<type>')], when: 'sync on a resource type without sync' },
  { factory: 'precondition.connectionNotAllowed', make: () => [e.precondition.connectionNotAllowed('<reason>')], when: 'a resource connection outside the allowed pairs, a target without a `dnsTarget`, or a change of a connection being disconnected ([resource connections](resources.md#resource-connections))' },
  { factory: 'precondition.resourceNotRegistrable', make: () => [e.precondition.resourceNotRegistrable('<type>')], when: '`PATCH …/resources/:id` on a `dns` or `subdomain` resource' },
  { factory: 'precondition.accountNameRequired', make: () => [e.precondition.accountNameRequired()], when: 'Azure callback before `accountName` was set (the token is not spent)' },
  { factory: 'precondition.connectionNotCompleted', make: () => [e.precondition.connectionNotCompleted(7, 'is pending')], when: '`verify` on a pending connection, or one whose first `complete` failed before its setup was stored' },
  { factory: 'precondition.lastOwner', make: () => [e.precondition.lastOwner()], when: 'removing or demoting the last owner of a workspace' },
  { factory: 'precondition.invalidCloudflareToken', make: () => [e.precondition.invalidCloudflareToken('<code>', '<message>')], when: 'Cloudflare refuses the token (verification, or HTTP 401/403 at import or later with the stored token)' },
  { factory: 'unauthenticated', make: () => [e.unauthenticated()], when: 'no actor, the host\'s `authenticate` threw, or the actor names no user' },
  { factory: 'forbidden.workspace', make: () => [e.forbidden.workspace()], when: 'the caller is not an active member of the workspace ([access](access.md))' },
  { factory: 'forbidden.project', make: () => [e.forbidden.project()], when: 'not a member of the project\'s workspace, or the project is outside the member\'s `projectPermissions`' },
  { factory: 'forbidden.environment', make: () => [e.forbidden.environment()], when: '`projectPermissions` do not cover `<project>/<environment>`' },
  { factory: 'forbidden.permission', make: () => [e.forbidden.permission('<flag>')], when: 'the member\'s role lacks the route\'s permission flag ([roles](access.md#roles-and-permission-flags))' },
  { factory: 'forbidden.ownerRole', make: () => [e.forbidden.ownerRole()], when: 'a non-owner grants, changes or removes the `owner` role' },
  { factory: 'crossSiteRequest', make: () => [e.crossSiteRequest()], when: '`requireSameOrigin` refuses a browser write from another site (hosts with cookie sessions)' },
  ...planLimitRows,
  { factory: 'notFound.workspace', make: () => [e.notFound.workspace()], when: 'no active workspace with that slug' },
  { factory: 'notFound.project', make: () => [e.notFound.project()], when: 'no active project with that slug' },
  { factory: 'notFound.environment', make: () => [e.notFound.environment()], when: 'no active environment with that slug in the project' },
  { factory: 'notFound.connection', make: () => [e.notFound.connection()], when: 'missing, inactive, or in another workspace (indistinguishable on purpose)' },
  { factory: 'notFound.dnsZone', make: () => [e.notFound.dnsZone()], when: 'missing, deleted, not `dns`, or in another project/environment' },
  { factory: 'notFound.resource', make: () => [e.notFound.resource()], when: 'same for resources' },
  { factory: 'notFound.subdomain', make: () => [e.notFound.subdomain()], when: 'missing, deleted, not a `subdomain`, or in another project/environment' },
  { factory: 'notFound.namedResource', make: () => [e.notFound.namedResource('<field>', 1)], when: 'a resource a body names (`sourceId`, `targetId` of a resource connection) is not active in this environment ([resource connections](resources.md#resource-connections))' },
  { factory: 'notFound.resourceConnection', make: () => [e.notFound.resourceConnection()], when: 'missing, disconnected, or in another project/environment' },
  { factory: 'notFound.dnsRecord', make: () => [e.notFound.dnsRecord('<type>', '<fqdn>')], when: 'a DELETE whose values do not match the record set exactly ([exact-match delete](records.md#rules-of-a-write))' },
  { factory: 'notFound.cloudflareZone', make: () => [e.notFound.cloudflareZone('<domain>')], when: 'the token sees no Cloudflare zone with exactly that name' },
  { factory: 'notFound.hostedZone', make: () => [e.notFound.hostedZone('<hostedZoneId>')], when: 'zone create with a `hostedZoneId` the linked AWS account does not hold ([adoption](records.md#adopting-an-existing-hosted-zone))' },
  { factory: 'notFound.dnsZoneInProvider', make: () => [e.notFound.dnsZoneInProvider('<hostedZoneId>', '<provider>', {})], when: 'sync finds the hosted zone gone; the zone is marked deleted and `data` is `{id, resourceId, status, synced}`' },
  { factory: 'notFound.user', make: () => [e.notFound.user()], when: 'member add with an email no user has' },
  { factory: 'notFound.member', make: () => [e.notFound.member()], when: '`:userId` is not an active member' },
  { factory: 'routeNotFound', make: () => [e.routeNotFound('<METHOD>', '<path>')], when: 'unknown route, including a known path with a method it does not serve (there is no 405)' },
  { factory: 'conflict.duplicateAccountName', make: () => [e.conflict.duplicateAccountName('<name>')], when: '`accountName` is used by another active connection of the workspace (exact match after trim)' },
  { factory: 'conflict.cannotDeleteConnection', make: () => [e.conflict.cannotDeleteConnection(['<project names>'])], when: 'a project linked to the connection still has active resources; names comma-separated, ordered by name' },
  { factory: 'conflict.cannotDisconnectCloud', make: () => [e.conflict.cannotDisconnectCloud()], when: 'unlink, or link to another connection, while the project has active resources' },
  { factory: 'conflict.cannotDeleteDefaultProject', make: () => [e.conflict.cannotDeleteDefaultProject()], when: 'project delete of the workspace\'s default project (`isDefault`, its first project)' },
  { factory: 'conflict.cannotDeleteProject', make: () => [e.conflict.cannotDeleteProject(2)], when: 'project delete while the project still has active resources (DNS zones, subdomains, host resources) in any environment; the number is how many' },
  { factory: 'conflict.cannotDeleteDefaultEnvironment', make: () => [e.conflict.cannotDeleteDefaultEnvironment()], when: 'environment delete of the project\'s default environment (`master`)' },
  { factory: 'conflict.cannotDeleteEnvironment', make: () => [e.conflict.cannotDeleteEnvironment(1)], when: 'environment delete while the environment still has active resources; the number is how many' },
  { factory: 'conflict.dnsZoneExists', make: () => [e.conflict.dnsZoneExists('<domain>')], when: 'the domain is already an active zone of this environment' },
  { factory: 'conflict.subdomainExists', make: () => [e.conflict.subdomainExists('<fqdn>')], when: 'the zone already has an active subdomain with this name ([subdomains](resources.md#subdomains))' },
  { factory: 'conflict.subdomainConnected', make: () => [e.conflict.subdomainConnected(1)], when: 'the subdomain already has a resource connection (active, being disconnected, or pending to another target); `1` is the subdomain id' },
  { factory: 'conflict.dnsRecordConflict', make: () => [e.conflict.dnsRecordConflict('<name>', '<type>')], when: 'a record set a connection needs exists at the provider and was not written by cloudlink (never overwritten)' },
  { factory: 'conflict.tooManyChanges', make: () => [e.conflict.tooManyChanges({ update: 3, delete: 2, existingRecordSets: 12, thresholdPercent: 30, minExistingRecordSets: 10 })], when: 'a record write (records, resource connections, zone file import) would update or delete more than `dns.safety.thresholdPercent` % of the zone\'s existing record sets, the zone has at least `dns.safety.minExistingRecordSets`, and `force` is not `true` ([plan before apply](records.md#plan-before-apply)); `data` = `{update, delete, existingRecordSets, thresholdPercent, minExistingRecordSets}`' },
  { factory: 'conflict.dnsRecordChangedConcurrently', make: () => [e.conflict.dnsRecordChangedConcurrently('<name> <type>'), e.conflict.dnsRecordChangedConcurrently(null)], when: 'an Azure DNS write whose ETag no longer holds: the set changed at the provider since it was read, nothing was overwritten; `data` = `{appliedChanges, totalChanges}` when a batch was part-applied ([zones](records.md#zones))' },
  { factory: 'conflict.resourceInUse', make: () => [e.conflict.resourceInUse(1)], when: 'clearing the `dnsTarget` of a resource that a resource connection targets (`1` is the resource id)' },
  { factory: 'conflict.multipleHostedZones', make: () => [e.conflict.multipleHostedZones('<domain>', ['<id1>', '<id2>'])], when: 'zone create without `hostedZoneId` finds several public hosted zones for the domain not created by cloudlink ([adoption](records.md#adopting-an-existing-hosted-zone))' },
  { factory: 'conflict.connectionAlreadyCompleted', make: () => [e.conflict.connectionAlreadyCompleted(1)], when: 'complete on a `connected` connection, or a concurrent complete won (`1` is the connection id)' },
  { factory: 'conflict.connectionNotConnected', make: () => [e.conflict.connectionNotConnected(1, 'pending')], when: '`credentials.issue` / `forHost` on a connection that is not `connected` (pending or failed): never stale credentials ([credentials](credentials.md))' },
  { factory: 'conflict.memberExists', make: () => [e.conflict.memberExists()], when: 'the user is already an active member' },
  { factory: 'conflict.emailInUse', make: () => [e.conflict.emailInUse()], when: '`users.provision` with an email another user has, on first sight or as a change ([access](access.md#provisioning-users))' },
  { factory: 'conflict.slugUnavailable', make: () => [e.conflict.slugUnavailable()], when: 'every slug tried for a new workspace, project or environment was taken by concurrent inserts' },
  { factory: 'conflict.tooManyPendingConnections', make: () => [e.conflict.tooManyPendingConnections(10)], when: 'the workspace already holds `maxPendingConnections` (default 10) pending or failed connections' },
  { factory: 'payloadTooLarge', make: () => [e.payloadTooLarge()], when: 'a request body over 5 MB (checked on `Content-Length` and while streaming)' },
  { factory: 'zoneFileTooLarge', make: () => [e.zoneFileTooLarge()], when: 'a zone file import over 4 MiB (`text/dns` body checked on `Content-Length` and while streaming; JSON `zoneFile` before parsing; [zone files](records.md#zone-files))' },
  { factory: 'urlTooLong', make: () => [e.urlTooLong()], when: 'a tRPC request URL over 16 KB' },
  { factory: 'unsupportedMediaType', make: () => [e.unsupportedMediaType()], when: 'a write whose body or `Content-Type` is not JSON (the zone-file import also takes `text/dns`; `text/plain` is refused)' },
  { factory: 'internalError', make: () => [e.internalError()], when: 'anything unexpected; the cause goes only to the log' },
  { factory: 'providerError', make: () => [e.providerError('Provider unavailable', PROVIDER_MESSAGE), e.providerError('Provider unavailable', PROVIDER_MESSAGE, { throttled: true, retryAfter: 5 })], when: 'a connection test reached no verdict: network, timeout, 5xx, our own platform credentials refused (502), or throttling (503)' },
  ...dnsOperationRows,
  { factory: 'credentialsExchangeFailed', make: () => [e.credentialsExchangeFailed('AssumeRole failed: AccessDenied: User: … is not authorized to perform: sts:AssumeRole')], when: 'the cloud refused to issue a connection\'s credentials (role, trust or binding removed); the connection\'s status is unchanged ([credentials](credentials.md))' },
  { factory: 'providerNotConfigured', make: () => [e.providerNotConfigured('<what> is not configured')], when: 'the host configured no provider for this cloud, or no AWS platform account is known' },
];

/** Exports of `src/errors` that are not error factories. */
export const NOT_FACTORIES = new Set(['EngineError', 'isEngineError']);

/** Every factory exported by `src/errors`: top-level functions and the functions of grouped objects. */
export function exportedFactories(): string[] {
  const names: string[] = [];
  for (const [name, value] of Object.entries(errors)) {
    if (NOT_FACTORIES.has(name)) continue;
    if (typeof value === 'function') names.push(name);
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [member, fn] of Object.entries(value)) if (typeof fn === 'function') names.push(`${name}.${member}`);
    }
  }
  return names;
}
