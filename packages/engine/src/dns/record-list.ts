import { environmentScope } from '../access/index.js';
import type { EngineContext } from '../context.js';
import type { RecordSet } from '../ports/dns.js';
import type { Actor } from '../ports/runtime.js';
import { callProvider, DNS_OPERATION, openZone } from './provider-access.js';
import { compareRecordSets } from './records/names.js';
import { findZone, type GetZoneInput } from './zones.js';

export type ListRecordsInput = GetZoneInput;

/** One listed record set (SPEC §6.7); `alias`/`aliasTarget` only on Route 53 alias sets. */
export function serializeListedRecord(rs: RecordSet) {
  if (rs.alias) {
    return { name: rs.name, type: rs.type, ttl: null, alias: true, values: [rs.alias.dnsName], aliasTarget: { ...rs.alias } };
  }
  return { name: rs.name, type: rs.type, ttl: rs.ttl, values: [...rs.values] };
}

export function createRecordListServices(ctx: EngineContext) {
  return {
    /**
     * GET …/dns/:id/records — `canViewResources`: live from the provider, paged through one page at
     * a time; NS and SOA omitted; Route 53 order (reversed name, then type).
     */
    async listRecords(actor: Actor | null, input: ListRecordsInput) {
      const scope = await environmentScope(ctx, actor, input ?? {}, 'canViewResources');
      const zoneRow = await findZone(ctx, scope, input?.id);
      const zone = await openZone(ctx, scope.project, zoneRow, DNS_OPERATION.listRecords);
      const data = await callProvider(DNS_OPERATION.listRecords, zone.meta.provider, async () => {
        const out: ReturnType<typeof serializeListedRecord>[] = [];
        for await (const rs of zone.session.listRecordSets(zone.info)) {
          if (rs.type === 'NS' || rs.type === 'SOA') continue;
          out.push(serializeListedRecord(rs));
        }
        // Providers list in this order already; sorting again keeps the contract whatever the provider.
        return out.sort(compareRecordSets);
      });
      return { message: 'DNS records retrieved successfully', count: data.length, data };
    },
  };
}
