/** @module admin — workspaces, projects, environments, members, usage; operator commands. */
import type { EngineContext } from '../context.js';
import { createProjectLinkServices } from '../connections/project-link.js';
import { createMemberServices } from './members.js';
import { createEnvironmentServices, createProjectServices } from './projects.js';
import { createWorkspaceServices } from './workspaces.js';

/** The admin groups: `workspaces`, `projects` (with link/unlink of a cloud connection), `environments`, `members`. */
export function createAdminServices(ctx: EngineContext) {
  return {
    workspaces: createWorkspaceServices(ctx),
    projects: { ...createProjectServices(ctx), ...createProjectLinkServices(ctx) },
    environments: createEnvironmentServices(ctx),
    members: createMemberServices(ctx),
  };
}

export { createOperatorServices } from './operator.js';
export { createUserServices, provisionUserInputSchema, serializeProvisionedUser } from './users.js';
export type { ProvisionUserInput, ProvisionedUser, ProvisionedUserObject } from './users.js';
export { EXTERNAL_ID_MAX_CHARS } from './external-id.js';
export { FIRST_SIGHT_MAX_ENTRIES, provisionOnFirstSight } from './first-sight.js';
export type { FirstSightOptions, HostIdentity } from './first-sight.js';
export type { SeedInput } from './operator.js';
export type { CreateWorkspaceInput, WorkspaceSlugInput } from './workspaces.js';
export type { ListPageQuery } from './schemas.js';
export type { CreateProjectInput, ProjectSlugInput, CreateEnvironmentInput, ListEnvironmentsInput } from './projects.js';
export type { ListMembersInput, AddMemberInput, UpdateMemberRoleInput, RemoveMemberInput } from './members.js';
export type { ConnectCloudInput, DisconnectCloudInput } from '../connections/project-link.js';
export {
  addMemberBodySchema,
  createEnvironmentBodySchema,
  createProjectBodySchema,
  createWorkspaceBodySchema,
  seedInputSchema,
  updateMemberRoleBodySchema,
} from './schemas.js';
export {
  projectObject,
  serializeConnectedCloud,
  serializeEnvironment,
  serializeMember,
  serializeProject,
  serializeUser,
  serializeWorkspace,
  toIso,
} from './serialize.js';
export type { EnvironmentObject, MemberObject, ProjectObject, WorkspaceObject } from './serialize.js';
