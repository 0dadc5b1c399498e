import type { DnsProvider, RecordSet, ZoneInfo } from '../../ports/dns.js';
import type { FaultControl } from './faults.js';

/**
 * What every in-memory DNS provider stand-in offers beside the `DnsProvider` port: JSON state for
 * sandbox persistence, and direct reads/writes standing for changes made outside the product.
 */
export interface SandboxDnsProvider<State> extends DnsProvider, FaultControl {
  /** JSON-serialisable state (sandbox mode persists it to `sandbox.json`). */
  snapshot(): State;
  restore(state: State): void;
  /** The zone hosting `domain` (exact name), or null. */
  zoneByDomain(domain: string): ZoneInfo | null;
  /** Every record set of a zone, in list order. */
  recordSets(zoneId: string): RecordSet[];
  /** Seed a record set directly (alias sets, records created outside the product). */
  putRecordSet(zoneId: string, set: RecordSet): void;
  /** Remove a zone as if deleted outside the product. */
  dropZone(zoneId: string): void;
  /** Every set whose name is `fqdn` and type `type`, across zones (used by the sandbox resolver). */
  lookup(fqdn: string, type: string): RecordSet[];
}

/** A deep copy through JSON: stand-in state never shares objects with what callers hold. */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
