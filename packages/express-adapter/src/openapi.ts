import * as engineExports from '@cloudlink/engine';
import { z } from 'zod';
import { REST_ROUTES, OPENAPI_PATH, type RestOperation, type RestRoute } from './routes.js';

/** Where an operation's body and query are described. */
export interface OperationSchemas {
  /** Engine export names of the body schema (several: `oneOf`). Listed ⇒ the route takes a JSON body. */
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
 * (yet) is described by its path parameters only. Several names = `oneOf` (complete, by provider).
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

const ERROR_BODY: JsonObject = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string' },
    message: { type: 'string' },
    details: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
    currentValue: { type: 'number' },
    limit: { type: 'number' },
    upgradeRequired: { type: 'boolean' },
    data: {},
  },
};

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

function operationOf(route: RestRoute): JsonObject {
  const { params } = toOpenApiPath(route.path);
  const parameters: JsonObject[] = params.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: /Id$|^id$/.test(name) ? { type: 'string', pattern: '^[1-9][0-9]{0,14}$' } : { type: 'string' },
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
    route.response.kind === 'text'
      ? { description: 'OK', content: { [route.response.contentType.split(';')[0]!]: { schema: { type: 'string' } } } }
      : { description: route.status === 201 ? 'Created' : 'OK', content: { 'application/json': { schema: { type: 'object' } } } };
  const responses: JsonObject = { [String(route.status)]: success };
  if (!route.public) responses['401'] = { $ref: '#/components/responses/Unauthorized' };
  if (route.method !== 'GET') responses['415'] = { $ref: '#/components/responses/UnsupportedMediaType' };
  responses.default = { $ref: '#/components/responses/Error' };
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
    const schema = bodies.length === 1 ? jsonSchemaOf(bodies[0]!) : { oneOf: bodies.map(jsonSchemaOf) };
    op.requestBody = { required: false, content: { 'application/json': { schema } } };
  } else if ((schemas?.body ?? []).length > 0) {
    // The engine does not export this body's schema (yet): say only that it is a JSON object.
    op.requestBody = { required: false, content: { 'application/json': { schema: { type: 'object' } } } };
  }
  return op;
}

/**
 * The OpenAPI 3.1 description of the REST routes, built from the same route table the router
 * serves (so the two cannot drift). Served by the router at `/api/openapi.json`.
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
      responses: { '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } } },
    },
  };
  return {
    openapi: '3.1.0',
    info: { title: options.title ?? 'cloudlink API', version: options.version ?? '0.1.0' },
    servers: [{ url: options.serverUrl ?? '/api' }],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: ERROR_BODY },
      responses: {
        Unauthorized: { description: 'Missing or invalid authentication token', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        UnsupportedMediaType: {
          description: 'A body (or Content-Type) other than application/json on a write: `Unsupported media type`',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
        Error: { description: 'Error: { error, message } plus the extra keys of its kind (docs/errors.md of cloudlink)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    },
  };
}
