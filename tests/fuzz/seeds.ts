import type { RestOperation } from '@cloudlink/express-adapter';
import { AZURE_CREDS, GCP_WIF, type World } from './world.js';

/**
 * One valid request per engine operation: the starting point the generators mutate. Keyed by
 * `RestOperation`, so a new route does not compile until it has a seed here (and the coverage test
 * fails at run time if the table and `REST_ROUTES` ever disagree).
 */
export interface Seed {
  /** Which acme object `:connectionId`, `:id` and `:resourceId` name. */
  readonly target?: 'aws' | 'gcp' | 'azure' | 'r53' | 'cf' | 'subdomain' | 'host' | 'connection';
  readonly query?: Record<string, string>;
  readonly body?: Record<string, unknown>;
}

const A_RECORD = { recordName: 'www', recordType: 'A', values: ['192.0.2.1'] };

export const SEEDS: Record<RestOperation, (w: World) => Seed> = {
  'cloudConnections.azureSetupCallback': (w) => ({ body: { token: w.targets.azureToken, ...AZURE_CREDS } }),
  'publicAssets.openidConfiguration': () => ({}),
  'publicAssets.jwks': () => ({}),
  'publicAssets.awsTemplate': () => ({}),
  'publicAssets.gcpSetupScript': (w) => ({ query: { connection: String(w.targets.gcpId) } }),
  'publicAssets.azureSetupScript': () => ({}),
  'workspaces.create': () => ({ body: { name: 'Fuzzed' } }),
  'workspaces.list': () => ({ query: { limit: '5' } }),
  'workspaces.get': () => ({}),
  'workspaces.usage': () => ({}),
  'projects.create': () => ({ body: { name: 'Web', description: 'fuzz' } }),
  'members.list': () => ({}),
  'audit.list': () => ({ query: { operation: 'members.add', limit: '5' } }),
  'members.add': (w) => ({ body: { email: w.candidate.email, role: 'dev' } }),
  'members.updateRole': () => ({ body: { role: 'viewer' } }),
  'members.remove': () => ({}),
  'projects.get': () => ({}),
  'projects.list': () => ({ query: { limit: '5' } }),
  'projects.update': () => ({ body: { name: 'Shop', description: 'fuzz' } }),
  // Refused (409): shop is acme's default project and holds zones, so the world stays intact.
  'projects.delete': () => ({}),
  'environments.create': () => ({ body: { name: 'staging' } }),
  'environments.list': () => ({}),
  // Refused (409): master is the default environment.
  'environments.delete': () => ({}),
  'projects.connectCloud': () => ({ target: 'aws' }),
  'projects.disconnectCloud': () => ({}),
  'cloudConnections.list': () => ({ query: { provider: 'aws' } }),
  'cloudConnections.connectAws': () => ({ body: { region: 'eu-west-1' } }),
  'cloudConnections.connectGcp': () => ({ body: {} }),
  'cloudConnections.connectAzure': () => ({ body: {} }),
  'cloudConnections.complete': () => ({ target: 'gcp', body: { accountName: 'Prod GCP', wifConfig: GCP_WIF } }),
  'cloudConnections.verify': () => ({ target: 'gcp' }),
  'cloudConnections.update': () => ({ target: 'azure', body: { accountName: 'Prod Azure' } }),
  'cloudConnections.delete': () => ({ target: 'gcp' }),
  'dns.createZone': () => ({ body: { name: 'zone', domainName: 'fuzz.example', comment: 'fuzz', positionX: 1, positionY: '2' } }),
  'dns.listZones': () => ({}),
  'dns.getZone': () => ({ target: 'r53' }),
  'dns.listRecords': () => ({ target: 'r53' }),
  'dns.upsertRecords': () => ({
    target: 'r53',
    body: {
      records: [
        A_RECORD,
        { recordName: '@', recordType: 'MX', values: ['10 mail.example.com.'], ttl: 600 },
        { recordName: 'txt', recordType: 'TXT', values: ['"v=spf1 -all"'] },
        { recordName: '@', recordType: 'CAA', values: ['0 issue "ca.example"'] },
        { recordName: '_sip._tcp', recordType: 'SRV', values: ['1 2 5060 sip.example.com.'] },
      ],
    },
  }),
  'dns.deleteRecords': () => ({ target: 'cf', body: A_RECORD }),
  'dns.exportZoneFile': () => ({ target: 'r53' }),
  'dns.importZoneFile': () => ({ target: 'r53', query: { dryRun: 'true' }, body: { zoneFile: '$ORIGIN example.com.\nwww 300 IN A 192.0.2.1\n@ 600 IN MX 10 mail.example.com.\n' } }),
  'resources.list': () => ({ query: { type: 'dns' } }),
  'resources.get': () => ({ target: 'cf' }),
  'resources.sync': () => ({ target: 'r53' }),
  'resources.delete': () => ({ target: 'cf', query: { deleteFromCloud: 'false' } }),
  'resources.register': () => ({
    body: { resourceType: 'instance', name: 'web-1', providerResourceId: 'i-0abc', region: 'us-east-1', dnsTarget: { addresses: ['192.0.2.10', '2001:db8::10'] }, metadata: { tier: 'gold' }, positionX: 1, positionY: 2 },
  }),
  'subdomains.create': (w) => ({ body: { zoneId: w.targets.r53Id, name: 'api' } }),
  'subdomains.list': (w) => ({ query: { zoneId: String(w.targets.r53Id) } }),
  'subdomains.get': () => ({ target: 'subdomain' }),
  'subdomains.delete': () => ({ target: 'subdomain', query: { deleteFromCloud: 'false' } }),
  'resources.update': () => ({ target: 'host', body: { name: 'web-2', dnsTarget: { addresses: ['192.0.2.11'] }, metadata: { tier: 'silver' } } }),
  'resourceConnections.create': (w) => ({ body: { sourceId: w.targets.subdomainId, targetId: w.targets.hostId, ttl: 600 } }),
  'resourceConnections.list': (w) => ({ query: { resourceId: String(w.targets.hostId) } }),
  'resourceConnections.get': () => ({ target: 'connection' }),
  'resourceConnections.update': () => ({ target: 'connection', body: { ttl: 120 } }),
  'resourceConnections.delete': () => ({ target: 'connection' }),
};

/** The id a seed's `target` names, now (it changes when `repair()` recreates the object). */
export function targetId(w: World, target: Seed['target']): number {
  switch (target) {
    case 'aws':
      return w.targets.awsId;
    case 'gcp':
      return w.targets.gcpId;
    case 'azure':
      return w.targets.azureId;
    case 'cf':
      return w.targets.cfId;
    case 'subdomain':
      return w.targets.subdomainId;
    case 'host':
      return w.targets.hostId;
    case 'connection':
      return w.targets.connectionId;
    default:
      return w.targets.r53Id;
  }
}
