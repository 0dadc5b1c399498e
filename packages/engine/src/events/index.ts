import type { ConnectionStatus } from '../domain/records.js';
import type { CloudProviderName } from '../domain/plans.js';
import type { Logger } from '../ports/runtime.js';

/** A connection's status moved (`pending` → `connected`, `connected` → `failed`, deleted → `disconnected`). */
export interface ConnectionStatusChangedEvent {
  readonly type: 'connection.status_changed';
  readonly workspaceId: number;
  readonly connectionId: number;
  readonly from: ConnectionStatus;
  readonly to: ConnectionStatus;
  /** Why, when the change has a reason (the failure reason of a `failed` connection). */
  readonly reason?: string;
}

/** Short-lived cloud credentials of a connection were handed out (never the credentials themselves). */
export interface CredentialsIssuedEvent {
  readonly type: 'credentials.issued';
  readonly workspaceId: number;
  readonly connectionId: number;
  readonly provider: CloudProviderName;
  readonly purpose: string;
}

export const DNS_CHANGE_KINDS = [
  'zone_created',
  'zone_deleted',
  'zone_synced',
  'records_changed',
  'subdomain_created',
  'subdomain_deleted',
  'connection_created',
  'connection_updated',
  'connection_deleted',
] as const;
export type DnsChangeKind = (typeof DNS_CHANGE_KINDS)[number];

/** Something changed in a DNS zone: the zone itself, its records, a subdomain or a resource connection writing into it. */
export interface DnsChangedEvent {
  readonly type: 'dns.changed';
  readonly workspaceId: number;
  /** The zone's resource id. */
  readonly zoneId: number;
  readonly kind: DnsChangeKind;
  /** The subdomain or resource connection concerned, when the change is about one. */
  readonly resourceId?: number;
  readonly resourceConnectionId?: number;
}

/** What `EngineOptions.onEvent` receives (see docs/audit.md). Discriminated by `type`. */
export type CloudlinkEvent = ConnectionStatusChangedEvent | CredentialsIssuedEvent | DnsChangedEvent;

/** The host's hook; may be async. Its failures are logged and never reach the request. */
export type EventHook = (event: CloudlinkEvent) => void | Promise<void>;

/** Where services hand events once their transaction has committed. */
export interface EventSink {
  /** Deliver now (call only after commit): the hook is called at once, its result not awaited. */
  emit(event: CloudlinkEvent): void;
}

/**
 * The sink over the host's hook. A hook that throws, or returns a promise that rejects, is logged
 * at `warn` with the event's type and swallowed: an event is news about a change already committed,
 * so it can never fail or delay the request that made it.
 */
export function createEventSink(hook: EventHook | undefined, logger: Logger): EventSink {
  const report = (event: CloudlinkEvent, error: unknown) =>
    logger.warn({ event: event.type, err: error instanceof Error ? error.message : String(error) }, 'onEvent hook failed');
  return {
    emit(event) {
      if (!hook) return;
      try {
        const result = hook(event);
        if (result && typeof (result as Promise<void>).then === 'function') (result as Promise<void>).then(undefined, (e: unknown) => report(event, e));
      } catch (e) {
        report(event, e);
      }
    },
  };
}

/** Events gathered inside a transaction, delivered only once it has committed. */
export interface Outbox {
  /** Queue an event; dropped if the transaction rolls back. */
  add(event: CloudlinkEvent): void;
}
