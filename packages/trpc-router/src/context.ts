import type { Actor } from '@cloudlink/engine';

/**
 * What the router needs from the host's `createContext`: the authenticated actor, or `null` (the
 * engine then answers 401 `Unauthorized` on every procedure).
 */
export interface CloudlinkContext {
  readonly actor: Actor | null;
}
