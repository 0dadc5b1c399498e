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

  it('an Azure DNS ETag mismatch → 409 DNS record changed concurrently, naming the set; other conflicts stay provider failures', () => {
    const etag = new ProviderCallError({ provider: 'azuredns', call: 'RecordSets.createOrUpdate', code: 'PreconditionFailed', message: 'modified', kind: 'conflict', status: 412 });
    const mapped = mapProviderError(etag, DNS_OPERATION.upsertRecords, 'azuredns', 'www.example.com. A') as EngineError;
    expect(mapped.toBody()).toEqual({
      error: 'DNS record changed concurrently',
      message: 'The record set www.example.com. A was changed at the DNS provider since it was read; nothing was overwritten. Read the records again and retry.',
    });
    expect((mapProviderError(etag, DNS_OPERATION.deleteZone, 'azuredns') as EngineError).message).toMatch(/^A record set was changed/);
    const notEmpty = new ProviderCallError({ provider: 'clouddns', call: 'managedZones.delete', code: 'containerNotEmpty', message: 'not empty', kind: 'conflict', status: 400 });
    expect((mapProviderError(notEmpty, DNS_OPERATION.deleteZone, 'clouddns') as EngineError).error).toBe('Failed to delete hosted zone');
  });
});
