/**
 * @module credentials — a connection's short-lived credentials as each cloud's SDK expects them
 * (docs/credentials.md): an AWS SDK v3 credential provider, a google-auth-library `AuthClient`, an
 * Azure `TokenCredential`. They call `engine.credentials.forHost`, so they belong in the host's backend.
 */
export { fromCloudlink } from './aws.js';
export type { CloudlinkAwsIdentity } from './aws.js';
export { CloudlinkAuthClient } from './gcp.js';
export type { CloudlinkAuthClientOptions } from './gcp.js';
export { CloudlinkTokenCredential } from './azure.js';
export type { CredentialsSource, CloudlinkCredentialsTarget } from './source.js';
