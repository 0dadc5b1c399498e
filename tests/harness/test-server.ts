import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createTRPCClient, httpLink, type TRPCClient } from '@trpc/client';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import { createEngine, type Actor, type Engine, type EngineOptions, type EngineProviders, type Storage, type User } from '@cloudlink/engine';
import { createFakeClock, createTestSecretBox, type FakeClock } from '@cloudlink/engine/testing';
import { createCloudlinkRestRouter } from '@cloudlink/express-adapter';
import { cloudlinkResponseMeta, createCloudlinkRouter, createCloudlinkTrpcHandler, type CloudlinkRouter } from '@cloudlink/trpc-router';
import { authenticateBearer, signTestToken } from './auth.js';
import { attachPostgresStorage, createBackendStorage, type Backend, type Peek } from './backends.js';

export interface TestServerOptions {
  readonly backend: Backend;
  /** Providers, usually `createSandboxProviders().providers` (the real ones against the fakes of `@cloudlink/sandbox`); default none. */
  readonly providers?: EngineProviders;
  /** Anything else for `createEngine` (`clock`, `aws`, `logger`, …); storage, secrets and publicUrl are the harness's. */
  readonly engineOptions?: Partial<Omit<EngineOptions, 'storage' | 'secrets' | 'publicUrl' | 'providers'>>;
  /**
   * Another app instance on `attachTo`'s Postgres database (its own engine, pool and HTTP server),
   * instead of a fresh database; the clock defaults to `attachTo.clock`. `close()` then closes only
   * this instance: the database is dropped by `attachTo.close()`. Postgres only.
   */
  readonly attachTo?: TestServer;
  /**
   * How `/trpc` is mounted: `bare` (default) = the router in tRPC's Express adapter with no limits,
   * as a host could mount it; `handler` = `createCloudlinkTrpcHandler`, the safe mount the
   * standalone server uses (5 MB bodies, 16 KB URLs, 10 calls per batch, JSON-only POSTs).
   */
  readonly trpcMount?: 'bare' | 'handler';
  /**
   * The host's authentication, for REST and tRPC alike, given the engine (to provision users);
   * default: the Bearer JWT of `authenticateBearer` (`sub` = user id).
   */
  readonly authenticate?: (engine: Engine) => (req: IncomingMessage) => Promise<Actor | null>;
}

export interface RestResponse {
  readonly status: number;
  /** Parsed JSON when the response is JSON, else the text. */
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read documented bodies by key
  readonly headers: Headers;
}

export interface RestOptions {
  /** Bearer token (from `tokenFor`). */
  readonly token?: string;
  /** A value is sent as JSON (`Content-Type: application/json`); a string is sent as is. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface TestServer {
  /** `http://127.0.0.1:<port>`: REST at `${baseUrl}/api`, tRPC at `${baseUrl}/trpc`; also the engine's publicUrl. */
  readonly baseUrl: string;
  readonly engine: Engine;
  readonly storage: Storage;
  /** Raw rows of the database, for checking writes without the storage's getters. */
  readonly peek: Peek;
  /** The Postgres connection string (undefined on SQLite): what `attachTo` shares. */
  readonly databaseUrl?: string;
  /** The engine's clock (a fake one unless `engineOptions.clock` was given). */
  readonly clock: FakeClock | EngineOptions['clock'];
  /** A valid HS256 Bearer token for `userId` (1 hour). */
  tokenFor(userId: number): Promise<string>;
  /** Insert a user row; returns it with a token. */
  createUser(email: string, name?: string): Promise<User & { token: string }>;
  /** One HTTP request; `path` is absolute on the server, e.g. `/api/workspaces`. */
  rest(method: string, path: string, options?: RestOptions): Promise<RestResponse>;
  /** A typed tRPC client (httpLink, no batching) authenticated as the token's user. */
  trpcClient(token?: string): TRPCClient<CloudlinkRouter>;
  /** Stop the server, close the engine and drop the database (an attached instance: only its own pool). */
  close(): Promise<void>;
}

/**
 * Start an Express app on 127.0.0.1 (ephemeral port) serving REST at `/api` and tRPC at `/trpc` over
 * a real, freshly migrated storage (SQLite `:memory:` or a new Postgres database), authenticating
 * `Authorization: Bearer <HS256 JWT>` as the standalone server does.
 */
export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const { storage, peek, cleanup, url } = await openStorage(options);
  const server: Server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
  } catch (e) {
    await cleanup();
    throw e;
  }
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clock = options.engineOptions?.clock ?? options.attachTo?.clock ?? createFakeClock();
  const engine = createEngine({
    ...options.engineOptions,
    clock,
    storage,
    secrets: createTestSecretBox(),
    publicUrl: baseUrl,
    providers: options.providers ?? {},
  });

  const app = express();
  const authenticate = options.authenticate?.(engine) ?? ((req: IncomingMessage) => authenticateBearer(req.headers.authorization));
  app.use('/api', createCloudlinkRestRouter({ engine, authenticate }));
  const createContext = async ({ req }: { req: IncomingMessage }) => ({ actor: await authenticate(req) });
  app.use(
    '/trpc',
    options.trpcMount === 'handler'
      ? createCloudlinkTrpcHandler({ engine, createContext })
      : createExpressMiddleware({ router: createCloudlinkRouter({ engine }), createContext, responseMeta: cloudlinkResponseMeta }),
  );
  server.on('request', app);

  let closed: Promise<void> | undefined;
  return {
    baseUrl,
    engine,
    storage,
    peek,
    ...(url !== undefined ? { databaseUrl: url } : {}),
    clock,
    tokenFor: (userId) => signTestToken(userId),
    async createUser(email, name) {
      const user = await storage.users.createUser({ email, name: name ?? null, now: clock.now() });
      return { ...user, token: await signTestToken(user.id, { email }) };
    },
    async rest(method, path, { token, body, headers = {} } = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      const h = init.headers as Record<string, string>;
      if (token) h.authorization = `Bearer ${token}`;
      if (body !== undefined) {
        if (typeof body === 'string') init.body = body;
        else {
          init.body = JSON.stringify(body);
          h['content-type'] ??= 'application/json';
        }
      }
      const res = await fetch(`${baseUrl}${path}`, init);
      const text = await res.text();
      const isJson = /json/i.test(res.headers.get('content-type') ?? '');
      return { status: res.status, body: isJson && text !== '' ? JSON.parse(text) : text, headers: res.headers };
    },
    trpcClient(token) {
      return createTRPCClient<CloudlinkRouter>({
        links: [httpLink({ url: `${baseUrl}/trpc`, headers: () => (token ? { authorization: `Bearer ${token}` } : {}) })],
      });
    },
    close() {
      closed ??= (async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await engine.close().catch(() => {});
        await cleanup();
      })();
      return closed;
    },
  };
}

async function openStorage(options: TestServerOptions) {
  if (!options.attachTo) return createBackendStorage(options.backend);
  const url = options.attachTo.databaseUrl;
  if (options.backend !== 'postgres' || url === undefined) throw new Error('attachTo needs a Postgres server on both sides');
  return attachPostgresStorage(url);
}
