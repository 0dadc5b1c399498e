import type { Storage } from '../ports/storage.js';
import type { AccessControl, PlanLimits } from '../ports/access.js';
import { hasPermission, permissionsOf } from '../domain/permissions.js';

/** Default AccessControl: the members table and the six system roles (see docs/access.md). */
export function createMembersAccessControl(storage: Pick<Storage, 'members'>): AccessControl {
  return {
    membership: (actor, workspaceId) => storage.members.getMember(workspaceId, actor.userId),
    can: (member, permission) => hasPermission(permissionsOf(member.role), permission),
  };
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
