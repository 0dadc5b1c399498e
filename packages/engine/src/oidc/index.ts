/** @module oidc — our OIDC issuer (keys, discovery, JWKS, token minting) for GCP Workload Identity Federation and Azure federated credentials. */
export {
  createOidcIssuer,
  currentSigningKey,
  OIDC_PRIVATE_KEY_AAD,
  OIDC_RETIRED_PUBLISHED_MS,
  OIDC_ROTATION_DELAY_MS,
  OIDC_TOKEN_TTL_SECONDS,
} from './issuer.js';
export type { OidcIssuer, PublishedJwk } from './issuer.js';
