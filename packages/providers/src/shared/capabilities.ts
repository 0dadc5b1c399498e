import type { DnsProviderCapabilities } from '@cloudlink/engine';

/**
 * The capabilities a provider declares, taken from its features table: only the port's fields, so
 * the table's own extras (batch limits, automatic TTL, …) stay out of what the engine sees.
 */
export function capabilitiesOf(features: DnsProviderCapabilities): DnsProviderCapabilities {
  const { recordTypes, apexCname, createsZones, aliasRecords, proxy } = features;
  return { recordTypes, apexCname, createsZones, aliasRecords, proxy };
}
