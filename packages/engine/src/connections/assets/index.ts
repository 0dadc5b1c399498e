/** @module connections/assets — the rendered CloudFormation template and setup scripts. */
export { AWS_MANAGED_POLICIES, renderAwsOidcTemplate, renderAwsTemplate } from './aws-template.js';
export { GCP_APIS, GCP_SA_ROLES, gcpSetupCommand, renderGcpSetupScript } from './gcp-script.js';
export { AZURE_RESOURCE_PROVIDERS, azureSetupCommand, renderAzureSetupScript } from './azure-script.js';
export { isSafeBaseUrl, isSafeUrl, pipeToShell, SAFE_BASE_URL_RULE, singleQuoted } from './shell.js';
