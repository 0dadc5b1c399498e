import { createSandboxProviders, type SandboxProviders } from '@cloudlink/sandbox';
import type { TestServer } from './test-server.js';

/**
 * The sandbox's providers for a test server started after them: the fake clouds keep the server's
 * (fake) clock and verify our tokens against its OIDC issuer and keys. Both are read on each call,
 * since the server and its port exist only once it has started.
 */
export function sandboxForServer(server: () => TestServer): SandboxProviders {
  return createSandboxProviders({
    platformAccountId: '999999999999',
    now: () => (server().clock as { now(): Date }).now(),
    oidc: { issuer: () => `${server().baseUrl}/api`, jwks: () => server().engine.publicAssets.jwks() },
  });
}
