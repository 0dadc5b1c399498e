import type { Storage } from '../ports/storage.js';
import type { AccessControl, PlanLimits } from '../ports/access.js';
import { hasPermission, permissionsOf } from '../domain/permissions.js';

/** The controls made by `createMembersAccessControl`: their membership is the row the scope query already read. */
const membersTableControls = new WeakSet<AccessControl>();

/** Default AccessControl: the members table and the six system roles (see docs/access.md). */
export function createMembersAccessControl(storage: Pick<Storage, 'members'>): AccessControl {
  const control: AccessControl = {
    membership: (actor, workspaceId) => storage.members.getMember(workspaceId, actor.userId),
    can: (member, permission) => hasPermission(permissionsOf(member.role), permission),
  };
  membersTableControls.add(control);
  return control;
}

/**
 * Whether `access` reads memberships from the members table, so the access pipeline may use the
 * membership its one scope query returned instead of asking again; a host's own control is
 * always asked.
 */
export function readsMembersTable(access: AccessControl): boolean {
  return membersTableControls.has(access);
}

/** Default PlanLimits: the workspace's plan row. */
export function createPlanTableLimits(storage: Pick<Storage, 'workspaces' | 'plans'>): PlanLimits {
  return {
    async limitsFor(workspaceId) {
      const workspace = await storage.workspaces.getWorkspaceById(workspaceId);
      const plan = workspace ? await storage.plans.getPlanById(workspace.planId) : null;
      if (!plan) throw new Error(`workspace ${workspaceId} has no plan`);
      return plan.restrictions;
    },
  };
}
