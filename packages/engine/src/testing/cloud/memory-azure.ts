import type { AzureConnector, AzureCredentials } from '../../ports/cloud.js';
import { createFaults, memoryProviderError, memoryRetry, type FaultControl, type MemoryRetryOptions } from '../memory-faults.js';

export interface MemoryAzureConnector extends AzureConnector {
  /** Call log and failure injection (`failNext('Entra ID token request', …)`). */
  readonly control: FaultControl;
}

/** The display name every subscription answers with. */
export const MEMORY_AZURE_SUBSCRIPTION_NAME = 'Memory subscription';

/**
 * The Azure connector port in memory (Entra ID token, then ARM subscriptions.get): any GUIDs work;
 * the client secret `invalid` is refused with `invalid_client: AADSTS7000215`, a client assertion
 * `invalid` with `invalid_client: AADSTS70021` (no matching federated identity record).
 */
async function authenticate(input: AzureCredentials): Promise<void> {
  if (input.clientAssertion) {
    if ((await input.clientAssertion()) === 'invalid') {
      throw memoryProviderError('azure', 'Entra ID token request', 'invalid_client', 'refused', 'AADSTS70021: No matching federated identity record found for presented assertion.', 400);
    }
    return;
  }
  if (input.clientSecret === 'invalid') {
    throw memoryProviderError('azure', 'Entra ID token request', 'invalid_client', 'refused', 'AADSTS7000215: Invalid client secret provided.', 401);
  }
}

export function createMemoryAzureConnector(options: MemoryRetryOptions = {}): MemoryAzureConnector {
  const { control, enter } = createFaults('azure');
  const retry = memoryRetry(options);
  return {
    control,
    async getSubscription(input) {
      await retry(async () => {
        await enter({ call: 'Entra ID token request' });
        await authenticate(input);
      });
      return retry(async () => {
        await enter({ call: 'subscriptions.get' });
        return { subscriptionId: input.subscriptionId, displayName: MEMORY_AZURE_SUBSCRIPTION_NAME };
      });
    },
    async getToken(input, scopes) {
      return retry(async () => {
        await enter({ call: 'Entra ID token request' });
        await authenticate(input);
        return { token: `memory-azure:${input.clientId}:${(scopes ?? []).join(' ')}`, expiresAt: new Date(Date.now() + 3_599_000) };
      });
    },
  };
}
