import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import {
  createEngine,
  ENGINE_ERROR_CODES,
  ERROR_CODE_TABLE,
  EngineError,
  isEngineError,
  providerError,
  type Actor,
  type Engine,
  type EngineErrorCode,
} from '@cloudlink/engine';
import { createFakeClock, createMemoryStorage, createTestSecretBox } from '@cloudlink/engine/testing';
import { cloudlinkResponseMeta, createCloudlinkRouter, type CloudlinkRouter } from '../src/index.js';

/** The tRPC column of docs/errors.md, written out independently of ERROR_CODE_TABLE. */
const DOCUMENTED_TRPC: Record<EngineErrorCode, string> = {
  VALIDATION: 'BAD_REQUEST',
  PRECONDITION: 'BAD_REQUEST',
  CONNECTION_TEST_FAILED: 'BAD_REQUEST',
  INVALID_TOKEN: 'BAD_REQUEST',
  UNAUTHENTICATED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  PLAN_LIMIT: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  PROVIDER_FAILURE: 'BAD_GATEWAY',
  PROVIDER_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

/** A typed client speaking the real tRPC HTTP protocol to the router through the fetch adapter (no socket). */
function clientFor(engine: Engine, actor: Actor | null) {
  const router = createCloudlinkRouter({ engine });
  const responses: string[] = [];
  const headers: Headers[] = [];
  const client = createTRPCClient<CloudlinkRouter>({
    links: [
      httpLink({
        url: 'http://cloudlink.test/trpc',
        fetch: async (url, init) => {
          const res = await fetchRequestHandler({
            endpoint: '/trpc',
            req: new Request(url, init as RequestInit),
            router,
            createContext: () => ({ actor }),
            responseMeta: cloudlinkResponseMeta,
          });
          headers.push(res.headers);
          responses.push(await res.clone().text());
          return res;
        },
      }),
    ],
  });
  return { client, responses, headers };
}

async function failure(promise: Promise<unknown>): Promise<TRPCClientError<CloudlinkRouter>> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof TRPCClientError) return e as TRPCClientError<CloudlinkRouter>;
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe('tRPC router over a real engine (memory storage)', () => {
  let engine: Engine;
  let actor: Actor;

  beforeAll(async () => {
    const storage = createMemoryStorage({ migrated: true });
    engine = createEngine({ storage, secrets: createTestSecretBox(), publicUrl: 'https://cloudlink.example.com', clock: createFakeClock() });
    const user = await storage.users.createUser({ email: 'owner@example.com', name: 'Owner', now: new Date('2024-01-15T10:00:00.000Z') });
    actor = { userId: user.id };
  });
  afterAll(() => engine.close());

  it('returns the documented REST success bodies from mutations and queries', async () => {
    const { client } = clientFor(engine, actor);
    const created = await client.workspaces.create.mutate({ name: 'Acme' });
    expect(created.message).toBe('Workspace created successfully');
    const got = await client.workspaces.get.query({ workspaceSlug: created.data.slug });
    expect(got).toEqual(await engine.workspaces.get(actor, { workspaceSlug: 'acme' }));
  });

  it('carries the REST error body in data.cloudlink, with the mapped code and no stack', async () => {
    const { client, responses } = clientFor(engine, actor);
    const err = await failure(client.workspaces.get.query({ workspaceSlug: 'missing' }));
    const rest = await engine.workspaces.get(actor, { workspaceSlug: 'missing' }).catch((e: unknown) => (isEngineError(e) ? e.toBody() : e));
    expect(rest).toEqual({ error: 'Workspace not found', message: 'The specified workspace does not exist' });
    expect(err.message).toBe('The specified workspace does not exist');
    expect(err.data?.code).toBe('NOT_FOUND');
    expect(err.data?.httpStatus).toBe(404);
    expect(err.data?.cloudlink).toEqual(rest);
    expect(responses.at(-1)).not.toContain('stack');
  });

  it('keeps validation details (path, message) in data.cloudlink', async () => {
    const { client } = clientFor(engine, actor);
    const err = await failure(client.workspaces.create.mutate({ name: '' }));
    expect(err.data?.code).toBe('BAD_REQUEST');
    expect(err.data?.cloudlink).toMatchObject({ error: 'Validation failed', details: [{ path: 'name' }] });
  });

  it('answers UNAUTHORIZED with the 401 body when the context has no actor', async () => {
    const { client } = clientFor(engine, null);
    const err = await failure(client.workspaces.get.query({ workspaceSlug: 'acme' }));
    expect(err.data?.code).toBe('UNAUTHORIZED');
    expect(err.data?.httpStatus).toBe(401);
    expect(err.data?.cloudlink).toEqual({ error: 'Unauthorized', message: 'Missing or invalid authentication token' });
  });
});

describe('tRPC error mapping (see docs/errors.md)', () => {
  const next: { error: unknown } = { error: undefined };
  const stub = { workspaces: { get: async () => Promise.reject(next.error) } } as unknown as Engine;
  const actor = { userId: 1 };

  it('has the documented tRPC code in every row of the table', () => {
    for (const code of ENGINE_ERROR_CODES) expect(ERROR_CODE_TABLE[code].trpc, code).toBe(DOCUMENTED_TRPC[code]);
  });

  it.each(ENGINE_ERROR_CODES)('maps %s to its tRPC code and the REST status', async (code) => {
    next.error = new EngineError(code, `Error of ${code}`, `message of ${code}`, { details: [{ path: 'x', message: 'y' }] });
    const { client } = clientFor(stub, actor);
    const err = await failure(client.workspaces.get.query({ workspaceSlug: 'acme' }));
    expect(err.data?.code).toBe(DOCUMENTED_TRPC[code]);
    expect(err.data?.httpStatus).toBe(ERROR_CODE_TABLE[code].http);
    expect(err.message).toBe(`message of ${code}`);
    expect(err.data?.cloudlink).toEqual({ error: `Error of ${code}`, message: `message of ${code}`, details: [{ path: 'x', message: 'y' }] });
  });

  it('reports retryAfter beside the body for throttling', async () => {
    next.error = providerError('Failed to list DNS records', 'ListResourceRecordSets failed: Throttling: Rate exceeded', { throttled: true, retryAfter: 9 });
    const { client, headers } = clientFor(stub, actor);
    const err = await failure(client.workspaces.get.query({ workspaceSlug: 'acme' }));
    expect(err.data?.code).toBe('SERVICE_UNAVAILABLE');
    expect(err.data?.retryAfter).toBe(9);
    expect(headers.at(-1)?.get('retry-after')).toBe('9');
  });

  it('turns any other error into the generic internal error without leaking its message or stack', async () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'development';
    try {
      next.error = new Error('connect ECONNREFUSED db.internal:5432 password=hunter2');
      const { client, responses } = clientFor(stub, actor);
      const err = await failure(client.workspaces.get.query({ workspaceSlug: 'acme' }));
      expect(err.data?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(err.message).toBe('An unexpected error occurred');
      expect(err.data?.cloudlink).toEqual({ error: 'Internal server error', message: 'An unexpected error occurred' });
      expect(responses.at(-1)).not.toMatch(/hunter2|ECONNREFUSED|stack/);
    } finally {
      process.env.NODE_ENV = previous;
    }
  });

  it('answers NOT_FOUND with a REST-shaped body for an unknown procedure', async () => {
    const router = createCloudlinkRouter({ engine: stub });
    const res = await fetchRequestHandler({
      endpoint: '/trpc',
      req: new Request('http://cloudlink.test/trpc/workspaces.nope'),
      router,
      createContext: () => ({ actor }),
    });
    const body = (await res.json()) as { error: { data: { code: string; cloudlink: unknown } } };
    expect(res.status).toBe(404);
    expect(body.error.data.code).toBe('NOT_FOUND');
    expect(body.error.data.cloudlink).toMatchObject({ error: 'Not found' });
  });
});
