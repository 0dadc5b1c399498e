import type { CloudlinkClient } from './client.js';

/** What the walk needs: where to connect, and which names to use. */
export interface FlowOptions {
  readonly workspace: string;
  readonly project: string;
  readonly environment: string;
  /** The AWS account to complete with (the sandbox accepts any 12 digits but 000000000000). */
  readonly accountId: string;
  readonly domain: string;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}

/**
 * Connect AWS → complete → link the project → create a Route 53 zone → upsert records → list them →
 * register an instance → name `app` in the zone → connect it to the instance → sync the zone.
 * Returns the ids it created, the record list and what the connection and the sync answered.
 */
export async function walkFlow(client: CloudlinkClient, o: FlowOptions) {
  const log = o.log ?? (() => {});
  const started = await client.cloudConnections.connectAws.mutate({ workspaceSlug: o.workspace, region: 'us-east-1' });
  const { connectionId } = started.data;
  log(`${started.message}: connection ${connectionId}; open ${started.data.connectionUrl}`);

  const completed = await client.cloudConnections.complete.mutate({
    workspaceSlug: o.workspace,
    connectionId,
    accountId: o.accountId,
    accountName: `AWS ${o.accountId} (${connectionId})`,
  });
  log(`${completed.message}: ${completed.data.connectionStatus}`);

  const linked = await client.projects.connectCloud.mutate({ projectSlug: o.project, connectionId });
  log(`${linked.message}: ${linked.data.connectedCloud?.roleArn ?? ''}`);

  const zone = await client.dns.createZone.mutate({ projectSlug: o.project, environmentSlug: o.environment, name: o.domain, domainName: o.domain });
  log(`${zone.message}: ${zone.data.domainName} (${zone.data.hostedZoneId}) on ${zone.data.nameServers.join(', ')}`);

  const written = await client.dns.upsertRecords.mutate({
    projectSlug: o.project,
    environmentSlug: o.environment,
    id: zone.data.id,
    records: [
      { recordName: 'www', recordType: 'A', values: ['192.0.2.1'], ttl: 300 },
      { recordName: '@', recordType: 'TXT', values: ['v=spf1 -all'] },
    ],
  });
  log(`${written.message}`);

  const records = await client.dns.listRecords.query({ projectSlug: o.project, environmentSlug: o.environment, id: zone.data.id });
  for (const r of records.data) log(`  ${r.name} ${r.type} ${r.ttl ?? ''} ${r.values.join(' ')}`);

  const pointed = await pointSubdomain(client, o, zone.data.id);
  return { connectionId, zoneId: zone.data.id, records: records.data, ...pointed };
}

/**
 * Point `app.<domain>` at a resource the host runs: register it with its address, name `app` in the
 * zone, connect the two (that writes the A record and the `_gateways_app` TXT), then sync the zone,
 * which finds that TXT in DNS.
 */
async function pointSubdomain(client: CloudlinkClient, o: FlowOptions, zoneId: number) {
  const log = o.log ?? (() => {});
  const env = { projectSlug: o.project, environmentSlug: o.environment };
  const instance = await client.resources.register.mutate({
    ...env,
    resourceType: 'instance',
    name: 'web-1',
    dnsTarget: { addresses: ['192.0.2.20'] },
  });
  log(`${instance.message}: ${instance.data.name} (${instance.data.id})`);

  const subdomain = await client.subdomains.create.mutate({ ...env, zoneId, name: 'app' });
  log(`${subdomain.message}: ${subdomain.data.fqdn}`);

  // A dry run first: the record sets the connect would write and the provider calls it would make.
  const plan = await client.resourceConnections.create.mutate({ ...env, sourceId: subdomain.data.id, targetId: instance.data.id, dryRun: true });
  if ('dryRun' in plan) for (const c of plan.data.changes) log(`  would ${c.action} ${c.recordName} ${c.recordType}`);

  const connection = await client.resourceConnections.create.mutate({ ...env, sourceId: subdomain.data.id, targetId: instance.data.id });
  if ('dryRun' in connection) throw new Error('a connect without dryRun answered a plan');
  log(`${connection.message}: ${connection.data.recordName} → ${connection.data.target.name}`);
  for (const r of connection.data.records) log(`  ${r.name} ${r.type} ${r.ttl ?? ''} ${r.values.join(' ')}`);

  const sync = await client.resources.sync.mutate({ ...env, resourceId: zoneId });
  log(`${sync.message}: dns_active ${sync.data.dns_active} (checked ${sync.data.domainChecked})`);
  return { resourceId: instance.data.id, subdomainId: subdomain.data.id, connection: connection.data, sync: sync.data };
}
