/**
 * @module dns — DNS zones, records and resources: `createDnsServices(ctx)` builds the
 * `dns`, `resources` and `subdomains` service groups; the record model, schemas and node resolver are public.
 */
import type { EngineContext } from '../context.js';
import { createHostResourceServices, createSubdomainServices } from '../resources/index.js';
import { createRecordListServices } from './record-list.js';
import { createRecordWriteServices } from './record-writes.js';
import { createHostResourceUpdateServices } from '../resources/connections/host-update.js';
import { createResourceServices } from './resources.js';
import { createZoneServices } from './zones.js';
import { createZoneFileServices } from './zonefile/service.js';

export * from './records/index.js';
export {
  AZURE_RESOURCE_GROUP_RULE,
  createZoneBodySchema,
  DEFAULT_AZURE_DNS_RESOURCE_GROUP,
  DNS_PROVIDERS,
  isAzureResourceGroupName,
  MAX_AZURE_RESOURCE_GROUP_LENGTH,
  listResourcesQuerySchema,
  recordItemSchema,
  recordsBatchBodySchema,
  recordsBodySchema,
  RESOURCE_SUBTYPES,
} from './schemas.js';
export type { CreateZoneBody, DnsProviderChoice, ListResourcesQuery, RecordItem, RecordsBody } from './schemas.js';
export { serializeResource, serializeZone } from './serialize.js';
export type { ResourceObject, ZoneMetadata, ZoneObject } from './serialize.js';
export { DNS_OPERATION, RESOURCE_SECRET_AAD } from './provider-access.js';
export { createNodeDnsResolver } from './node-resolver.js';
export type { NodeDnsResolverOptions } from './node-resolver.js';
export type { CreateZoneInput, EnvironmentPath, GetZoneInput, ListZonesInput } from './zones.js';
export type { ListRecordsInput } from './record-list.js';
export type { RecordsInput, RecordSetsResult, RecordWriteMode } from './record-writes.js';
export { planAndApplyRecordSets } from './record-writes.js';
export { importZoneFileBodySchema, ZONE_FILE_MAX_BYTES } from './zonefile/service.js';
export type { ImportZoneFileInput, ZoneFileInput } from './zonefile/service.js';
export { parseZoneFile, ZoneFileSyntaxError } from './zonefile/parse.js';
export type { ZoneFileRecord, ZoneFileToken } from './zonefile/parse.js';
export { dryRunAnswer, parseWriteOptions, reviewRecordPlan } from './record-plan.js';
export type { PlanAction, PlanStep, PlannedChange, PlannedValue, RecordPlan, WriteOptions } from './record-plan.js';
export type { DeleteResourceInput, ListResourcesInput, ResourceInput } from './resources.js';

/** The `dns`, `resources` (zones and the host's own resources alike) and `subdomains` service groups. */
export function createDnsServices(ctx: EngineContext) {
  const zones = createZoneServices(ctx);
  const list = createRecordListServices(ctx);
  const writes = createRecordWriteServices(ctx);
  const hostUpdates = createHostResourceUpdateServices(ctx);
  const zoneFiles = createZoneFileServices(ctx);
  return {
    dns: {
      createZone: zones.createZone,
      listZones: zones.listZones,
      getZone: zones.getZone,
      listRecords: list.listRecords,
      upsertRecords: writes.upsertRecords,
      deleteRecords: writes.deleteRecords,
      exportZoneFile: zoneFiles.exportZoneFile,
      streamZoneFile: zoneFiles.streamZoneFile,
      importZoneFile: zoneFiles.importZoneFile,
    },
    resources: { ...createResourceServices(ctx), ...createHostResourceServices(ctx), update: hostUpdates.update },
    subdomains: { ...createSubdomainServices(ctx), delete: hostUpdates.deleteSubdomain },
  };
}
