import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../src/logging.js';

describe('redactSecrets', () => {
  it('replaces secret-named keys at any depth and keeps the rest', () => {
    const out = redactSecrets({
      headers: { authorization: 'Bearer abc', 'x-request-id': 'r1' },
      body: { azure: { clientSecret: 's3cr3t', clientId: 'c' }, cloudflareApiToken: 'cf', records: [{ privateKey: 'pk' }] },
      credentials: { accessKeyId: 'AKIA' },
      secretAccessKey: 'x',
      sessionToken: 'y',
      name: 'visible',
    });
    const text = JSON.stringify(out);
    for (const s of ['Bearer abc', 's3cr3t', '"cf"', '"pk"', 'AKIA', '"x"', '"y"']) expect(text).not.toContain(s);
    expect(text).toContain('visible');
    expect(text).toContain('"clientId":"c"');
  });
});
