import type { EnvironmentScope } from '../access/index.js';
import type { EngineContext } from '../context.js';
import { conflict, invalidField, notFound } from '../errors/index.js';
import type { DnsSession, ExistingZone, ZoneInfo } from '../ports/dns.js';
import { isProviderCallError } from '../ports/provider-error.js';
import type { ZoneIntent } from '../ports/storage.js';

/**
 * Route 53 zone creation that survives a crash. CreateHostedZone is idempotent by its caller
 * reference, so the reference is noted (`dns_zone_intents`) before the call: a process killed
 * between Route 53's answer and the row that records the zone leaves the note, and the retry of the
 * same create reuses the reference and the zone that call made instead of creating another.
 * The note is settled in the transaction that records the zone.
 */

export interface NotedZoneInput {
  readonly scope: EnvironmentScope;
  readonly connectionId: number;
  readonly domainName: string;
  readonly comment?: string | null | undefined;
}

/** The environment's note for this domain through this connection: the one left by an earlier call, or a new one. */
async function claimNote(ctx: EngineContext, input: NotedZoneInput): Promise<ZoneIntent> {
  const claim = () =>
    ctx.storage.resources.claimZoneIntent({
      workspaceId: input.scope.workspace.id,
      projectId: input.scope.project.id,
      environmentId: input.scope.environment.id,
      cloudConnectionId: input.connectionId,
      provider: 'route53',
      domainName: input.domainName,
      callerReference: `cloudlink-${ctx.random.uuid()}`,
      now: ctx.clock.now(),
    });
  const note = await claim();
  if (note.provider === 'route53' && note.cloudConnectionId === input.connectionId) return note;
  // Left by a create through another connection: its zone, if any, is out of this link's reach.
  await ctx.storage.resources.settleZoneIntent(note.id);
  return claim();
}

/** Whether a caller reference is one this product makes (`cloudlink-<uuid>`): such a zone is some create's, never adopted unasked. */
const isOurReference = (ref: string | null): boolean => ref !== null && ref.startsWith('cloudlink-');

/**
 * The Route 53 zone of a `POST …/dns` (docs/records.md#adopting-an-existing-hosted-zone): the
 * zone named by `hostedZoneId`, else the one hosted zone for the domain that was made outside
 * cloudlink, else a new one (`createNotedRoute53Zone`). A zone made under this create's own noted
 * caller reference — a retry after a crash — is ours, never adopted. The note is claimed in every
 * case: settling it is how the create's transaction knows no concurrent create recorded the zone.
 */
export async function openNotedRoute53Zone(
  ctx: EngineContext,
  session: DnsSession,
  input: NotedZoneInput & { readonly hostedZoneId?: string | undefined },
): Promise<{ zone: ZoneInfo; note: ZoneIntent; adopted: boolean }> {
  const note = await claimNote(ctx, input);
  const existing = session.findZonesByName ? await session.findZonesByName(input.domainName) : null;
  const mine = existing?.find((z) => z.callerReference === note.callerReference) ?? null;
  if (input.hostedZoneId !== undefined) {
    const zone = await session.getZone(input.hostedZoneId);
    if (zone === null) throw notFound.hostedZone(input.hostedZoneId);
    if (zone.domainName !== input.domainName) throw invalidField('hostedZoneId', `hosted zone ${input.hostedZoneId} is ${zone.domainName}, not ${input.domainName}`);
    return { zone, note, adopted: mine?.info.hostedZoneId !== zone.hostedZoneId };
  }
  if (mine) return { zone: mine.info, note, adopted: false };
  const foreign = (existing ?? []).filter((z) => !isOurReference(z.callerReference));
  if (foreign.length > 1) throw conflict.multipleHostedZones(input.domainName, foreign.map((z) => z.info.hostedZoneId));
  if (foreign.length === 1) return { zone: (foreign[0] as ExistingZone).info, note, adopted: true };
  return { ...(await createNotedRoute53Zone(ctx, session, input)), adopted: false };
}

/** Create the hosted zone under a noted caller reference (or get the one it already made); the note is the caller's to settle. */
export async function createNotedRoute53Zone(ctx: EngineContext, session: DnsSession, input: NotedZoneInput): Promise<{ zone: ZoneInfo; note: ZoneIntent }> {
  for (let fresh = false; ; fresh = true) {
    const note = await claimNote(ctx, input);
    try {
      const zone = await session.createOrImportZone({
        domainName: input.domainName,
        callerReference: note.callerReference,
        ...(input.comment ? { comment: input.comment } : {}),
      });
      return { zone, note };
    } catch (e) {
      // The noted reference was spent on a zone deleted since (Route 53 never takes one twice): start afresh, once.
      if (!fresh && isProviderCallError(e) && e.providerCode === 'HostedZoneAlreadyExists') {
        await ctx.storage.resources.settleZoneIntent(note.id);
        continue;
      }
      throw e;
    }
  }
}

/** How long a note may still belong to a create in flight: far longer than any provider call and its retries. */
export const ZONE_NOTE_STALE_MS = 15 * 60_000;

/**
 * Reconcile the notes of creates through `connectionId` that never finished (see
 * docs/dns-crash-safety.md): the zone such a create made is in the customer's account and recorded
 * nowhere. Found by its caller reference and still empty (only the apex NS and SOA) → deleted; in
 * use → left alone and logged. Settling the note first makes this the only owner of the outcome: a
 * retry of the same create that reused the note can then no longer record the zone. Best effort:
 * a failure is logged and the note stays for the next sync.
 */
export async function reconcileStaleZoneNotes(ctx: EngineContext, session: DnsSession, connectionId: number): Promise<void> {
  if (!session.findCreatedZone) return;
  const before = new Date(ctx.clock.now().getTime() - ZONE_NOTE_STALE_MS);
  for (const note of await ctx.storage.resources.listStaleZoneIntents(connectionId, before)) {
    try {
      const orphan = await session.findCreatedZone({ domainName: note.domainName, callerReference: note.callerReference });
      if (!(await ctx.storage.resources.settleZoneIntent(note.id)) || !orphan) continue;
      const apex = `${orphan.domainName}.`;
      let inUse = false;
      for await (const rs of session.listRecordSets(orphan)) {
        if (!(rs.name === apex && (rs.type === 'NS' || rs.type === 'SOA'))) inUse = true;
        if (inUse) break;
      }
      if (inUse) {
        ctx.logger.warn({ hostedZoneId: orphan.hostedZoneId, domainName: note.domainName }, 'an unrecorded Route 53 zone from an interrupted create holds records; left in place');
        continue;
      }
      await session.deleteZone(orphan);
      ctx.logger.info({ hostedZoneId: orphan.hostedZoneId, domainName: note.domainName }, 'deleted an empty Route 53 zone left by an interrupted create');
    } catch (e) {
      ctx.logger.warn({ domainName: note.domainName, err: isProviderCallError(e) ? e.message : String(e) }, 'could not reconcile an interrupted zone create');
    }
  }
}

/**
 * A Cloud DNS or Azure DNS zone for `POST …/dns` (docs/dns-crash-safety.md#cloud-dns-and-azure-dns-zone-creates-are-idempotent-by-name):
 * their create is idempotent by name — the provider names the zone after the domain and answers a
 * create of a zone that exists with that zone — so no note is needed: a create interrupted after the
 * provider's answer leaves a zone that the retry of the same create gets back, never a second,
 * unknown one. Whether the zone is ours is read from what it holds: a zone with records beyond its
 * apex NS and SOA was not made by this create (made outside cloudlink, or by someone who wrote to it
 * since), so it is adopted and never deleted; an empty one is ours (deleting it loses nothing).
 */
export async function openZoneByName(
  session: DnsSession,
  input: { readonly domainName: string; readonly callerReference: string; readonly comment?: string | null | undefined },
): Promise<{ zone: ZoneInfo; adopted: boolean }> {
  const zone = await session.createOrImportZone({
    domainName: input.domainName,
    callerReference: input.callerReference,
    ...(input.comment ? { comment: input.comment } : {}),
  });
  const apex = `${zone.domainName}.`;
  // Listings start at the apex, so its NS and SOA come first and a third set settles it: one page at most.
  for await (const rs of session.listRecordSets(zone, { limit: 3 })) {
    if (rs.name !== apex || (rs.type !== 'NS' && rs.type !== 'SOA')) return { zone, adopted: true };
  }
  return { zone, adopted: false };
}
