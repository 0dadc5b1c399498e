/** @module access — the access pipelines and the default AccessControl / PlanLimits. */
export { coversScope, environmentScope, projectScope, requireUser, workspaceScope } from './pipeline.js';
export type { EnvironmentScope, ProjectScope, WorkspaceScope } from './pipeline.js';
export { createMembersAccessControl, createPlanTableLimits } from './default-access.js';
