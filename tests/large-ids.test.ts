import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends, startTestServer, type TestServer } from './harness/index.js';

/**
 * Path ids may have up to 15 digits, more than a Postgres `integer` column holds. An id
 * that cannot exist is a missing row (404, or an empty list), never a database error (500).
 */
const HUGE = '999999999999999';

describeBackends('ids beyond the integer column range', (backend) => {
  let server: TestServer;
  let owner: { id: number; token: string };
  beforeAll(async () => {
    server = await startTestServer({ backend });
    owner = await server.createUser('owner@example.com');
    await server.rest('POST', '/api/workspaces', { token: owner.token, body: { name: 'Acme' } });
    await server.rest('POST', '/api/workspaces/acme/projects', { token: owner.token, body: { name: 'Web' } });
  });
  afterAll(() => server.close());

  it('a connection id → 404 Cloud connection not found', async () => {
    const token = owner.token;
    const notFound = { status: 404, body: { error: 'Cloud connection not found' } };
    expect(await server.rest('PATCH', `/api/cloud-connections/acme/${HUGE}`, { token, body: { accountName: 'x' } })).toMatchObject(notFound);
    expect(await server.rest('DELETE', `/api/cloud-connections/acme/${HUGE}`, { token })).toMatchObject(notFound);
    expect(await server.rest('POST', `/api/cloud-connections/acme/${HUGE}/complete`, { token, body: {} })).toMatchObject(notFound);
    expect(await server.rest('PATCH', `/api/projects/web/connect-cloud/${HUGE}`, { token })).toMatchObject(notFound);
    expect(await server.rest('GET', `/api/cloud-connections/scripts/gcp-wif.sh?connection=${HUGE}`)).toMatchObject(notFound);
  });

  it('a provider_id filter → an empty list', async () => {
    const res = await server.rest('GET', `/api/cloud-connections/acme?provider_id=${HUGE}&status=all`, { token: owner.token });
    expect(res).toMatchObject({ status: 200, body: { count: 0, data: [] } });
  });

  it('a member user id → 404 Member not found', async () => {
    const token = owner.token;
    const notFound = { status: 404, body: { error: 'Member not found' } };
    expect(await server.rest('PATCH', `/api/workspaces/acme/members/${HUGE}`, { token, body: { role: 'admin' } })).toMatchObject(notFound);
    expect(await server.rest('DELETE', `/api/workspaces/acme/members/${HUGE}`, { token })).toMatchObject(notFound);
  });

  it('a resource or zone id → 404', async () => {
    const token = owner.token;
    expect(await server.rest('GET', `/api/web/master/resources/${HUGE}`, { token })).toMatchObject({ status: 404, body: { error: 'Resource not found' } });
    expect(await server.rest('GET', `/api/web/master/dns/${HUGE}`, { token })).toMatchObject({ status: 404, body: { error: 'DNS zone not found' } });
  });

  it('an actor whose user id cannot exist → 401', async () => {
    const token = await server.tokenFor(Number(HUGE));
    expect(await server.rest('GET', '/api/workspaces/acme', { token })).toMatchObject({ status: 401, body: { error: 'Unauthorized' } });
  });
});
