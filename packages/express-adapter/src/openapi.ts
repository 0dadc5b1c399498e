import * as engineExports from '@cloudlink/engine';
import { OPERATION_RESPONSES, RESERVED_PROJECT_SLUGS, RESERVED_WORKSPACE_SLUGS, responseRegistry, responseSchemaId } from '@cloudlink/engine';
import { z } from 'zod';
import { REQUEST_EXAMPLES } from './openapi-examples.js';
import { REST_ROUTES, OPENAPI_PATH, type RestOperation, type RestRoute } from './routes.js';

/** Where an operation's body and query are described. */
export interface OperationSchemas {
  /** Engine export names of the body schema (several: `anyOf`). Listed ⇒ the route takes a JSON body. */
  readonly body?: readonly string[];
  /**
   * Engine export name of the query schema: it describes the route's declared query parameters
   * (`RestRoute.query`, the one list of what the router reads); its other keys are not listed.
   */
  readonly query?: string;
}

/**
 * The engine's exported zod schemas describing each operation's body (and query), by export name.
 * They are looked up on the engine module at build time: an operation whose schema is not exported
 * (yet) is described by its path parameters only. Several names = `anyOf` (complete, by provider).
 */
export const OPERATION_SCHEMAS: Partial<Record<RestOperation, OperationSchemas>> = {
  'workspaces.create': { body: ['createWorkspaceBodySchema'] },
  'projects.create': { body: ['createProjectBodySchema'] },
  'projects.update': { body: ['updateProjectBodySchema'] },
  'environments.create': { body: ['createEnvironmentBodySchema'] },
  'members.add': { body: ['addMemberBodySchema'] },
  'members.updateRole': { body: ['updateMemberRoleBodySchema'] },
  'cloudConnections.list': { query: 'listConnectionsQuerySchema' },
  'audit.list': { query: 'listAuditQuerySchema' },
  'cloudConnections.connectAws': { body: ['connectAwsBodySchema'] },
  'cloudConnections.connectGcp': { body: ['connectGcpBodySchema'] },
  'cloudConnections.connectAzure': { body: ['connectAzureBodySchema'] },
  'cloudConnections.complete': { body: ['completeAwsBodySchema', 'completeGcpBodySchema', 'completeAzureBodySchema'] },
  'cloudConnections.update': { body: ['updateConnectionBodySchema'] },
  'cloudConnections.azureSetupCallback': { body: ['azureCallbackBodySchema'] },
  'dns.createZone': { body: ['createZoneBodySchema'] },
  'dns.upsertRecords': { body: ['recordsBodySchema'] },
  'dns.deleteRecords': { body: ['recordsBodySchema'] },
  'dns.importZoneFile': { body: ['importZoneFileBodySchema'] },
  'resources.list': { query: 'listResourcesQuerySchema' },
  'resources.register': { body: ['registerResourceBodySchema'] },
  'subdomains.create': { body: ['createSubdomainBodySchema'] },
  'subdomains.list': { query: 'listSubdomainsQuerySchema' },
  'resources.update': { body: ['updateResourceBodySchema'] },
  'resourceConnections.create': { body: ['createResourceConnectionBodySchema'] },
  'resourceConnections.list': { query: 'listResourceConnectionsQuerySchema' },
  'resourceConnections.update': { body: ['updateResourceConnectionBodySchema'] },
};

function exportedSchema(name: string): z.ZodType | undefined {
  const value = (engineExports as Record<string, unknown>)[name];
  return value instanceof z.ZodType ? value : undefined;
}

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) of what a client sends; transforms become `{}`. */
function jsonSchemaOf(schema: z.ZodType): JsonObject {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonObject;
  return rest;
}

export interface OpenApiOptions {
  /** `info.title`; default `cloudlink API`. */
  readonly title?: string;
  /** `info.version`; default the package version. */
  readonly version?: string;
  /** `servers[0].url`, e.g. `https://cloudlink.example.com/api`; default `/api`. */
  readonly serverUrl?: string;
}

type JsonObject = Record<string, unknown>;

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonObject): JsonObject => ({ 'application/json': { schema } });

/**
 * The error bodies of docs/errors.md: `{ error, message }`, plus the extra keys of the kinds that
 * have them. `error` is the fixed string clients switch on (the table of docs/errors.md lists them).
 */
const ERROR_SCHEMAS: Record<string, JsonObject> = {
  Error: {
    type: 'object',
    description: 'An error: `error` is a fixed string to switch on (docs/errors.md), `message` is for people',
    required: ['error', 'message'],
    properties: { error: { type: 'string', examples: ['Workspace not found'] }, message: { type: 'string', examples: ['The specified workspace does not exist'] } },
  },
  ValidationIssue: {
    type: 'object',
    required: ['path', 'message'],
    properties: { path: { type: 'string', description: 'Dotted path with indexes, e.g. `records[3].values[0]`' }, message: { type: 'string' } },
  },
  ValidationError: {
    type: 'object',
    description: '`Validation failed`: every issue in `details`; `message` repeats the first as `<path>: <problem>`',
    required: ['error', 'message', 'details'],
    properties: { error: { const: 'Validation failed' }, message: { type: 'string' }, details: { type: 'array', items: ref('ValidationIssue') } },
  },
  PlanLimitError: {
    type: 'object',
    description: "`Plan limit exceeded`: the plan's limit and the current count",
    required: ['error', 'message', 'currentValue', 'limit', 'upgradeRequired'],
    properties: {
      error: { const: 'Plan limit exceeded' },
      message: { type: 'string' },
      currentValue: { type: 'integer' },
      limit: { type: 'integer' },
      upgradeRequired: { type: 'boolean' },
    },
  },
  ConnectionTestFailedError: {
    type: 'object',
    description: '`Connection test failed`: the cloud refused the setup; `data` is the connection as stored, now `failed`',
    required: ['error', 'message', 'data'],
    properties: { error: { const: 'Connection test failed' }, message: { type: 'string' }, data: ref('CloudConnection') },
  },
  ZoneGoneError: {
    type: 'object',
    description: '`DNS zone not found in provider`: a sync found the hosted zone gone and forgot the zone',
    required: ['error', 'message', 'data'],
    properties: {
      error: { const: 'DNS zone not found in provider' },
      message: { type: 'string' },
      data: {
        type: 'object',
        required: ['id', 'resourceId', 'status', 'synced'],
        properties: { id: { type: 'integer' }, resourceId: { type: ['string', 'null'] }, status: { const: 'deleted' }, synced: { const: true } },
      },
    },
  },
  TooManyChangesError: {
    type: 'object',
    description: '`Too many changes`: the write would update or delete more than the safety threshold of the zone\'s record sets; repeat with force=true (docs/records.md#plan-before-apply)',
    required: ['error', 'message', 'data'],
    properties: {
      error: { const: 'Too many changes' },
      message: { type: 'string' },
      data: {
        type: 'object',
        required: ['update', 'delete', 'existingRecordSets', 'thresholdPercent', 'minExistingRecordSets'],
        properties: {
          update: { type: 'integer' },
          delete: { type: 'integer' },
          existingRecordSets: { type: 'integer' },
          thresholdPercent: { type: 'number' },
          minExistingRecordSets: { type: 'integer' },
        },
      },
    },
  },
  ProviderError: {
    type: 'object',
    description: 'A provider failure named after the operation; a part-applied record batch adds `data` (docs/batching.md)',
    required: ['error', 'message'],
    properties: {
      error: { type: 'string', examples: ['Failed to create DNS record'] },
      message: { type: 'string', examples: ['ChangeResourceRecordSets failed: ServiceUnavailable: Service unavailable'] },
      data: { type: 'object', required: ['appliedChanges', 'totalChanges'], properties: { appliedChanges: { type: 'integer' }, totalChanges: { type: 'integer' } } },
    },
  },
};

const errorResponse = (description: string, schema: JsonObject, headers?: JsonObject): JsonObject => ({ description, ...(headers ? { headers } : {}), content: json(schema) });
const anyOf = (...names: string[]): JsonObject => ({ anyOf: names.map(ref) });

/** One reusable response per status (and per extra kind a route adds); routes refer to them by name. */
const ERROR_RESPONSES: Record<string, JsonObject> = {
  BadRequest: errorResponse('Validation failed (with `details`), an invalid id, or a precondition of the operation', anyOf('ValidationError', 'Error')),
  ConnectionTestBadRequest: errorResponse('As BadRequest, or `Connection test failed` with the failed connection as `data`', anyOf('ConnectionTestFailedError', 'ValidationError', 'Error')),
  Unauthorized: errorResponse('`Unauthorized`: missing or invalid authentication token', ref('Error')),
  Forbidden: errorResponse('`Forbidden`: not a member, or the role lacks the permission', ref('Error')),
  ForbiddenOrPlanLimit: errorResponse('`Forbidden`, or `Plan limit exceeded` with the limit and the current count', anyOf('PlanLimitError', 'Error')),
  NotFound: errorResponse('`… not found`: the workspace, project, environment or the object named by the path', ref('Error')),
  ZoneNotFound: errorResponse('`… not found`, or `DNS zone not found in provider` when a sync finds the hosted zone gone', anyOf('ZoneGoneError', 'Error')),
  Conflict: errorResponse('A conflict with the current state (docs/errors.md lists each `error`)', ref('Error')),
  RecordWriteConflict: errorResponse('A conflict with the current state, or `Too many changes` past the safety threshold (docs/errors.md lists each `error`)', anyOf('TooManyChangesError', 'Error')),
  PayloadTooLarge: errorResponse('`Payload too large`: a body over 5 MB', ref('Error')),
  UnsupportedMediaType: errorResponse('`Unsupported media type`: a body (or Content-Type) other than application/json on a write', ref('Error')),
  BadGateway: errorResponse('The cloud provider failed (an outage, a timeout, a 5xx)', ref('ProviderError')),
  ServiceUnavailable: errorResponse('Still throttled after the retries, a zone busy with another change, or a provider the host did not configure', ref('ProviderError'), {
    'Retry-After': { description: 'Seconds to wait (throttling): the provider\'s value, else 5', schema: { type: 'integer' } },
  }),
  InternalError: errorResponse('`Internal server error`: anything unexpected (the cause goes only to the log)', ref('Error')),
};

/** Operations that check a plan limit (403 `Plan limit exceeded`, docs/access.md#plan-limits). */
const PLAN_LIMITED: ReadonlySet<RestOperation> = new Set<RestOperation>([
  'projects.create', 'environments.create', 'members.add', 'cloudConnections.connectAws', 'cloudConnections.connectGcp', 'cloudConnections.connectAzure',
  'cloudConnections.complete', 'cloudConnections.verify', 'cloudConnections.azureSetupCallback', 'dns.createZone', 'resources.register', 'subdomains.create',
]);

/** Operations that can answer 409 (the conflicts of docs/errors.md). */
const CONFLICTING: ReadonlySet<RestOperation> = new Set<RestOperation>([
  'workspaces.create', 'projects.create', 'projects.delete', 'environments.create', 'environments.delete', 'members.add', 'projects.connectCloud',
  'projects.disconnectCloud',
  'cloudConnections.connectAws', 'cloudConnections.connectGcp', 'cloudConnections.connectAzure', 'cloudConnections.complete', 'cloudConnections.update',
  'cloudConnections.delete', 'cloudConnections.azureSetupCallback', 'dns.createZone', 'resources.update', 'subdomains.create',
  'resourceConnections.create', 'resourceConnections.update', 'resourceConnections.delete', 'dns.upsertRecords', 'dns.deleteRecords', 'dns.importZoneFile',
]);

/** Record writes reviewed against the safety threshold (409 `Too many changes`, docs/records.md#plan-before-apply). */
const THRESHOLD_GUARDED: ReadonlySet<RestOperation> = new Set<RestOperation>([
  'dns.upsertRecords', 'dns.deleteRecords', 'dns.importZoneFile', 'resourceConnections.create', 'resourceConnections.update', 'resourceConnections.delete',
]);

/** Operations that take `dryRun` and answer `DryRunAnswer` with 200 instead of their usual success. */
const DRY_RUNNABLE: ReadonlySet<RestOperation> = new Set<RestOperation>([...THRESHOLD_GUARDED, 'resources.delete']);

/**
 * Operations that call a cloud provider or wait for a zone's lock: 502 for an outage, 503 (with
 * `Retry-After`) when throttled, busy or not configured.
 */
const PROVIDER_BOUND: ReadonlySet<RestOperation> = new Set<RestOperation>([
  'cloudConnections.connectAws', 'cloudConnections.complete', 'cloudConnections.verify', 'cloudConnections.azureSetupCallback', 'publicAssets.awsTemplate',
  'dns.createZone', 'dns.listRecords', 'dns.upsertRecords', 'dns.deleteRecords', 'dns.exportZoneFile', 'dns.importZoneFile', 'resources.update', 'resources.sync', 'resources.delete',
  'subdomains.create', 'subdomains.delete', 'resourceConnections.create', 'resourceConnections.update', 'resourceConnections.delete',
]);

/** Operations whose 400 may be a failed connection test. */
const CONNECTION_TESTS: ReadonlySet<RestOperation> = new Set<RestOperation>(['cloudConnections.complete', 'cloudConnections.verify', 'cloudConnections.azureSetupCallback']);

/** The error responses `route` can give, by status (docs/errors.md); anything else is the 500 of `default`. */
function errorResponsesOf(route: RestRoute, takesBody: boolean): JsonObject {
  const op = route.operation;
  const use = (name: string): JsonObject => ({ $ref: `#/components/responses/${name}` });
  const responses: JsonObject = {};
  const authenticated = !route.public;
  // Every authenticated route reads a slug, an id, a body or a query; the callback reads its body.
  if (authenticated || takesBody) responses['400'] = use(CONNECTION_TESTS.has(op) ? 'ConnectionTestBadRequest' : 'BadRequest');
  if (authenticated) responses['401'] = use('Unauthorized');
  if (authenticated || PLAN_LIMITED.has(op)) responses['403'] = use(PLAN_LIMITED.has(op) ? 'ForbiddenOrPlanLimit' : 'Forbidden');
  if (authenticated || route.call === 'input') responses['404'] = use(op === 'resources.sync' ? 'ZoneNotFound' : 'NotFound');
  if (CONFLICTING.has(op)) responses['409'] = use(THRESHOLD_GUARDED.has(op) ? 'RecordWriteConflict' : 'Conflict');
  if (takesBody) responses['413'] = use('PayloadTooLarge');
  if (route.method !== 'GET') responses['415'] = use('UnsupportedMediaType');
  if (PROVIDER_BOUND.has(op)) {
    responses['502'] = use('BadGateway');
    responses['503'] = use('ServiceUnavailable');
  }
  responses.default = use('InternalError');
  return responses;
}

/** `/dns/:id/records` → `/dns/{id}/records`, and the parameter names in order. */
function toOpenApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const converted = path.replace(/:([A-Z_]\w*)/gi, (_m, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: converted, params };
}

function operationId(route: RestRoute): string {
  const base = route.operation.replace('.', '_');
  return route.path.startsWith('//') ? `${base}_doubleSlash` : base;
}

/**
 * A path parameter: ids are integers of at most 15 digits; a workspace or project slug is never a
 * reserved one, which is what keeps `/cloud-connections/…` and `/workspaces/…` apart from the
 * project-scoped catch-all `/{projectSlug}/{environmentSlug}/…`.
 */
function pathParameterSchema(name: string): JsonObject {
  if (/Id$|^id$/.test(name)) return { type: 'string', pattern: '^[1-9][0-9]{0,14}$' };
  if (name === 'projectSlug') return { type: 'string', not: { enum: [...RESERVED_PROJECT_SLUGS].sort() } };
  if (name === 'workspaceSlug') return { type: 'string', not: { enum: [...RESERVED_WORKSPACE_SLUGS].sort() } };
  return { type: 'string' };
}

/** The component naming `route`'s success body (every JSON operation's body is one, see `OPERATION_RESPONSES`). */
function successSchemaOf(route: RestRoute): JsonObject {
  const id = responseSchemaId(OPERATION_RESPONSES[route.operation]);
  if (id === undefined) throw new Error(`no named response schema for ${route.operation}`);
  return ref(id);
}

function operationOf(route: RestRoute): JsonObject {
  const { params } = toOpenApiPath(route.path);
  const parameters: JsonObject[] = params.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: pathParameterSchema(name),
  }));
  const schemas = OPERATION_SCHEMAS[route.operation];
  const query = schemas?.query ? exportedSchema(schemas.query) : undefined;
  const engineProperties = (query ? (jsonSchemaOf(query).properties ?? {}) : {}) as Record<string, JsonObject>;
  for (const param of route.query) {
    const schema = engineProperties[param.name] ?? param.schema ?? { type: 'string' };
    parameters.push({
      name: param.name,
      in: 'query',
      required: param.required ?? false,
      schema,
      ...(param.description === undefined ? {} : { description: param.description }),
    });
  }
  const success =
    route.response.kind === 'text' || route.response.kind === 'stream'
      ? { description: 'OK', content: { [route.response.contentType.split(';')[0]!]: { schema: { type: 'string' } } } }
      : { description: route.status === 201 ? 'Created' : 'OK', content: json(successSchemaOf(route)) };
  const bodyNames = schemas?.body ?? [];
  const responses: JsonObject = { [String(route.status)]: success, ...errorResponsesOf(route, bodyNames.length > 0) };
  // A dry run creates nothing: 200 with the plan even where the real run answers 201.
  if (DRY_RUNNABLE.has(route.operation) && route.status !== 200) responses['200'] = { description: 'Dry run (dryRun=true): the plan, nothing changed', content: json(ref('DryRunAnswer')) };
  const op: JsonObject = {
    operationId: operationId(route),
    summary: route.summary,
    tags: [route.operation.split('.')[0]],
    responses,
  };
  if (parameters.length > 0) op.parameters = parameters;
  if (route.public) op.security = [];
  const bodies = (schemas?.body ?? []).map(exportedSchema).filter((b): b is z.ZodType => b !== undefined);
  if (bodies.length > 0) {
    // Several forms (complete: one per cloud): the connection decides which applies, not the body, so `anyOf`.
    const schema = bodies.length === 1 ? jsonSchemaOf(bodies[0]!) : { anyOf: bodies.map(jsonSchemaOf) };
    op.requestBody = { required: false, content: { 'application/json': { schema, ...examplesOf(route.operation) }, ...textBodyOf(route) } };
  } else if ((schemas?.body ?? []).length > 0) {
    // The engine does not export this body's schema (yet): say only that it is a JSON object.
    op.requestBody = { required: false, content: { 'application/json': { schema: { type: 'object' } } } };
  }
  return op;
}

/** A route's text body (the zone-file import's `text/dns`), beside its JSON form. */
function textBodyOf(route: RestRoute): JsonObject {
  if (!route.textBody) return {};
  const { contentType, field, limit } = route.textBody;
  return {
    [contentType]: {
      schema: { type: 'string', maxLength: limit, description: `The \`${field}\` itself, at most ${limit} bytes` },
      example: '$ORIGIN acme.com.\n$TTL 300\nwww 300 IN A 203.0.113.10\n@ 3600 IN MX 10 mail.acme.com.\n',
    },
  };
}

/** The request example(s) of a write, as a media type's `example` (one) or `examples` (named, one per form). */
function examplesOf(operation: RestOperation): JsonObject {
  const examples = REQUEST_EXAMPLES[operation];
  if (examples === undefined) return {};
  const entries = Object.entries(examples);
  if (entries.length === 1) return { example: entries[0]![1].value };
  return { examples: Object.fromEntries(entries.map(([name, e]) => [name, { summary: e.summary, value: e.value }])) };
}

/** JSON Schema (2020-12) of what the engine answers, one component per named shape, `$ref`s between them. */
function responseComponents(): Record<string, JsonObject> {
  const { schemas } = z.toJSONSchema(responseRegistry, {
    io: 'output',
    target: 'draft-2020-12',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
    // `format: date-time` says it; zod's long pattern for it only clutters the reference.
    override: (ctx) => {
      if (ctx.jsonSchema.format === 'date-time') delete ctx.jsonSchema.pattern;
    },
  });
  const out: Record<string, JsonObject> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _s, $id: _i, ...rest } = schema as JsonObject;
    out[id] = rest;
  }
  return out;
}

/** Keep only the components something refers to (the registry also names bodies no route serves, e.g. `credentials.issue`). */
function pruneComponents(document: JsonObject, schemas: Record<string, JsonObject>): Record<string, JsonObject> {
  const used = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
          const name = value.slice('#/components/schemas/'.length);
          if (!used.has(name) && schemas[name]) {
            used.add(name);
            visit(schemas[name]);
          }
        } else visit(value);
      }
    }
  };
  visit(document);
  return Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
}

/**
 * The OpenAPI 3.1 description of the REST routes, built from the same route table the router
 * serves (so the two cannot drift). Success bodies are the engine's response schemas (the ones its
 * services are typed by), errors are listed per status with the extra keys of their kind, and each
 * write shows a request example (docs/api-responses.md). Served by the router at `/api/openapi.json`.
 */
export function createOpenApiDocument(options: OpenApiOptions = {}): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of REST_ROUTES) {
    const { path } = toOpenApiPath(route.path);
    (paths[path] ??= {})[route.method.toLowerCase()] = operationOf(route);
  }
  paths[OPENAPI_PATH] = {
    get: {
      operationId: 'openapi_document',
      summary: 'This document',
      tags: ['meta'],
      security: [],
      responses: {
        '200': {
          description: 'OK',
          content: json({ type: 'object', description: 'An OpenAPI 3.1 document', required: ['openapi', 'info', 'paths'], properties: { openapi: { type: 'string' }, info: { type: 'object', additionalProperties: true }, paths: { type: 'object', additionalProperties: true } } }),
        },
        default: { $ref: '#/components/responses/InternalError' },
      },
    },
  };
  const document: JsonObject = {
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'cloudlink API',
      version: options.version ?? '0.1.0',
      description: 'Cloud connections and DNS for a Node backend. Errors are `{ error, message }` plus the extra keys of their kind (docs/errors.md).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: options.serverUrl ?? '/api' }],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      responses: ERROR_RESPONSES,
    },
  };
  const schemas = pruneComponents(document, { ...responseComponents(), ...ERROR_SCHEMAS });
  (document.components as JsonObject).schemas = schemas;
  return document;
}
