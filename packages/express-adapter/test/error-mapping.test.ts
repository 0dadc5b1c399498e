import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_ERROR_CODES, ERROR_CODE_TABLE, EngineError, planLimitExceeded, providerError, type Engine, type EngineErrorCode } from '@cloudlink/engine';
import { startApp, type TestApp } from './app.js';

/** The status column of docs/errors.md, written out independently of ERROR_CODE_TABLE so a wrong row fails here. */
const DOCUMENTED_STATUS: Record<EngineErrorCode, number> = {
  VALIDATION: 400,
  PRECONDITION: 400,
  CONNECTION_TEST_FAILED: 400,
  INVALID_TOKEN: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  PLAN_LIMIT: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PROVIDER_FAILURE: 502,
  PROVIDER_UNAVAILABLE: 503,
  INTERNAL: 500,
};

/**
 * An engine whose `workspaces.get` throws what the test put in `next`: the adapter's error path is
 * exercised through the real router, independently of which service could produce each code.
 */
function throwingEngine(): { engine: Engine; next: { error: unknown } } {
  const next: { error: unknown } = { error: undefined };
  const engine = {
    workspaces: {
      get: async () => {
        throw next.error;
      },
    },
  } as unknown as Engine;
  return { engine, next };
}

describe('error middleware (one mapping table, see docs/errors.md)', () => {
  let app: TestApp;
  let next: { error: unknown };
  const auth = { authorization: 'Bearer 1' };

  beforeAll(async () => {
    const stub = throwingEngine();
    next = stub.next;
    app = await startApp(stub.engine);
  });
  afterAll(() => app.close());

  it('has a row for every engine code, with the documented status', () => {
    expect(Object.keys(ERROR_CODE_TABLE).sort()).toEqual([...ENGINE_ERROR_CODES].sort());
    for (const code of ENGINE_ERROR_CODES) expect(ERROR_CODE_TABLE[code].http, code).toBe(DOCUMENTED_STATUS[code]);
  });

  it.each(ENGINE_ERROR_CODES)('maps %s to its status and the error body', async (code) => {
    next.error = new EngineError(code, `Error of ${code}`, `message of ${code}`);
    const res = await app.request('GET', '/api/workspaces/acme', { headers: auth });
    expect(res.status).toBe(DOCUMENTED_STATUS[code]);
    expect(res.json).toEqual({ error: `Error of ${code}`, message: `message of ${code}` });
    expect(res.headers.get('retry-after')).toBeNull();
  });

  it('writes the documented extras (plan limit)', async () => {
    next.error = planLimitExceeded('max_projects', 1, 1);
    const res = await app.request('GET', '/api/workspaces/acme', { headers: auth });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({
      error: 'Plan limit exceeded',
      message: 'You have reached the maximum number of projects (1) for your plan. Please upgrade to create more projects.',
      currentValue: 1,
      limit: 1,
      upgradeRequired: true,
    });
  });

  it('sends Retry-After when the engine set retryAfter (throttling → 503)', async () => {
    next.error = providerError('Failed to create DNS record', 'ChangeResourceRecordSets failed: Throttling: Rate exceeded', { throttled: true, retryAfter: 7 });
    const res = await app.request('GET', '/api/workspaces/acme', { headers: auth });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.json).toEqual({ error: 'Failed to create DNS record', message: 'ChangeResourceRecordSets failed: Throttling: Rate exceeded' });
  });

  it('answers the generic 500 for anything else, logging the cause and leaking nothing', async () => {
    const cause = new Error('SELECT secret_data FROM cloud_connections failed: password=hunter2');
    next.error = cause;
    const before = app.logged.length;
    const res = await app.request('GET', '/api/workspaces/acme', { headers: auth });
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ error: 'Internal server error', message: 'An unexpected error occurred' });
    expect(res.text).not.toMatch(/hunter2|secret_data|stack|at /);
    const entry = app.logged.slice(before)[0];
    expect(entry?.obj).toMatchObject({ err: cause, method: 'GET', path: '/api/workspaces/acme' });
  });

  it('answers 500 when the engine lacks the route operation (host wiring bug)', async () => {
    const res = await app.request('GET', '/api/workspaces/acme/usage', { headers: auth });
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ error: 'Internal server error', message: 'An unexpected error occurred' });
  });
});
