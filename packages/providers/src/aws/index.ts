/** @module @cloudlink/providers/aws — STS connector and Route 53 DNS provider on AWS SDK v3. */
export * from './sts/index.js';
export * from './route53/index.js';
export { fromCloudlink } from './credentials.js';
export type { CloudlinkAwsIdentity } from './credentials.js';
export type { CredentialsSource, CloudlinkCredentialsTarget } from '../shared/credentials-source.js';
