import type { Actor } from '../ports/runtime.js';

/**
 * The user each actor object was resolved to by the access pipeline in the call it is serving.
 * An actor naming the host's external id reaches the services as given (they pass it on to the
 * audit log untouched), and the log records cloudlink's user id: the one the pipeline found, in
 * the same statement as the rest of the access check, never a second lookup. Keyed weakly by the
 * object, so nothing outlives the request that made it; the mapping of an external id never
 * changes once stored, so an actor object a host reuses across calls stays correct.
 */
const resolved = new WeakMap<Actor, number>();

/** Called by the access pipeline once it has found the actor's user. */
export function noteActorUser(actor: Actor, userId: number): void {
  if (actor.userId === undefined) resolved.set(actor, userId);
}

/** The user id of an actor the access pipeline has resolved; throws for one it has not (a bug: audit entries are written after the access check). */
export function userIdOfActor(actor: Actor): number {
  if (actor.userId !== undefined) return actor.userId;
  const userId = resolved.get(actor);
  if (userId === undefined) throw new Error('audit: the actor was not resolved by the access pipeline before its entry was written');
  return userId;
}
