/** @module connections/assets — the rendered CloudFormation template and setup scripts. */
export { AWS_MANAGED_POLICIES, renderAwsTemplate } from './aws-template.js';
export { GCP_APIS, GCP_SA_ROLES, renderGcpSetupScript } from './gcp-script.js';
export { AZURE_RESOURCE_PROVIDERS, renderAzureSetupScript } from './azure-script.js';
export { isSafeUrl, singleQuoted } from './shell.js';
