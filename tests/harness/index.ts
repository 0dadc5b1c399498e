/**
 * @module tests/harness — the shared harness of the cross-package tests: a real HTTP server (REST +
 * tRPC) over a real storage, a Bearer-JWT `authenticate`, and a per-backend `describe`.
 */
export { startTestServer } from './test-server.js';
export type { RestOptions, RestResponse, TestServer, TestServerOptions } from './test-server.js';
export { describeBackends } from './describe-backends.js';
export { attachPostgresStorage, BACKENDS, createBackendStorage } from './backends.js';
export type { Backend, Peek, TestStorage } from './backends.js';
export { trpcFailure } from './trpc-failure.js';
export { authenticateBearer, signTestToken, TEST_JWT_SECRET } from './auth.js';
export { sandboxForServer } from './sandbox.js';
