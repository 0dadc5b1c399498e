import type { Member } from '../domain/records.js';
import type { Permission } from '../domain/permissions.js';
import type { PlanRestrictions } from '../domain/plans.js';
import type { UserIdActor } from './runtime.js';

/**
 * Resolves an actor's standing in a workspace. The default reads the members table and the six
 * system roles; a host may plug its own (e.g. from its own RBAC).
 */
export interface AccessControl {
  /**
   * The actor's active membership, or null when not a member. The engine has resolved the actor by
   * then: `userId` is always set, and `externalId` is the user's external id when it has one.
   */
  membership(actor: UserIdActor, workspaceId: number): Promise<Member | null>;
  /** Whether that membership grants the permission. */
  can(member: Member, permission: Permission): boolean | Promise<boolean>;
}

/** Plan limits of a workspace; the default reads the plans table. `-1` = unlimited. */
export interface PlanLimits {
  limitsFor(workspaceId: number): Promise<PlanRestrictions>;
}
