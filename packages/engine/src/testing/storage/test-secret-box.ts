import type { SecretBox } from '../../ports/secret-box.js';
import { createSecretBox } from '../../secrets/secret-box.js';

/** The fixed key of `createTestSecretBox` (kid `test`): bytes 0…31. Public on purpose; tests only. */
export const TEST_ENCRYPTION_KEY = { kid: 'test', key: Uint8Array.from({ length: 32 }, (_, i) => i) } as const;

/** A real AES-256-GCM SecretBox with a fixed, well-known key: deterministic setup for tests, never for data. */
export function createTestSecretBox(): SecretBox {
  return createSecretBox({ keys: [TEST_ENCRYPTION_KEY] });
}
