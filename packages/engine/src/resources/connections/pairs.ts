import { isHostResourceType } from '../catalogue.js';

/**
 * Which resources may be connected, as data (see docs/resources.md#resource-connections): one row per
 * kind of link. Only `dns` exists now: a subdomain (source) pointed at a host resource (target).
 */

export interface AllowedPair {
  readonly source: (type: string) => boolean;
  readonly target: (type: string) => boolean;
  readonly connectionType: 'dns';
  /** Whether the target must carry a DNS target (`metadata.dnsTarget`). */
  readonly needsDnsTarget: boolean;
}

export const ALLOWED_PAIRS: readonly AllowedPair[] = [
  { source: (t) => t === 'subdomain', target: isHostResourceType, connectionType: 'dns', needsDnsTarget: true },
];

/** The row allowing `source` → `target`, or null. */
export function allowedPair(sourceType: string, targetType: string): AllowedPair | null {
  return ALLOWED_PAIRS.find((p) => p.source(sourceType) && p.target(targetType)) ?? null;
}
