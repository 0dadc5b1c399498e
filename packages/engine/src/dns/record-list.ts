import { z } from 'zod';
import { environmentScope } from '../access/index.js';
import type { EngineContext } from '../context.js';
import { invalidField } from '../errors/index.js';
import { decodeCursor, encodeCursor, RECORD_PAGE_MAX, recordPageQuerySchema, type PageQuery } from '../pagination/index.js';
import type { DnsProviderId, RecordSet, RecordSetKey } from '../ports/dns.js';
import type { Actor } from '../ports/runtime.js';
import type { ListedRecord } from '../responses/dns.js';
import type { OperationResponse } from '../responses/operations.js';
import { parseInput } from '../validation/index.js';
import { callProvider, DNS_OPERATION, openZone, type OpenZone } from './provider-access.js';
import { compareRecordSets } from './records/names.js';
import { recordSetOrderKey, windowInOrder } from './records/record-window.js';
import { zoneMetadata } from './serialize.js';
import { findZone, type GetZoneInput } from './zones.js';

export type ListRecordsInput = GetZoneInput & PageQuery;

/**
 * One listed record set (see docs/records.md#listing): `alias`/`aliasTarget` only on Route 53 alias
 * sets, `proxied` on every Cloudflare set; Cloud DNS and Azure DNS sets are plain (their ETags stay inside).
 */
export function serializeListedRecord(rs: RecordSet, provider: DnsProviderId = 'route53'): ListedRecord {
  if (rs.alias) {
    return { name: rs.name, type: rs.type, ttl: null, alias: true, values: [rs.alias.dnsName], aliasTarget: { ...rs.alias } };
  }
  if (provider === 'cloudflare') return { name: rs.name, type: rs.type, ttl: rs.ttl, values: [...rs.values], proxied: rs.proxied ?? false };
  return { name: rs.name, type: rs.type, ttl: rs.ttl, values: [...rs.values] };
}
interface RecordPage {
  readonly data: ListedRecord[];
  readonly last: RecordSetKey | null;
}

/** NS and SOA are the provider's own; the listing leaves them out (see docs/records.md). */
const HIDDEN_TYPES = ['NS', 'SOA'];

/**
 * The cursor's position: the last (name, type) a page returned. Re-checked on decode (it reaches
 * the provider as StartRecordName/Type): printable ASCII within this zone (checked below) and a
 * plain type mnemonic.
 */
const recordPosition = z.object({
  n: z.string().regex(/^[\x21-\x7E]{1,255}$/),
  t: z.string().regex(/^[A-Z][A-Z0-9]{0,9}$/),
});

/**
 * The live sets of `limit` keys after `after` (all sets of a key together), in Route 53 order,
 * reading the provider only that far; `last` is null on the last page. Shared by the record list
 * and the zone-file export.
 */
export async function readRecordSetPage(
  zone: OpenZone,
  after: RecordSetKey | undefined,
  limit: number,
  skipTypes?: readonly string[],
): Promise<{ sets: RecordSet[]; last: RecordSetKey | null }> {
  return callProvider(DNS_OPERATION.listRecords, zone.meta.provider, async () => {
    const window = { ...(after ? { startAfter: after } : {}), ...(skipTypes ? { skipTypes } : {}), limit: limit + 1 };
    const sets: RecordSet[] = [];
    let keys = 0;
    let lastKey: string | null = null;
    let more = false;
    // The window is applied again here so a provider that ignores it still yields a correct page.
    for await (const rs of windowInOrder(zone.session.listRecordSets(zone.info, window), window)) {
      const key = recordSetOrderKey(rs);
      if (key !== lastKey) {
        if (keys === limit) {
          more = true;
          break;
        }
        keys++;
        lastKey = key;
      }
      sets.push(rs);
    }
    // Providers list in this order already; sorting again keeps the contract whatever the provider.
    sets.sort(compareRecordSets);
    const tail = sets[sets.length - 1];
    return { sets, last: more && tail ? { name: tail.name, type: tail.type } : null };
  });
}

export function createRecordListServices(ctx: EngineContext) {
  /** Listings in progress, per zone + cursor + limit: identical concurrent requests share one. */
  const inFlight = new Map<string, Promise<RecordPage>>();

  /** One page of listed records: the sets of `limit` keys after `after`. */
  async function readPage(zone: OpenZone, after: RecordSetKey | undefined, limit: number): Promise<RecordPage> {
    const page = await readRecordSetPage(zone, after, limit, HIDDEN_TYPES);
    return { data: page.sets.map((rs) => serializeListedRecord(rs, zone.meta.provider)), last: page.last };
  }

  return {
    /**
     * GET …/dns/:id/records — `canViewResources`: live from the provider, one page (`limit`, default
     * and maximum 10 000 record sets; `cursor`); NS and SOA omitted; Route 53 order (reversed name,
     * then type). Route 53 variants of one name and type are never split across pages.
     */
    async listRecords(actor: Actor | null, input: ListRecordsInput): Promise<OperationResponse<'dns.listRecords'>> {
      const scope = await environmentScope(ctx, actor, input ?? {}, 'canViewResources');
      const zoneRow = await findZone(ctx, scope, input?.id);
      const query = parseInput(recordPageQuerySchema, input);
      const limit = query.limit ?? RECORD_PAGE_MAX;
      const position = decodeCursor(query.cursor, 'records', zoneRow.id, recordPosition);
      const domain = `${zoneMetadata(zoneRow).domainName}.`;
      if (position && position.n !== domain && !position.n.endsWith(`.${domain}`)) throw invalidField('cursor', 'is not a cursor of this list');
      const after = position ? { name: position.n, type: position.t } : undefined;
      const zone = await openZone(ctx, scope.project, zoneRow, DNS_OPERATION.listRecords);

      const key = `${zoneRow.id}\u0000${query.cursor ?? ''}\u0000${limit}`;
      let pending = inFlight.get(key);
      if (!pending) {
        pending = readPage(zone, after, limit).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      const page = await pending;
      const nextCursor = page.last ? encodeCursor('records', zoneRow.id, { n: page.last.name, t: page.last.type }) : null;
      // Each caller gets its own copy of the shared page.
      const data = page.data.map((r) => structuredClone(r));
      return { message: 'DNS records retrieved successfully', count: data.length, data, nextCursor };
    },
  };
}
