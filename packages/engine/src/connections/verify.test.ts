import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors/index.js';
import { ProviderCallError } from '../ports/provider-error.js';
import type { ProviderFailureKind } from '../ports/provider-error.js';
import { runTest } from './verify.js';

const failing = (kind: ProviderFailureKind) => () =>
  Promise.reject(new ProviderCallError({ provider: 'azure', call: 'subscriptions.get', code: `Code-${kind}`, message: 'no', kind }));

describe('runTest: which provider answers are a verdict on the customer’s setup', () => {
  it.each(['refused', 'unauthorized', 'not-found'] as const)('%s is a verdict: the connection failed', async (kind) => {
    const verdict = await runTest(failing(kind));
    expect(verdict).toMatchObject({ ok: false, message: `subscriptions.get failed: Code-${kind}: no` });
  });

  it.each(['throttled', 'transient', 'platform', 'invalid-input', 'conflict'] as const)('%s is no verdict: 502/503 Provider unavailable', async (kind) => {
    const thrown = await runTest(failing(kind)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(thrown).toBeInstanceOf(EngineError);
    expect((thrown as EngineError).error).toBe('Provider unavailable');
  });
});
