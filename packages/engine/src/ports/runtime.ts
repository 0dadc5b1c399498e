/** Time, randomness and logging: injected so tests are deterministic. The engine never calls `Date.now()`. */

export interface Clock {
  now(): Date;
  /** Resolve after `ms`, or reject with the signal's reason. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface Random {
  /** `n` cryptographically random bytes. */
  bytes(n: number): Uint8Array;
  /** A random number in [0, 1): backoff jitter only. */
  fraction(): number;
  /** RFC 4122 v4 UUID. */
  uuid(): string;
}

/** Structured logger; pino-compatible (`logger.info({ obj }, 'msg')`). Never pass secrets. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

interface ActorCommon {
  readonly email?: string;
  /**
   * The id of the request this call serves, recorded in the audit log: the REST adapter takes it from
   * `X-Request-Id` (or makes one) and echoes it; the tRPC context does the same. Capped at 128 printable characters.
   */
  readonly requestId?: string;
}

/**
 * A caller named by cloudlink's user id. `externalId`, when also given, must be that user's (else
 * 401); the engine passes it, filled in from the user row, to a host's `AccessControl`.
 */
export interface UserIdActor extends ActorCommon {
  readonly userId: number;
  readonly externalId?: string;
}

/**
 * A caller named by the host's own user id (`users.provision` stored it): the engine resolves it to
 * the user in the same statement as the rest of the access check. Unknown → 401.
 */
export interface ExternalIdActor extends ActorCommon {
  readonly externalId: string;
  readonly userId?: undefined;
}

/** An authenticated caller: an existing user, by cloudlink's id or by the host's (else 401). See docs/access.md#authentication. */
export type Actor = UserIdActor | ExternalIdActor;
