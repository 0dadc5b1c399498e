import type { EnvironmentScope } from '../access/index.js';
import type { EngineContext } from '../context.js';
import type { DnsSession, ZoneInfo } from '../ports/dns.js';
import { isProviderCallError } from '../ports/provider-error.js';
import type { ZoneIntent } from '../ports/storage.js';

/**
 * Route 53 zone creation that survives a crash. CreateHostedZone is idempotent by its caller
 * reference, so the reference is noted (`dns_zone_intents`) before the call: a process killed
 * between Route 53's answer and the row that records the zone leaves the note, and the retry of the
 * same create reuses the reference and adopts the zone that call made instead of creating another.
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

/** Create (or adopt) the hosted zone under a noted caller reference; the note is the caller's to settle. */
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
