import type { RestOperation } from './routes.js';

/** One request example: what a reference page (Scalar, Redoc) shows in its "try it" panel. */
export interface RequestExample {
  readonly summary: string;
  readonly value: unknown;
}

const one = (summary: string, value: unknown): Record<string, RequestExample> => ({ [summary.toLowerCase().replace(/[^a-z0-9]+/g, '-')]: { summary, value } });

const AZURE_CREDENTIALS = {
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  subscriptionId: '0b1f6471-1bf0-4dda-aec3-111122223333',
  clientId: '4a7c2f90-5b1e-4d8e-9c3a-5e6f7a8b9c0d',
  clientSecret: 'Xy8Q~placeholder-client-secret-value',
};

/**
 * A realistic body for every write that takes one, by operation (a test parses each with the
 * engine's body schema, so an example never shows a body the API refuses). Several entries: the
 * body has several documented forms (complete per cloud, one record or a batch).
 */
export const REQUEST_EXAMPLES: Partial<Record<RestOperation, Record<string, RequestExample>>> = {
  'workspaces.create': one('A workspace', { name: 'Acme Corp', description: 'Production infrastructure of Acme' }),
  'projects.create': one('A project', { name: 'Storefront', description: 'Public web shop' }),
  'projects.update': one('A new name and description (the slug stays)', { name: 'Online store', description: 'Public web shop, EU and US' }),
  'environments.create': one('An environment', { name: 'staging', description: 'Pre-production' }),
  'members.add': one('A member', { email: 'dana@example.com', role: 'dev' }),
  'members.updateRole': one('A new role', { role: 'admin' }),
  'cloudConnections.connectAws': one('An AWS region', { region: 'eu-west-1' }),
  'cloudConnections.connectGcp': one('A GCP region', { region: 'europe-west1' }),
  'cloudConnections.connectAzure': one('An Azure region', { region: 'westeurope' }),
  'cloudConnections.complete': {
    aws: { summary: 'AWS: the account the stack was created in', value: { accountId: '123456789012', accountName: 'acme-production' } },
    gcp: {
      summary: 'GCP: the Workload Identity Federation setup the script printed',
      value: {
        accountName: 'acme-gcp',
        wifConfig: { projectNumber: '412345678901', poolId: 'cloudlink-pool', providerId: 'cloudlink-oidc', serviceAccountEmail: 'cloudlink@acme-prod.iam.gserviceaccount.com', projectId: 'acme-prod' },
      },
    },
    azure: { summary: 'Azure: the service principal the script created', value: { accountName: 'acme-azure', azureCredentials: AZURE_CREDENTIALS } },
  },
  'cloudConnections.update': one('A new name', { accountName: 'acme-production-eu' }),
  'cloudConnections.azureSetupCallback': one('What the setup script posts', { token: '9f86d081884c7d659a2feaa0', ...AZURE_CREDENTIALS }),
  'dns.createZone': {
    route53: { summary: 'Route 53 through the linked AWS connection', value: { name: 'Main domain', domainName: 'acme.com', comment: 'Managed by cloudlink' } },
    cloudflare: { summary: 'Import a Cloudflare zone', value: { name: 'Marketing', domainName: 'acme.io', provider: 'cloudflare', cloudflareApiToken: 'cf-api-token-with-zone-dns-edit' } },
    clouddns: { summary: 'GCP Cloud DNS through the linked GCP connection', value: { name: 'Docs', domainName: 'docs.acme.com', provider: 'clouddns', comment: 'Managed by cloudlink' } },
    azuredns: { summary: 'Azure DNS through the linked Azure connection, in a chosen resource group', value: { name: 'Shop', domainName: 'shop.acme.com', provider: 'azuredns', azureResourceGroup: 'acme-dns' } },
  },
  'dns.importZoneFile': {
    file: { summary: 'A zone file as JSON (dryRun shows the plan first)', value: { zoneFile: '$ORIGIN acme.com.\nwww 300 IN A 203.0.113.10\n', dryRun: true } },
  },
  'dns.upsertRecords': {
    single: { summary: 'One record set', value: { recordName: 'www', recordType: 'A', values: ['203.0.113.10', '203.0.113.11'], ttl: 300 } },
    batch: {
      summary: 'A batch',
      value: {
        records: [
          { recordName: '@', recordType: 'MX', values: ['10 mail.acme.com.'], ttl: 3600 },
          { recordName: '@', recordType: 'TXT', values: ['"v=spf1 include:_spf.acme.com -all"'] },
          { recordName: 'cdn', recordType: 'A', alias: { target: 'd111111abcdef8.cloudfront.net' } },
        ],
      },
    },
  },
  'dns.deleteRecords': one('The record set, values exactly as stored', { recordName: 'www', recordType: 'A', values: ['203.0.113.10', '203.0.113.11'] }),
  'resources.register': one('A host resource with a DNS target', {
    resourceType: 'instance',
    name: 'web-1',
    providerResourceId: 'i-0abc123def4567890',
    region: 'eu-west-1',
    dnsTarget: { addresses: ['203.0.113.10'] },
    metadata: { team: 'storefront' },
  }),
  'resources.update': one('A new DNS target', { dnsTarget: { hostname: 'web-1.internal.acme.com' } }),
  'subdomains.create': one('A name inside a zone', { zoneId: 12, name: 'shop' }),
  'resourceConnections.create': one('Point a subdomain at a resource', { sourceId: 14, targetId: 9, ttl: 300 }),
  'resourceConnections.update': one('Re-point it', { targetId: 10 }),
};
