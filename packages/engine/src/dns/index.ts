/** @module dns — zones, records and resources. (Being built: issue 5.) */
import type { EngineContext } from '../context.js';

export function createDnsServices(_ctx: EngineContext) {
  return { dns: {}, resources: {} };
}
