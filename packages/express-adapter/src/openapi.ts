import { REST_ROUTES, OPENAPI_PATH, type RestRoute } from './routes.js';

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
  const converted = path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => {
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
  const parameters = params.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: /Id$|^id$/.test(name) ? { type: 'string', pattern: '^[1-9][0-9]{0,14}$' } : { type: 'string' },
  }));
  const success =
    route.response.kind === 'text'
      ? { description: 'OK', content: { [route.response.contentType.split(';')[0]!]: { schema: { type: 'string' } } } }
      : { description: route.status === 201 ? 'Created' : 'OK', content: { 'application/json': { schema: { type: 'object' } } } };
  const responses: JsonObject = { [String(route.status)]: success };
  if (!route.public) responses['401'] = { $ref: '#/components/responses/Unauthorized' };
  responses.default = { $ref: '#/components/responses/Error' };
  const op: JsonObject = {
    operationId: operationId(route),
    summary: route.summary,
    tags: [route.operation.split('.')[0]],
    responses,
  };
  if (parameters.length > 0) op.parameters = parameters;
  if (route.public) op.security = [];
  if (route.method !== 'GET' && route.call === 'actor') {
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
        Error: { description: 'Error (SPEC §1.5)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    },
  };
}
