/** @module connections — cloud connections, OIDC issuer, templates and setup scripts. (Being built: issue 4.) */
import type { AwsSessionCache, EngineContext } from '../context.js';

export function createAwsSessionCache(_ctx: Omit<EngineContext, 'awsSessions'>): AwsSessionCache {
  return {
    credentialsFor: async () => {
      throw new Error('AWS sessions are being built (issue 4)');
    },
    drop: () => {},
  };
}

export function createConnectionServices(_ctx: EngineContext) {
  return { cloudConnections: {}, publicAssets: {} };
}
