/**
 * The REST route table: one row per documented route, read by the
 * router, by the OpenAPI document and by the tests. Paths are relative to the `/api` mount point.
 * Order matters: fixed prefixes come before the catch-all `/:projectSlug/:environmentSlug/…`.
 */

import { ZONE_FILE_MAX_BYTES } from '@cloudlink/engine';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Engine operations reachable over REST, as `<group>.<method>` of the `Engine` type. */
export type RestOperation =
  | 'workspaces.create'
  | 'workspaces.list'
  | 'workspaces.get'
  | 'workspaces.usage'
  | 'projects.create'
  | 'projects.get'
  | 'projects.list'
  | 'projects.update'
  | 'projects.delete'
  | 'projects.connectCloud'
  | 'projects.disconnectCloud'
  | 'environments.create'
  | 'environments.list'
  | 'environments.delete'
  | 'members.list'
  | 'members.add'
  | 'members.updateRole'
  | 'members.remove'
  | 'audit.list'
  | 'cloudConnections.list'
  | 'cloudConnections.connectAws'
  | 'cloudConnections.connectGcp'
  | 'cloudConnections.connectAzure'
  | 'cloudConnections.complete'
  | 'cloudConnections.verify'
  | 'cloudConnections.update'
  | 'cloudConnections.delete'
  | 'cloudConnections.azureSetupCallback'
  | 'publicAssets.openidConfiguration'
  | 'publicAssets.jwks'
  | 'publicAssets.awsTemplate'
  | 'publicAssets.awsOidcTemplate'
  | 'publicAssets.gcpSetupScript'
  | 'publicAssets.azureSetupScript'
  | 'dns.createZone'
  | 'dns.listZones'
  | 'dns.getZone'
  | 'dns.listRecords'
  | 'dns.upsertRecords'
  | 'dns.deleteRecords'
  | 'dns.exportZoneFile'
  | 'dns.importZoneFile'
  | 'resources.list'
  | 'resources.get'
  | 'resources.register'
  | 'resources.update'
  | 'resources.sync'
  | 'resources.delete'
  | 'subdomains.create'
  | 'subdomains.list'
  | 'subdomains.get'
  | 'subdomains.delete'
  | 'resourceConnections.create'
  | 'resourceConnections.list'
  | 'resourceConnections.get'
  | 'resourceConnections.update'
  | 'resourceConnections.delete';

/**
 * How the engine is called: `actor` = `(actor, input)` (every authenticated route and the Azure
 * callback, which gets `null`), `input` = `(input)` (public assets with a query), `none` = `()`.
 */
export type CallStyle = 'actor' | 'input' | 'none';

/** How the result is written: JSON (the documented envelope) or a text document. */
export type ResponseKind =
  | { readonly kind: 'json'; readonly cacheControl?: string }
  | { readonly kind: 'text'; readonly contentType: string; readonly cacheControl?: string }
  /**
   * Text written chunk by chunk as the engine method `stream` (`<group>.<method>`, same input as the
   * operation) yields it: a zone file. The operation itself answers the whole text as JSON (tRPC).
   */
  | { readonly kind: 'stream'; readonly contentType: string; readonly stream: string; readonly cacheControl?: string };

/**
 * A query parameter a route reads. Only declared names reach the engine: the query string is the
 * one part of a request a cross-site page controls freely (an HTML form's `action` URL), so a write
 * must never take its input from it. The OpenAPI document lists exactly these.
 */
export interface QueryParam {
  readonly name: string;
  readonly required?: boolean;
  /** For the document when the operation's engine query schema does not describe it; default a string. */
  readonly schema?: Readonly<Record<string, unknown>>;
  readonly description?: string;
}

export interface RestRoute {
  readonly method: HttpMethod;
  /** Express path relative to the mount point (`/api`). */
  readonly path: string;
  readonly operation: RestOperation;
  /** Success status (see docs/errors.md): 201 for creates that insert a row, else 200. */
  readonly status: 200 | 201;
  /** Public routes skip `authenticate`. */
  readonly public: boolean;
  readonly call: CallStyle;
  readonly response: ResponseKind;
  /** The query parameters it reads; every other one is ignored (like unknown body fields). */
  readonly query: readonly QueryParam[];
  /** One line for the OpenAPI document. */
  readonly summary: string;
  /**
   * A route that also takes a text body of this media type (besides JSON), read whole up to `limit`
   * bytes (413 above, before anything parses it) into the input field `field`.
   */
  readonly textBody?: { readonly contentType: string; readonly field: string; readonly limit: number };
}

const JSON_BODY: ResponseKind = { kind: 'json' };
const SHELL: ResponseKind = { kind: 'text', contentType: 'text/x-shellscript; charset=utf-8' };

/** Cursor pagination of every list: `nextCursor` of one page is the `cursor` of the next. */
const PAGE: readonly QueryParam[] = [
  { name: 'limit', schema: { type: 'string', pattern: '^[1-9][0-9]*$' }, description: 'Page size (bounded by the engine)' },
  { name: 'cursor', schema: { type: 'string' }, description: '`nextCursor` of the previous page' },
];
const CONNECTION_FILTERS: readonly QueryParam[] = ['status', 'provider', 'provider_id', 'include_inactive'].map((name) => ({ name }));
const RESOURCE_FILTERS: readonly QueryParam[] = ['type', 'region', 'status', 'state'].map((name) => ({ name }));
const SUBDOMAIN_FILTERS: readonly QueryParam[] = [{ name: 'zoneId', description: 'Only the subdomains of this zone' }];
const AUDIT_FILTERS: readonly QueryParam[] = [
  { name: 'connectionId', schema: { type: 'string', pattern: '^[1-9][0-9]{0,14}$' }, description: 'Only the entries about this cloud connection' },
  { name: 'operation', description: 'Only the entries of this operation, e.g. `cloudConnections.complete`' },
];
const RESOURCE_CONNECTION_FILTERS: readonly QueryParam[] = [{ name: 'resourceId', description: 'Only the connections with this resource as source or target' }];
const DELETE_FROM_CLOUD: QueryParam = {
  name: 'deleteFromCloud',
  schema: { type: 'string', enum: ['true', 'false'], default: 'true' },
  description: 'Also delete the zone at the provider',
};
/** `dryRun` and `force` of a record write (docs/records.md#plan-before-apply); a POST may also send them in its JSON body. */
const DRY_RUN: QueryParam = {
  name: 'dryRun',
  schema: { type: 'string', enum: ['true', 'false'], default: 'false' },
  description: 'Answer the plan (changes, provider calls, counts, safety verdict) with 200 and change nothing',
};
const FORCE: QueryParam = {
  name: 'force',
  schema: { type: 'string', enum: ['true', 'false'], default: 'false' },
  description: 'Apply even when the write updates or deletes more than the safety threshold of the zone\'s record sets',
};
const PLANNED: readonly QueryParam[] = [DRY_RUN, FORCE];
const DELETE_FROM_CLOUD_RECORDS: QueryParam = { ...DELETE_FROM_CLOUD, description: "Also remove its connection's records at the provider" };
/** The zone-file import's options: a text/dns body has no room for them (docs/records.md#zone-files). */
const ZONE_FILE_IMPORT_QUERY: readonly QueryParam[] = [
  ...PLANNED,
  {
    name: 'replace',
    schema: { type: 'string', enum: ['true', 'false'], default: 'false' },
    description: 'Also delete the record sets the file does not hold (alias, routing-policy and apex NS sets stay)',
  },
];
const CONNECTION_PARAM: QueryParam = { name: 'connection', required: true, schema: { type: 'string', pattern: '^[1-9][0-9]{0,14}$' } };

function route(method: HttpMethod, path: string, operation: RestOperation, summary: string, status: 200 | 201 = 200, query: readonly QueryParam[] = []): RestRoute {
  return { method, path, operation, status, public: false, call: 'actor', response: JSON_BODY, query, summary };
}

/** A list: reads its filters and the two pagination parameters. */
function list(path: string, operation: RestOperation, summary: string, filters: readonly QueryParam[] = []): RestRoute {
  return route('GET', path, operation, summary, 200, [...filters, ...PAGE]);
}

function publicRoute(
  method: HttpMethod,
  path: string,
  operation: RestOperation,
  summary: string,
  call: CallStyle,
  response: ResponseKind = JSON_BODY,
  query: readonly QueryParam[] = [],
): RestRoute {
  return { method, path, operation, status: 200, public: true, call, response, query, summary };
}

const WS = '/workspaces/:workspaceSlug';
const CC = '/cloud-connections/:workspaceSlug';
const PR = '/projects/:projectSlug';
const ENV = '/:projectSlug/:environmentSlug';

/** Every route, in registration order. */
export const REST_ROUTES: readonly RestRoute[] = [
  // Public — registered first so `/cloud-connections/:workspaceSlug/…` never shadows them.
  publicRoute('POST', '/cloud-connections/azure-setup-callback', 'cloudConnections.azureSetupCallback', 'Azure setup script callback (authenticated by the one-time token)', 'actor'),
  publicRoute('GET', '/.well-known/openid-configuration', 'publicAssets.openidConfiguration', 'OIDC discovery document of the issuer', 'none'),
  publicRoute('GET', '//.well-known/openid-configuration', 'publicAssets.openidConfiguration', 'OIDC discovery document (double-slash form some STS clients request)', 'none'),
  publicRoute('GET', '/.well-known/jwks.json', 'publicAssets.jwks', 'JSON Web Key Set of the issuer', 'none', { kind: 'json', cacheControl: 'public, max-age=300' }),
  publicRoute('GET', '/cloud-connections/templates/aws-oidc.yaml', 'publicAssets.awsOidcTemplate', 'CloudFormation template creating the role trusting the OIDC issuer (mode oidc)', 'none', { kind: 'text', contentType: 'text/yaml; charset=utf-8' }),
  publicRoute('GET', '/cloud-connections/templates/aws.yaml', 'publicAssets.awsTemplate', 'CloudFormation template creating the cross-account role', 'none', { kind: 'text', contentType: 'text/yaml; charset=utf-8' }),
  publicRoute('GET', '/cloud-connections/scripts/gcp-wif.sh', 'publicAssets.gcpSetupScript', 'GCP Workload Identity Federation setup script (?connection=<id>)', 'input', SHELL, [CONNECTION_PARAM]),
  publicRoute('GET', '/cloud-connections/scripts/azure.sh', 'publicAssets.azureSetupScript', 'Azure service principal setup script (?connection=<id> for an oidc connection: federated, no secret)', 'input', SHELL, [{ ...CONNECTION_PARAM, required: false }]),

  // Workspaces, members, projects, environments.
  route('POST', '/workspaces', 'workspaces.create', 'Create a workspace (the caller becomes owner)', 201),
  list('/workspaces', 'workspaces.list', "The caller's workspaces, with their role in each"),
  route('GET', WS, 'workspaces.get', 'Get a workspace'),
  route('GET', `${WS}/usage`, 'workspaces.usage', 'Plan usage of a workspace'),
  route('POST', `${WS}/projects`, 'projects.create', 'Create a project (with environment master)', 201),
  list(`${WS}/projects`, 'projects.list', 'List projects'),
  list(`${WS}/members`, 'members.list', 'List members'),
  route('POST', `${WS}/members`, 'members.add', 'Add an existing user as a member', 201),
  route('PATCH', `${WS}/members/:userId`, 'members.updateRole', 'Change a member role'),
  route('DELETE', `${WS}/members/:userId`, 'members.remove', 'Remove a member'),
  list(`${WS}/audit`, 'audit.list', 'The workspace audit log, newest first', AUDIT_FILTERS),
  route('GET', PR, 'projects.get', 'Get a project'),
  route('PATCH', PR, 'projects.update', 'Rename a project (name, description; the slug never changes)'),
  route('DELETE', PR, 'projects.delete', 'Delete a project (soft; refused for the default project and while it holds resources)'),
  route('POST', `${PR}/environments`, 'environments.create', 'Create an environment', 201),
  list(`${PR}/environments`, 'environments.list', 'List environments'),
  route('DELETE', `${PR}/environments/:environmentSlug`, 'environments.delete', 'Delete an environment (soft; refused for master and while it holds resources)'),
  route('PATCH', `${PR}/connect-cloud/:connectionId`, 'projects.connectCloud', 'Link the project to a cloud connection'),
  route('PATCH', `${PR}/disconnect-cloud`, 'projects.disconnectCloud', 'Unlink the project from its cloud connection'),

  // Cloud connections.
  list(CC, 'cloudConnections.list', 'List cloud connections', CONNECTION_FILTERS),
  route('POST', `${CC}/connect-aws`, 'cloudConnections.connectAws', 'Start an AWS connection', 201),
  route('POST', `${CC}/connect-gcp`, 'cloudConnections.connectGcp', 'Start a GCP connection', 201),
  route('POST', `${CC}/connect-azure`, 'cloudConnections.connectAzure', 'Start an Azure connection', 201),
  route('POST', `${CC}/:connectionId/complete`, 'cloudConnections.complete', 'Complete (test) a pending or failed connection'),
  route('POST', `${CC}/:connectionId/verify`, 'cloudConnections.verify', 'Re-verify a connected or failed connection'),
  route('PATCH', `${CC}/:connectionId`, 'cloudConnections.update', 'Rename a connection'),
  route('DELETE', `${CC}/:connectionId`, 'cloudConnections.delete', 'Delete a connection'),

  // Project/environment scoped: DNS zones, records, resources, subdomains — the catch-all, last.
  route('POST', `${ENV}/dns`, 'dns.createZone', 'Create (Route 53) or import (Cloudflare) a DNS zone', 201),
  list(`${ENV}/dns`, 'dns.listZones', 'List DNS zones'),
  route('GET', `${ENV}/dns/:id`, 'dns.getZone', 'Get a DNS zone'),
  list(`${ENV}/dns/:id/records`, 'dns.listRecords', 'List DNS records (live from the provider)'),
  route('POST', `${ENV}/dns/:id/records`, 'dns.upsertRecords', 'Create or update DNS records (UPSERT; ?dryRun=true plans, ?force=true passes the safety threshold)', 200, PLANNED),
  route('DELETE', `${ENV}/dns/:id/records`, 'dns.deleteRecords', 'Delete DNS records (?dryRun=true plans, ?force=true passes the safety threshold)', 200, PLANNED),
  {
    ...route('GET', `${ENV}/dns/:id/zonefile`, 'dns.exportZoneFile', 'Export the live zone as an RFC 1035 zone file (streamed)'),
    response: { kind: 'stream', contentType: 'text/dns; charset=utf-8', stream: 'dns.streamZoneFile' },
  },
  {
    ...route('POST', `${ENV}/dns/:id/zonefile`, 'dns.importZoneFile', 'Import a zone file (text/dns body, or JSON { zoneFile }); ?dryRun shows the plan', 200, ZONE_FILE_IMPORT_QUERY),
    textBody: { contentType: 'text/dns', field: 'zoneFile', limit: ZONE_FILE_MAX_BYTES },
  },
  list(`${ENV}/resources`, 'resources.list', 'List resources of the environment', RESOURCE_FILTERS),
  route('POST', `${ENV}/resources`, 'resources.register', "Register one of the host's own resources", 201),
  route('GET', `${ENV}/resources/:resourceId`, 'resources.get', 'Get a resource'),
  route('PATCH', `${ENV}/resources/:resourceId`, 'resources.update', "Update one of the host's own resources (a new dnsTarget re-points its connections)"),
  route('PUT', `${ENV}/resources/:resourceId/sync`, 'resources.sync', 'Sync a resource (DNS verification)'),
  route('DELETE', `${ENV}/resources/:resourceId`, 'resources.delete', 'Delete a resource (?deleteFromCloud=true|false; ?dryRun=true plans a zone delete)', 200, [DELETE_FROM_CLOUD, DRY_RUN]),
  route('POST', `${ENV}/subdomains`, 'subdomains.create', 'Create a subdomain (a name inside a zone)', 201),
  list(`${ENV}/subdomains`, 'subdomains.list', 'List subdomains (?zoneId=)', SUBDOMAIN_FILTERS),
  route('GET', `${ENV}/subdomains/:id`, 'subdomains.get', 'Get a subdomain'),
  route('DELETE', `${ENV}/subdomains/:id`, 'subdomains.delete', 'Delete a subdomain, disconnecting it first (?deleteFromCloud=true|false)', 200, [DELETE_FROM_CLOUD_RECORDS]),
  route('POST', `${ENV}/resource-connections`, 'resourceConnections.create', 'Connect a subdomain to a host resource (writes its DNS records; ?dryRun=true plans)', 201, PLANNED),
  list(`${ENV}/resource-connections`, 'resourceConnections.list', 'List resource connections (?resourceId=)', RESOURCE_CONNECTION_FILTERS),
  route('GET', `${ENV}/resource-connections/:id`, 'resourceConnections.get', 'Get a resource connection'),
  route('PATCH', `${ENV}/resource-connections/:id`, 'resourceConnections.update', 'Re-point a resource connection or change its ttl/proxied (one provider batch; ?dryRun=true plans)', 200, PLANNED),
  route('DELETE', `${ENV}/resource-connections/:id`, 'resourceConnections.delete', 'Disconnect: remove the records the connection wrote (?dryRun=true plans)', 200, PLANNED),
];

/** Path of the OpenAPI document, served by the router itself (public). */
export const OPENAPI_PATH = '/openapi.json';
