/** @module admin — workspaces, projects, environments, members, usage; operator commands. (Being built: issue 3.) */
import type { EngineContext } from '../context.js';

export function createAdminServices(_ctx: EngineContext) {
  return { workspaces: {}, projects: {}, environments: {}, members: {} };
}

export function createOperatorServices(_ctx: EngineContext) {
  return {};
}
