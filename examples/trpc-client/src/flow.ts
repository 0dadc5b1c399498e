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
 * Connect AWS → complete → link the project → create a Route 53 zone → upsert records → list them.
 * Returns the ids it created and the final record list.
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
  return { connectionId, zoneId: zone.data.id, records: records.data };
}
