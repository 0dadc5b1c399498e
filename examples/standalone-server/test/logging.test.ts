import { describe, expect, it } from 'vitest';
import { createLogger, redactSecrets } from '../src/logging.js';

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

describe('createLogger', () => {
  it('logs an error with its causes, and the credentials those causes carry stay out', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (s: string) => void lines.push(s) } });
    const root = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
      request: { headers: { Authorization: 'Bearer sekrit-jwt' } },
    });
    const middle = Object.assign(new Error('provider call failed', { cause: root }), { clientSecret: 'sekrit-client' });
    const outer = new Error('could not complete the connection', { cause: middle });
    const aggregate = new AggregateError([new Error('first attempt timed out')], 'every attempt failed');
    logger.error({ err: outer }, 'failed');
    logger.error({ err: aggregate }, 'failed');
    const assigned = new Error('query failed');
    (assigned as { cause?: unknown }).cause = new Error('relation "users" does not exist');
    logger.error({ err: assigned }, 'failed');
    const text = lines.join('');
    expect(text).toContain('provider call failed');
    expect(text).toContain('connect ECONNREFUSED 127.0.0.1:5432');
    expect(text).toContain('"code":"ECONNREFUSED"');
    expect(text).toContain('first attempt timed out');
    expect(text).toContain('relation \\"users\\" does not exist');
    expect(text).not.toContain('sekrit');
  });
});
