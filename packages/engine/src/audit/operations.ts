/**
 * Every engine mutation the audit log records (see docs/audit.md), as `<group>.<method>`. Each
 * records its success inside the transaction of its change; the engine wraps each so a refused
 * attempt (403, 409, a provider failure) leaves a `failure` entry.
 */
export const AUDITED_OPERATIONS = [
  'workspaces.create',
  'projects.create',
  'projects.update',
  'projects.delete',
  'projects.connectCloud',
  'projects.disconnectCloud',
  'environments.create',
  'environments.delete',
  'members.add',
  'members.updateRole',
  'members.remove',
  'cloudConnections.connectAws',
  'cloudConnections.connectGcp',
  'cloudConnections.connectAzure',
  'cloudConnections.complete',
  'cloudConnections.verify',
  'cloudConnections.update',
  'cloudConnections.delete',
  'cloudConnections.azureSetupCallback',
  'dns.createZone',
  'dns.upsertRecords',
  'dns.deleteRecords',
  'dns.importZoneFile',
  'resources.register',
  'resources.update',
  'resources.sync',
  'resources.delete',
  'subdomains.create',
  'subdomains.delete',
  'resourceConnections.create',
  'resourceConnections.update',
  'resourceConnections.delete',
] as const;
export type AuditedOperation = (typeof AUDITED_OPERATIONS)[number];
