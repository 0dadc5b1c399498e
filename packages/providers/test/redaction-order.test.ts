import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sendAttempt } from '../src/shared/index.js';

/**
 * Provider text is redacted before it is cut to 500 characters: cutting first can split a secret
 * the provider echoed, and the redactor would then miss the half that stays visible.
 */
describe('secret redaction happens before truncation', () => {
  const secret = 'S3cr3t-Client-Value-0123456789abcdef';
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
  });

  it('an echoed secret straddling the cut leaves no visible part', async () => {
    // A non-JSON error page that echoes the secret across the 500-character boundary.
    const body = `${'x'.repeat(480)} ${secret} trailing text`;
    const server = createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'text/html' });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    close = () => new Promise((r) => server.close(() => r()));
    const { port } = server.address() as AddressInfo;
    const error: unknown = await sendAttempt({
      site: { provider: 'test', call: 'Echo' },
      url: `http://127.0.0.1:${port}/`,
      init: { method: 'POST' },
      timeoutMs: 2_000,
      now: () => new Date(),
      classify: () => 'refused',
      secrets: [secret],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).not.toContain(secret.slice(0, 8));
  });
});
