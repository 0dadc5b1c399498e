import type { ExternalIdActor } from '../ports/runtime.js';
import type { ProvisionedUser, ProvisionUserInput } from './users.js';

/** What the host knows of the person its session authenticated, and the request being served. */
export interface HostIdentity extends ProvisionUserInput {
  readonly requestId?: string;
}

export interface FirstSightOptions {
  /** How many identities one process remembers as provisioned (least recently seen forgotten first). Default 10 000. */
  readonly maxEntries?: number;
}

/** Default of `maxEntries`: a few hundred kilobytes of ids and emails. */
export const FIRST_SIGHT_MAX_ENTRIES = 10_000;

/**
 * The provision-on-first-sight pattern for a host's `authenticate` hook (or tRPC context): turn
 * the identity its own session vouches for into an external-id actor, calling `users.provision`
 * only when this process has not yet provisioned that identity as it is now (first sight, or a new
 * email or name), so an ordinary request costs nothing beyond the access check. Concurrent first
 * requests of one identity share one provision; other app instances converge through the
 * provision's own race safety. A failed provision (409 email in use) is not remembered.
 */
export function provisionOnFirstSight(
  engine: { readonly users: { provision(input: ProvisionUserInput): Promise<ProvisionedUser> } },
  options: FirstSightOptions = {},
): (identity: HostIdentity) => Promise<ExternalIdActor> {
  const max = options.maxEntries ?? FIRST_SIGHT_MAX_ENTRIES;
  if (!(Number.isSafeInteger(max) && max >= 1)) throw new TypeError('provisionOnFirstSight: maxEntries must be a positive integer');
  // externalId → the provision (settled or running) of the identity as last seen; Map order = recency.
  const seen = new Map<string, { readonly key: string; readonly done: Promise<unknown> }>();
  return async (identity) => {
    const { requestId, ...input } = identity;
    const key = JSON.stringify([input.email, input.name]);
    let entry = seen.get(input.externalId);
    if (!entry || entry.key !== key) {
      entry = { key, done: engine.users.provision(input) };
      const mine = entry;
      mine.done.catch(() => {
        if (seen.get(input.externalId) === mine) seen.delete(input.externalId);
      });
    }
    seen.delete(input.externalId);
    seen.set(input.externalId, entry);
    if (seen.size > max) seen.delete(seen.keys().next().value as string);
    await entry.done;
    return requestId === undefined ? { externalId: input.externalId } : { externalId: input.externalId, requestId };
  };
}
