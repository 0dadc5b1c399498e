/** @module aws/sts — the AwsConnector (AssumeRole, GetCallerIdentity) on `@aws-sdk/client-sts`. */
export { createAwsConnector } from './connector.js';
export type { AwsConnectorOptions } from './connector.js';
