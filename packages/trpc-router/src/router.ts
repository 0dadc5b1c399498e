import { initTRPC } from '@trpc/server';
import type {
  TRPC_ERROR_CODE_NUMBER,
  TRPCBuiltRouter,
  TRPCDefaultErrorData,
  TRPCMutationProcedure,
  TRPCQueryProcedure,
  TRPCRouterRecord as RouterRecord,
} from '@trpc/server';
import { OPERATION_RESPONSES } from '@cloudlink/engine';
import type { Engine, ErrorBody } from '@cloudlink/engine';
import type { CloudlinkContext } from './context.js';
import { operationOf, typedInput, type OperationInput, type OperationOutput } from './engine-types.js';
import { cloudlinkBodyOf, retryAfterOf, toTrpcError } from './errors.js';

/** `data` of every error: tRPC's default fields (never `stack`) plus the REST error body. */
export interface CloudlinkErrorData extends Omit<TRPCDefaultErrorData, 'stack'> {
  /** The REST error body of the same failure (see docs/errors.md): same keys as REST. */
  readonly cloudlink: ErrorBody;
  /** Seconds, when the engine asked the caller to wait (REST: `Retry-After`). */
  readonly retryAfter?: number;
}

/** The error shape of the router (what `TRPCClientError#shape` holds). */
export interface CloudlinkErrorShape {
  code: TRPC_ERROR_CODE_NUMBER;
  message: string;
  data: CloudlinkErrorData;
}

const t = initTRPC.context<CloudlinkContext>().create({
  // Never send stack traces, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ shape, error }): CloudlinkErrorShape {
    const { stack: _stack, ...data } = shape.data as typeof shape.data & { stack?: string };
    const cloudlink = cloudlinkBodyOf(error);
    const retryAfter = retryAfterOf(error);
    return {
      ...shape,
      message: cloudlink.message,
      data: { ...data, cloudlink, ...(retryAfter === undefined ? {} : { retryAfter }) },
    };
  },
});

/** The one place errors are mapped (docs/errors.md): EngineError → TRPCError with the table's code. */
const mapEngineErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) throw toTrpcError(result.error);
  return result;
});

const procedure = t.procedure.use(mapEngineErrors);

export interface CloudlinkRouterOptions {
  readonly engine: Engine;
  /**
   * Add `credentials.issue` (default off): it hands short-lived cloud credentials of a connection
   * to any member with `canIssueCredentials`, so a host exposes it only when its users' own code
   * (CLIs, scripts) needs them; the host's backend uses `engine.credentials.forHost` instead
   * (docs/credentials.md).
   */
  readonly credentials?: boolean;
  /**
   * Check every result against its documented schema (`OPERATION_RESPONSES` of the engine) before
   * it is sent: a body that strays from its schema answers 500 `Internal server error` (the cause goes
   * to `onError`) instead of reaching a client. Default on, except when `NODE_ENV` is `production`,
   * where the check's cost (a parse of every body) buys nothing: the engine's types already tie each
   * body to its schema. The single-GET fast path of `createCloudlinkTrpcHandler` runs the same procedure,
   * so it checks alike.
   */
  readonly validateOutput?: boolean;
}

/** `validateOutput` when the host leaves it unset. */
export function defaultValidateOutput(): boolean {
  return process.env.NODE_ENV !== 'production';
}

type OutputParser = Parameters<typeof procedure.output>[0];

/** The documented body schema of `group.method`; every procedure has one (a missing one is a bug of the map). */
function responseSchemaOf(group: string, method: string): OutputParser {
  const schema = (OPERATION_RESPONSES as Readonly<Record<string, OutputParser>>)[`${group}.${method}`];
  if (schema === undefined) throw new Error(`no response schema for ${group}.${method}`);
  return schema;
}

/** Both procedure kinds over `engine`: `engine[group][method](ctx.actor, input)`, each with its output schema when validating. */
function proceduresOf(engine: Engine, validateOutput: boolean) {
  const base = <G extends string, M extends string>(group: G, method: M) => {
    const typed = procedure.input(typedInput<OperationInput<G, M>>());
    // The schema's output type is the engine method's result type (the engine is typed by the schemas), so the procedure's type is the same either way.
    return (validateOutput ? typed.output(responseSchemaOf(group, method)) : typed) as typeof typed;
  };
  return {
    /** A read, as a query. */
    query: <G extends string, M extends string>(group: G, method: M) =>
      base(group, method).query(async ({ ctx, input }) => (await operationOf(engine, group, method)(ctx.actor, input as never)) as OperationOutput<G, M>),
    /** A write, as a mutation. */
    mutation: <G extends string, M extends string>(group: G, method: M) =>
      base(group, method).mutation(async ({ ctx, input }) => (await operationOf(engine, group, method)(ctx.actor, input as never)) as OperationOutput<G, M>),
  };
}

/** The opt-in group (see `CloudlinkRouterOptions.credentials`). */
function credentialsGroup(engine: Engine, validateOutput: boolean) {
  const { mutation } = proceduresOf(engine, validateOutput);
  return t.router({ issue: mutation('credentials', 'issue') });
}

function buildWithCredentials(engine: Engine, validateOutput: boolean) {
  return t.router({ ...build(engine, validateOutput)._def.record, credentials: credentialsGroup(engine, validateOutput) });
}

function build(engine: Engine, validateOutput: boolean) {
  const { query, mutation } = proceduresOf(engine, validateOutput);

  return t.router({
    workspaces: t.router({
      create: mutation('workspaces', 'create'),
      list: query('workspaces', 'list'),
      get: query('workspaces', 'get'),
      usage: query('workspaces', 'usage'),
    }),
    members: t.router({
      list: query('members', 'list'),
      add: mutation('members', 'add'),
      updateRole: mutation('members', 'updateRole'),
      remove: mutation('members', 'remove'),
    }),
    audit: t.router({
      list: query('audit', 'list'),
    }),
    projects: t.router({
      create: mutation('projects', 'create'),
      get: query('projects', 'get'),
      list: query('projects', 'list'),
      update: mutation('projects', 'update'),
      delete: mutation('projects', 'delete'),
      connectCloud: mutation('projects', 'connectCloud'),
      disconnectCloud: mutation('projects', 'disconnectCloud'),
    }),
    environments: t.router({
      create: mutation('environments', 'create'),
      list: query('environments', 'list'),
      delete: mutation('environments', 'delete'),
    }),
    // azureSetupCallback is REST-only (public, authenticated by its token, not by an actor).
    cloudConnections: t.router({
      list: query('cloudConnections', 'list'),
      connectAws: mutation('cloudConnections', 'connectAws'),
      connectGcp: mutation('cloudConnections', 'connectGcp'),
      connectAzure: mutation('cloudConnections', 'connectAzure'),
      complete: mutation('cloudConnections', 'complete'),
      verify: mutation('cloudConnections', 'verify'),
      update: mutation('cloudConnections', 'update'),
      delete: mutation('cloudConnections', 'delete'),
    }),
    dns: t.router({
      createZone: mutation('dns', 'createZone'),
      listZones: query('dns', 'listZones'),
      getZone: query('dns', 'getZone'),
      listRecords: query('dns', 'listRecords'),
      upsertRecords: mutation('dns', 'upsertRecords'),
      deleteRecords: mutation('dns', 'deleteRecords'),
      // The text in one JSON answer; REST streams it as text/dns (GET …/dns/:id/zonefile).
      exportZoneFile: query('dns', 'exportZoneFile'),
      importZoneFile: mutation('dns', 'importZoneFile'),
    }),
    resources: t.router({
      list: query('resources', 'list'),
      get: query('resources', 'get'),
      register: mutation('resources', 'register'),
      update: mutation('resources', 'update'),
      sync: mutation('resources', 'sync'),
      delete: mutation('resources', 'delete'),
    }),
    subdomains: t.router({
      create: mutation('subdomains', 'create'),
      list: query('subdomains', 'list'),
      get: query('subdomains', 'get'),
      delete: mutation('subdomains', 'delete'),
    }),
    resourceConnections: t.router({
      create: mutation('resourceConnections', 'create'),
      list: query('resourceConnections', 'list'),
      get: query('resourceConnections', 'get'),
      update: mutation('resourceConnections', 'update'),
      delete: mutation('resourceConnections', 'delete'),
    }),
  });
}

type Query<G extends string, M extends string> = TRPCQueryProcedure<{ input: OperationInput<G, M>; output: OperationOutput<G, M>; meta: object }>;
type Mutation<G extends string, M extends string> = TRPCMutationProcedure<{ input: OperationInput<G, M>; output: OperationOutput<G, M>; meta: object }>;

/**
 * The router's type, for `createTRPCClient<CloudlinkRouter>()`. Written out rather than inferred so
 * declaration files name only exported types (an inferred type would name internal ones: TS2742) and the procedure list reads here.
 */
export type CloudlinkRouter = TRPCBuiltRouter<
  { ctx: CloudlinkContext; meta: object; errorShape: CloudlinkErrorShape; transformer: false },
  {
    workspaces: {
      create: Mutation<'workspaces', 'create'>;
      list: Query<'workspaces', 'list'>;
      get: Query<'workspaces', 'get'>;
      usage: Query<'workspaces', 'usage'>;
    };
    members: {
      list: Query<'members', 'list'>;
      add: Mutation<'members', 'add'>;
      updateRole: Mutation<'members', 'updateRole'>;
      remove: Mutation<'members', 'remove'>;
    };
    audit: { list: Query<'audit', 'list'> };
    projects: {
      create: Mutation<'projects', 'create'>;
      get: Query<'projects', 'get'>;
      list: Query<'projects', 'list'>;
      update: Mutation<'projects', 'update'>;
      delete: Mutation<'projects', 'delete'>;
      connectCloud: Mutation<'projects', 'connectCloud'>;
      disconnectCloud: Mutation<'projects', 'disconnectCloud'>;
    };
    environments: { create: Mutation<'environments', 'create'>; list: Query<'environments', 'list'>; delete: Mutation<'environments', 'delete'> };
    cloudConnections: {
      list: Query<'cloudConnections', 'list'>;
      connectAws: Mutation<'cloudConnections', 'connectAws'>;
      connectGcp: Mutation<'cloudConnections', 'connectGcp'>;
      connectAzure: Mutation<'cloudConnections', 'connectAzure'>;
      complete: Mutation<'cloudConnections', 'complete'>;
      verify: Mutation<'cloudConnections', 'verify'>;
      update: Mutation<'cloudConnections', 'update'>;
      delete: Mutation<'cloudConnections', 'delete'>;
    };
    dns: {
      createZone: Mutation<'dns', 'createZone'>;
      listZones: Query<'dns', 'listZones'>;
      getZone: Query<'dns', 'getZone'>;
      listRecords: Query<'dns', 'listRecords'>;
      upsertRecords: Mutation<'dns', 'upsertRecords'>;
      deleteRecords: Mutation<'dns', 'deleteRecords'>;
      exportZoneFile: Query<'dns', 'exportZoneFile'>;
      importZoneFile: Mutation<'dns', 'importZoneFile'>;
    };
    resources: {
      list: Query<'resources', 'list'>;
      get: Query<'resources', 'get'>;
      register: Mutation<'resources', 'register'>;
      update: Mutation<'resources', 'update'>;
      sync: Mutation<'resources', 'sync'>;
      delete: Mutation<'resources', 'delete'>;
    };
    subdomains: {
      create: Mutation<'subdomains', 'create'>;
      list: Query<'subdomains', 'list'>;
      get: Query<'subdomains', 'get'>;
      delete: Mutation<'subdomains', 'delete'>;
    };
    resourceConnections: {
      create: Mutation<'resourceConnections', 'create'>;
      list: Query<'resourceConnections', 'list'>;
      get: Query<'resourceConnections', 'get'>;
      update: Mutation<'resourceConnections', 'update'>;
      delete: Mutation<'resourceConnections', 'delete'>;
    };
  }
>;

type RouterDef<Record extends RouterRecord> = TRPCBuiltRouter<{ ctx: CloudlinkContext; meta: object; errorShape: CloudlinkErrorShape; transformer: false }, Record>;
type ProceduresOf<R> = R extends TRPCBuiltRouter<infer _Root, infer Record> ? Record : never;

/** `credentials.issue`: the opt-in procedure (docs/credentials.md). */
export type CloudlinkCredentialsProcedures = {
  credentials: { issue: Mutation<'credentials', 'issue'> };
};

/** The router with `credentials: true`. */
export type CloudlinkRouterWithCredentials = RouterDef<ProceduresOf<CloudlinkRouter> & CloudlinkCredentialsProcedures>;

/**
 * A tRPC v11 router with one procedure per REST operation over `engine`. Each procedure passes
 * `ctx.actor` and its input (REST path params + query + body merged) to one engine method and
 * returns the documented REST success body. Errors carry the REST error body in `data.cloudlink`.
 * With `credentials: true` it also has `credentials.issue`. Every procedure carries its body's schema
 * (`.output`) and checks its result against it unless `validateOutput` is off (default: on, except
 * under `NODE_ENV=production`).
 */
export function createCloudlinkRouter(options: CloudlinkRouterOptions & { readonly credentials: true }): CloudlinkRouterWithCredentials;
export function createCloudlinkRouter(options: CloudlinkRouterOptions): CloudlinkRouter;
export function createCloudlinkRouter(options: CloudlinkRouterOptions): CloudlinkRouter | CloudlinkRouterWithCredentials {
  const validateOutput = options.validateOutput ?? defaultValidateOutput();
  if (options.credentials === true) {
    const withCredentials: CloudlinkRouterWithCredentials = buildWithCredentials(options.engine, validateOutput);
    return withCredentials;
  }
  // The inferred router and the written-out type must agree; the assignment checks it.
  const router: CloudlinkRouter = build(options.engine, validateOutput);
  return router;
}
