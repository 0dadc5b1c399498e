import { z } from 'zod';
import { environmentScope } from '../../access/index.js';
import type { EngineContext } from '../../context.js';
import { invalidField, isEngineError, validationFailed, zoneFileTooLarge, type ValidationIssue } from '../../errors/index.js';
import { WRITABLE_RECORD_TYPES, type RecordSet, type RecordSetKey } from '../../ports/dns.js';
import type { Actor } from '../../ports/runtime.js';
import type { OperationResponse } from '../../responses/operations.js';
import { parseQueryBoolean } from '../../validation/index.js';
import { callProvider, DNS_OPERATION, openZone, type OpenZone } from '../provider-access.js';
import { readRecordSetPage } from '../record-list.js';
import { dryRunAnswer, parseWriteOptions, type RecordPlan } from '../record-plan.js';
import { planAndApplyRecordSets, type RecordSetsResult } from '../record-writes.js';
import { MAX_BATCH } from '../records/record-set.js';
import { zoneMetadata } from '../serialize.js';
import { findZone, type GetZoneInput } from '../zones.js';
import { zoneFileHeader, zoneFileLines } from './serialize.js';
import { zoneFileToRecordSets } from './sets.js';

/**
 * Zone files in and out (see docs/records.md#zone-files). The export streams the live zone page by
 * page; the import parses a capped file, checks every set with the record rules and writes through
 * `planAndApplyRecordSets`, the one planned write of `POST …/records` (dry run and threshold included).
 */

/** Largest zone file an import reads: a 10 000-record file is well under 1 MiB. */
export const ZONE_FILE_MAX_BYTES = 4 * 1024 * 1024;

/** `POST …/dns/:id/zonefile` JSON body (REST also takes the file itself as `text/dns`). */
export const importZoneFileBodySchema = z.object({
  zoneFile: z.string().max(ZONE_FILE_MAX_BYTES).describe('An RFC 1035 master file (docs/records.md#zone-files)'),
  dryRun: z.boolean().optional().describe('Answer the plan; change nothing'),
  force: z.boolean().optional().describe('Pass the safety threshold'),
  replace: z.boolean().optional().describe('Also delete the record sets the file does not hold (alias, routing-policy and apex NS sets stay)'),
});

/** Record-set keys per listing page of the export: the most the export holds at once. */
const EXPORT_PAGE = 2_000;

export type ZoneFileInput = GetZoneInput & Record<string, unknown>;

/** `POST …/dns/:id/zonefile` input: the file and the write options (see docs/records.md#zone-files). */
export type ImportZoneFileInput = GetZoneInput & {
  readonly zoneFile?: unknown;
  readonly dryRun?: string | boolean;
  readonly force?: string | boolean;
  readonly replace?: string | boolean;
} & Record<string, unknown>;

/** One page of the live zone in Route 53 order, after `after`; `last` is null on the last page. */
const readPage = (zone: OpenZone, after: RecordSetKey | undefined) => readRecordSetPage(zone, after, EXPORT_PAGE);

/** Total `data` of a dry run over several planned writes (upsert chunks, then the deletes of `replace`). */
function mergePlans(plans: readonly RecordPlan[]): RecordPlan {
  const first = plans[0]!;
  const changes: RecordPlan['changes'] = [];
  const providerCalls: RecordPlan['providerCalls'] = [];
  const summary = { create: 0, update: 0, delete: 0, unchanged: 0, existingRecordSets: first.summary.existingRecordSets };
  let wouldRefuse = false;
  let applies = false;
  for (const p of plans) {
    const offset = changes.length;
    changes.push(...p.changes);
    for (const call of p.providerCalls) providerCalls.push({ call: call.call, changes: call.changes.map((i) => i + offset) });
    summary.create += p.summary.create;
    summary.update += p.summary.update;
    summary.delete += p.summary.delete;
    summary.unchanged += p.summary.unchanged;
    wouldRefuse ||= p.safety.wouldRefuse;
    applies ||= p.safety.applies;
  }
  return { changes, providerCalls, summary, safety: { ...first.safety, applies, wouldRefuse } };
}

const WRITABLE = new Set<string>(WRITABLE_RECORD_TYPES);

export function createZoneFileServices(ctx: EngineContext) {
  /** Access, zone, provider session; then the first page read before anything is sent, so its errors keep their status. */
  async function openExport(actor: Actor | null, input: ZoneFileInput) {
    const scope = await environmentScope(ctx, actor, input ?? {}, 'canViewResources');
    const zoneRow = await findZone(ctx, scope, input?.id);
    const meta = zoneMetadata(zoneRow);
    const zone = await openZone(ctx, scope.project, zoneRow, DNS_OPERATION.listRecords);
    const first = await readPage(zone, undefined);
    return { meta, zone, first };
  }

  async function* lines(meta: { domainName: string; provider: string }, zone: OpenZone, first: Awaited<ReturnType<typeof readPage>>): AsyncGenerator<string> {
    const apex = `${meta.domainName}.`;
    yield zoneFileHeader(meta.domainName, meta.provider);
    let page = first;
    for (;;) {
      // One chunk per page: the export never holds more than one page of sets and its text.
      yield page.sets.map((s) => zoneFileLines(s, apex)).join('');
      if (!page.last) return;
      page = await readPage(zone, page.last);
    }
  }

  /** Every value of a parsed file's sets checked; `replace` deletions read from the live zone (see docs). */
  async function setsToDelete(zone: OpenZone, apex: string, keep: ReadonlySet<string>): Promise<RecordSet[]> {
    return callProvider(DNS_OPERATION.listRecords, zone.meta.provider, async () => {
      const out: RecordSet[] = [];
      for await (const rs of zone.session.listRecordSets(zone.info)) {
        // Only what a zone file can hold is replaced: alias, routing-policy and provider-owned sets stay.
        if (rs.alias || rs.routingPolicy || !WRITABLE.has(rs.type) || (rs.name === apex && rs.type === 'NS')) continue;
        if (!keep.has(`${rs.name} ${rs.type}`)) out.push(rs);
      }
      return out;
    });
  }

  return {
    /**
     * GET …/dns/:id/zonefile — `canViewResources`: the live zone as an RFC 1035 master file, in
     * chunks (one per listing page); errors before the first chunk keep their status.
     */
    async streamZoneFile(actor: Actor | null, input: ZoneFileInput): Promise<AsyncIterable<string>> {
      const { meta, zone, first } = await openExport(actor, input);
      return lines(meta, zone, first);
    },

    /** tRPC: the same file as one string (the whole text in memory; REST streams it). */
    async exportZoneFile(actor: Actor | null, input: ZoneFileInput): Promise<OperationResponse<'dns.exportZoneFile'>> {
      const { meta, zone, first } = await openExport(actor, input);
      const parts: string[] = [];
      for await (const chunk of lines(meta, zone, first)) parts.push(chunk);
      return { message: 'Zone file exported successfully', data: { zoneFile: parts.join('') } };
    },

    /**
     * POST …/dns/:id/zonefile — `canUpdateResources`: upsert every set of the file (apex SOA/NS
     * skipped), with `replace=true` also delete the zone's sets the file does not hold; `dryRun`
     * answers the plan, `force` passes the safety threshold.
     */
    async importZoneFile(actor: Actor | null, input: ImportZoneFileInput): Promise<OperationResponse<'dns.importZoneFile'>> {
      const scope = await environmentScope(ctx, actor, input ?? {}, 'canUpdateResources');
      const zoneRow = await findZone(ctx, scope, input?.id);
      const meta = zoneMetadata(zoneRow);
      const options = parseWriteOptions(input);
      const replace = parseQueryBoolean(input?.replace, 'replace') ?? false;
      const text = input?.zoneFile;
      if (text === undefined || text === null) throw invalidField('zoneFile', 'required');
      if (typeof text !== 'string') throw invalidField('zoneFile', 'must be a string');
      // Before parsing: the cap bounds the parser's work and memory.
      if (text.length > ZONE_FILE_MAX_BYTES || Buffer.byteLength(text, 'utf8') > ZONE_FILE_MAX_BYTES) throw zoneFileTooLarge();
      const parsed = zoneFileToRecordSets(text, meta.domainName, { provider: meta.provider, hostedZoneId: meta.hostedZoneId });
      if (parsed.sets.length === 0) throw invalidField('zoneFile', 'holds no record set to import (apex SOA and NS are skipped)');

      const results: RecordSetsResult[] = [];
      for (let start = 0; start < parsed.sets.length; start += MAX_BATCH) {
        const chunk = parsed.sets.slice(start, start + MAX_BATCH);
        try {
          results.push(await planAndApplyRecordSets(ctx, actor, scope, zoneRow, chunk, 'upsert', { ...options, batch: true, auditOperation: 'dns.importZoneFile' }));
        } catch (e) {
          throw withLines(e, parsed.lines, start);
        }
      }
      let deleted = 0;
      if (replace) {
        const zone = await openZone(ctx, scope.project, zoneRow, DNS_OPERATION.listRecords);
        const keep = new Set(parsed.sets.map((s) => `${s.name} ${s.type}`));
        const gone = await setsToDelete(zone, `${meta.domainName}.`, keep);
        for (let start = 0; start < gone.length; start += MAX_BATCH) {
          const chunk = gone.slice(start, start + MAX_BATCH);
          results.push(await planAndApplyRecordSets(ctx, actor, scope, zoneRow, chunk, 'delete', { ...options, batch: true, auditOperation: 'dns.importZoneFile' }));
          deleted += chunk.length;
        }
      }
      if (options.dryRun) return dryRunAnswer(mergePlans(results.flatMap((r) => (r.dryRun ? [r.plan] : []))));
      const changeIds = new Set<string>();
      for (const r of results) if (!r.dryRun) for (const { outcome } of r.results) if (outcome?.changeId) changeIds.add(outcome.changeId);
      return {
        message: 'Zone file imported successfully',
        data: { recordSets: parsed.sets.length, skippedRecords: parsed.skipped, deletedRecordSets: deleted, changeIds: [...changeIds] },
      };
    },
  };
}

/** A rule problem of the write (`records[i]…`) names the file line of set `start + i`. */
function withLines(e: unknown, lines: readonly number[], start: number): unknown {
  if (!isEngineError(e) || e.code !== 'VALIDATION' || !e.details) return e;
  const details: ValidationIssue[] = e.details.map((d) => {
    const at = /^records\[(\d{1,6})\]/.exec(d.path);
    const line = at ? lines[start + Number(at[1])] : undefined;
    return line === undefined ? d : { path: 'zoneFile', message: `line ${line}: ${d.message}` };
  });
  return validationFailed(details);
}
