import { createFakeClock } from '@cloudlink/engine/testing';
import { createAwsConnector } from '@cloudlink/providers/aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness/index.js';
import { startFakeSts, stsErrorBody, type ListeningSts } from '@cloudlink/sandbox';

/**
 * `GET /api/cloud-connections/templates/aws.yaml` is public and, with no configured platform account,
 * discovers it through GetCallerIdentity. While discovery fails, anonymous requests must not turn
 * into one STS call each: the failure is remembered for 30 s (on the engine's clock).
 */
describe('AWS template: platform-account discovery under failure', () => {
  const PLATFORM = '999999999999';
  const clock = createFakeClock();
  let sts: ListeningSts;
  let server: TestServer;

  beforeAll(async () => {
    sts = await startFakeSts({ platformAccount: PLATFORM, platformAccessKeyId: 'AKIDPLATFORM' });
    const aws = createAwsConnector({ endpoint: sts.url, credentials: { accessKeyId: 'AKIDPLATFORM', secretAccessKey: 'platform-secret' }, timeoutMs: 5000 });
    server = await startTestServer({ backend: 'sqlite', providers: { aws }, engineOptions: { clock } });
  });
  afterAll(async () => {
    await server?.close();
    await sts?.close();
  });

  const identityCalls = () => sts.requests.filter((r) => new URLSearchParams(r.body).get('Action') === 'GetCallerIdentity').length;
  const template = () => server.rest('GET', '/api/cloud-connections/templates/aws.yaml');

  it('asks STS once per 30 s while discovery fails, and keeps a success for good', async () => {
    // STS refuses the platform credentials (not retried by the connector): one failed discovery.
    sts.fault({ times: 1, status: 403, headers: { 'content-type': 'text/xml' }, body: stsErrorBody('Sender', 'AccessDenied', 'denied') });
    for (let i = 0; i < 5; i++) {
      const res = await template();
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ error: 'Provider unavailable', message: 'AWS platform account is not configured' });
    }
    expect(identityCalls()).toBe(1);

    clock.advance(29_999);
    expect((await template()).status).toBe(503);
    expect(identityCalls()).toBe(1);

    // After the 30 s, the next request tries again; STS answers now, and that answer is kept.
    clock.advance(1);
    const ok = await template();
    expect(ok.status).toBe(200);
    expect(String(ok.body)).toContain(`arn:aws:iam::${PLATFORM}:root`);
    expect(identityCalls()).toBe(2);
    for (let i = 0; i < 3; i++) expect((await template()).status).toBe(200);
    clock.advance(3_600_000);
    expect((await template()).status).toBe(200);
    expect(identityCalls()).toBe(2);
  });
});
