import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '@cloudlink/engine';
import type { MemoryStorage } from '@cloudlink/engine/testing';
import { createMemoryEngine, startApp, type TestApp } from './app.js';

const UNAUTHORIZED = { error: 'Unauthorized', message: 'Missing or invalid authentication token' };
const JSON_HEADERS = { 'content-type': 'application/json' };

describe('REST router over a real engine (memory storage)', () => {
  let app: TestApp;
  let engine: Engine;
  let storage: MemoryStorage;
  let auth: Record<string, string>;

  beforeAll(async () => {
    ({ engine, storage } = await createMemoryEngine());
    app = await startApp(engine);
    const user = await storage.users.createUser({ email: 'owner@example.com', name: 'Owner', now: new Date('2024-01-15T10:00:00.000Z') });
    auth = { authorization: `Bearer ${user.id}` };
    const created = await app.request('POST', '/api/workspaces', { headers: { ...auth, ...JSON_HEADERS }, body: JSON.stringify({ name: 'Acme' }) });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  describe('authentication', () => {
    it('answers 401 with the documented body without a token', async () => {
      const res = await app.request('GET', '/api/workspaces/acme');
      expect(res.status).toBe(401);
      expect(res.json).toEqual(UNAUTHORIZED);
    });

    it('answers 401 when the hook throws, without leaking its message', async () => {
      const res = await app.request('GET', '/api/workspaces/acme', { headers: { authorization: 'Bearer throw' } });
      expect(res.status).toBe(401);
      expect(res.json).toEqual(UNAUTHORIZED);
      expect(res.text).not.toContain('token store');
    });

    it('answers 401 for an actor naming no existing user (engine check)', async () => {
      const res = await app.request('GET', '/api/workspaces/acme', { headers: { authorization: 'Bearer 424242' } });
      expect(res.status).toBe(401);
      expect(res.json).toEqual(UNAUTHORIZED);
    });

    it('checks authentication before reading the body', async () => {
      const res = await app.request('POST', '/api/workspaces', { headers: JSON_HEADERS, body: '{not json' });
      expect(res.status).toBe(401);
    });
  });

  describe('routing', () => {
    it('answers 201 for a create and 200 for a read, with the engine body', async () => {
      const res = await app.request('GET', '/api/workspaces/acme', { headers: auth });
      expect(res.status).toBe(200);
      expect(res.json.message).toBe('Workspace retrieved successfully');
      expect(res.json.data.slug).toBe('acme');
    });

    it('answers 404 Not found for an unknown route', async () => {
      const res = await app.request('GET', '/api/nothing-here', { headers: auth });
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ error: 'Not found', message: 'Route GET /api/nothing-here not found' });
    });

    it('answers 404 (not 405) for a known path with a method it does not serve, without authentication', async () => {
      const res = await app.request('PUT', '/api/workspaces/acme?x=1');
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ error: 'Not found', message: 'Route PUT /api/workspaces/acme not found' });
    });

    it('answers 400 Validation failed at path for a malformed percent-escape in a path parameter', async () => {
      for (const bad of ['%', '%ZZ', '%E0%A4%A']) {
        const res = await app.request('GET', `/api/workspaces/${bad}`, { headers: auth });
        expect(res.status, bad).toBe(400);
        expect(res.json, bad).toEqual({ error: 'Validation failed', message: 'path: malformed percent-encoding', details: [{ path: 'path', message: 'malformed percent-encoding' }] });
      }
      expect(app.logged).toEqual([]);
    });

    it('does not read a reserved first segment as a project slug', async () => {
      const res = await app.request('GET', '/api/workspaces/acme/dns', { headers: auth });
      expect(res.status).toBe(404);
      expect(res.json.error).toBe('Not found');
    });

    it('lets path parameters win over query and body fields', async () => {
      const res = await app.request('POST', '/api/workspaces/acme/projects?workspaceSlug=other', {
        headers: { ...auth, ...JSON_HEADERS },
        body: JSON.stringify({ name: 'Shop', workspaceSlug: 'elsewhere' }),
      });
      expect(res.status).toBe(201);
      expect(res.json.data.workspaceSlug).toBe('acme');
    });

    it('passes query parameters to the engine as strings (engine validates them)', async () => {
      const res = await app.request('GET', '/api/cloud-connections/acme?include_inactive=maybe', { headers: auth });
      expect(res.status).toBe(400);
      expect(res.json.error).toBe('Validation failed');
      expect(res.json.details[0].path).toBe('include_inactive');
    });
  });

  describe('body parsing (see docs/errors.md)', () => {
    it('parses JSON with any Content-Type parameters', async () => {
      const res = await app.request('POST', '/api/workspaces', {
        headers: { ...auth, 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ name: 'Charset Co' }),
      });
      expect(res.status).toBe(201);
      expect(res.json.data.name).toBe('Charset Co');
    });

    it('answers 415 to a write whose body is of another Content-Type, or has none', async () => {
      const unsupported = { error: 'Unsupported media type', message: 'Request body must be JSON (Content-Type: application/json)' };
      const variants: Record<string, string>[] = [{ 'content-type': 'text/plain' }, { 'content-type': 'application/x-www-form-urlencoded' }, {}];
      for (const headers of variants) {
        const res = await app.request('POST', '/api/workspaces', { headers: { ...auth, ...headers }, body: JSON.stringify({ name: 'Plain' }) });
        expect(res.status, JSON.stringify(headers)).toBe(415);
        expect(res.json).toEqual(unsupported);
      }
      const patch = await app.request('PATCH', '/api/workspaces/acme/members/1', { headers: { ...auth, 'content-type': 'text/plain' }, body: '' });
      expect(patch.status).toBe(415);
    });

    it('reads a write with no body and no Content-Type as {}', async () => {
      const res = await app.request('POST', '/api/workspaces', { headers: auth });
      expect(res.status).toBe(400);
      expect(res.json.details[0]).toEqual({ path: 'name', message: 'required' });
    });

    it('ignores the non-JSON body of a read', async () => {
      const res = await fetch(`${app.url}/api/workspaces/acme`, { method: 'GET', headers: { ...auth, 'content-type': 'text/plain', 'content-length': '0' } });
      expect(res.status).toBe(200);
    });

    it("is bounded in URL length by Node's 16 KB header limit (431 before the router runs)", async () => {
      const res = await app.request('GET', `/api/cloud-connections/acme?status=${'a'.repeat(17 * 1024)}`, { headers: auth });
      expect(res.status).toBe(431);
    });

    it('takes no input from an undeclared query parameter', async () => {
      const res = await app.request('POST', '/api/workspaces?name=FromQuery', { headers: { ...auth, ...JSON_HEADERS }, body: '{}' });
      expect(res.status).toBe(400);
      expect(res.json.details[0]).toEqual({ path: 'name', message: 'required' });
    });

    it('treats an empty JSON body as {}', async () => {
      const res = await app.request('POST', '/api/workspaces', { headers: { ...auth, ...JSON_HEADERS }, body: '' });
      expect(res.status).toBe(400);
      expect(res.json.details[0].path).toBe('name');
    });

    it('answers 400 Validation failed at path body for malformed JSON', async () => {
      const res = await app.request('POST', '/api/workspaces', { headers: { ...auth, ...JSON_HEADERS }, body: '{"name": "x",' });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({
        error: 'Validation failed',
        message: 'body: malformed JSON',
        details: [{ path: 'body', message: 'malformed JSON' }],
      });
    });

    it('refuses a JSON array (it cannot be merged with the path parameters)', async () => {
      const res = await app.request('POST', '/api/workspaces', { headers: { ...auth, ...JSON_HEADERS }, body: '[1,2]' });
      expect(res.status).toBe(400);
      expect(res.json.details).toEqual([{ path: 'body', message: 'must be a JSON object' }]);
    });

    it('answers 413 for a body over 5 MB', async () => {
      const big = JSON.stringify({ name: 'x', pad: 'a'.repeat(5 * 1024 * 1024) });
      const res = await app.request('POST', '/api/workspaces', { headers: { ...auth, ...JSON_HEADERS }, body: big });
      expect(res.status).toBe(413);
      expect(res.json).toEqual({ error: 'Payload too large', message: 'Request body exceeds 5 MB' });
    });

    it('accepts a body just under 5 MB', async () => {
      const name = 'Big Body';
      const pad = 'a'.repeat(5 * 1024 * 1024 - 100);
      const res = await app.request('POST', '/api/workspaces', { headers: { ...auth, ...JSON_HEADERS }, body: JSON.stringify({ name, pad }) });
      expect(res.status).toBe(201);
    });
  });

  describe('public routes', () => {
    it('serves the OIDC discovery document without a token, also at //.well-known', async () => {
      const one = await app.request('GET', '/api/.well-known/openid-configuration');
      expect(one.status).toBe(200);
      expect(one.json.issuer).toBe('https://cloudlink.example.com/api');
      const two = await app.request('GET', '/api//.well-known/openid-configuration');
      expect(two.status).toBe(200);
      expect(two.json).toEqual(one.json);
    });

    it('serves the JWKS with Cache-Control public, max-age=300', async () => {
      const res = await app.request('GET', '/api/.well-known/jwks.json');
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=300');
      expect(Array.isArray(res.json.keys)).toBe(true);
    });

    it('serves the CloudFormation template as text/yaml', async () => {
      const res = await app.request('GET', '/api/cloud-connections/templates/aws.yaml');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/yaml/);
      expect(res.text).toContain('999999999999');
    });

    it('serves the Azure setup script as text/x-shellscript', async () => {
      const res = await app.request('GET', '/api/cloud-connections/scripts/azure.sh');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/x-shellscript/);
      expect(res.text).toContain('https://cloudlink.example.com/api/cloud-connections/azure-setup-callback');
    });

    it('passes ?connection= to the GCP script and maps its errors', async () => {
      const res = await app.request('GET', '/api/cloud-connections/scripts/gcp-wif.sh?connection=999');
      expect(res.status).toBe(404);
      expect(res.json.error).toBe('Cloud connection not found');
    });

    it('reaches the Azure callback without authentication (the engine checks the token)', async () => {
      const res = await app.request('POST', '/api/cloud-connections/azure-setup-callback', {
        headers: JSON_HEADERS,
        body: JSON.stringify({ token: '0123456789abcdef01234567', azureCredentials: { tenantId: '11111111-1111-1111-1111-111111111111', subscriptionId: '22222222-2222-2222-2222-222222222222', clientId: '33333333-3333-3333-3333-333333333333', clientSecret: 's' } }),
      });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: 'Invalid token', message: 'Invalid or expired setup token' });
    });

    it('serves the OpenAPI document without a token', async () => {
      const res = await app.request('GET', '/api/openapi.json');
      expect(res.status).toBe(200);
      expect(res.json.openapi).toBe('3.1.0');
    });
  });
});
