import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors/index.js';
import { ProviderCallError } from '../ports/provider-error.js';
import type { ProviderFailureKind } from '../ports/provider-error.js';
import { DNS_OPERATION, mapProviderError } from './provider-access.js';

const failure = (kind: ProviderFailureKind, status: number) =>
  new ProviderCallError({ provider: 'cloudflare', call: 'GET /zones/z1', code: '10000', message: 'Authentication error', kind, status });

describe('mapProviderError', () => {
  it.each([
    ['unauthorized', 401],
    ['refused', 403],
  ] as const)('a Cloudflare token answered %s (HTTP %i) → 400 Invalid Cloudflare token', (kind, status) => {
    const mapped = mapProviderError(failure(kind, status), DNS_OPERATION.sync, 'cloudflare') as EngineError;
    expect(mapped).toBeInstanceOf(EngineError);
    expect(mapped.error).toBe('Invalid Cloudflare token');
    expect(mapped.message).toBe('Cloudflare token verification failed: 10000: Authentication error');
  });

  it('Route 53 credentials refused are a provider failure (502), not a token problem', () => {
    const mapped = mapProviderError(failure('refused', 403), DNS_OPERATION.sync, 'route53') as EngineError;
    expect(mapped.error).toBe('Failed to sync DNS zone');
  });
});
