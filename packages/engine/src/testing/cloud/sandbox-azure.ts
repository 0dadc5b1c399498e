import type { AzureConnector } from '../../ports/cloud.js';
import { createFaults, standInError, type FaultControl } from '../dns/faults.js';

export interface SandboxAzureConnector extends AzureConnector {
  readonly control: FaultControl;
}

/**
 * In-memory Entra ID + ARM for tests and sandbox mode: any GUIDs work; client secret
 * `invalid` is refused with `invalid_client: AADSTS7000215`.
 */
export function createSandboxAzureConnector(): SandboxAzureConnector {
  const { control, enter } = createFaults('azure');
  return {
    control,
    async getSubscription(input) {
      await enter({ call: 'Entra ID token request' });
      if (input.clientSecret === 'invalid') {
        throw standInError('azure', 'Entra ID token request', 'invalid_client', 'refused', 'AADSTS7000215: Invalid client secret provided.', 401);
      }
      await enter({ call: 'subscriptions.get' });
      return { subscriptionId: input.subscriptionId, displayName: 'Sandbox subscription' };
    },
  };
}
