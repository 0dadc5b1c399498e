import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { issueFor } from '../shared/credentials-source.js';
import type { CloudlinkCredentialsTarget, CredentialsSource } from '../shared/credentials-source.js';

/**
 * An `@azure/core-auth` `TokenCredential` for the connection's service principal: pass it to any
 * Azure SDK client (`new SubscriptionClient(credential)`, `@azure/arm-*`). `getToken(scopes)` asks the
 * engine for a token for exactly those scopes; the engine caches it per scope set until 5 minutes
 * before it expires. The client secret never leaves the engine.
 */
export class CloudlinkTokenCredential implements TokenCredential {
  readonly #source: CredentialsSource;
  readonly #target: CloudlinkCredentialsTarget;

  constructor(source: CredentialsSource, target: CloudlinkCredentialsTarget) {
    this.#source = source;
    this.#target = target;
  }

  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    const list = typeof scopes === 'string' ? [scopes] : scopes;
    const issued = await issueFor(this.#source, { ...this.#target, azure: { ...this.#target.azure, scopes: list } }, 'azure');
    return { token: issued.accessToken, expiresOnTimestamp: Date.parse(issued.expiresAt), tokenType: 'Bearer' };
  }
}
