import { workspaceScope } from '../access/index.js';
import { recordAudit } from '../audit/index.js';
import type { EngineContext } from '../context.js';
import type { RoleCode } from '../domain/permissions.js';
import type { Member } from '../domain/records.js';
import { conflict, forbidden, invalidField, notFound, precondition } from '../errors/index.js';
import type { Actor } from '../ports/runtime.js';
import { isStorageConflict, type StorageTx } from '../ports/storage.js';
import { parseInput, parsePathId } from '../validation/index.js';
import { assertWithinLimit } from './limits.js';
import { addMemberBodySchema, updateMemberRoleBodySchema, type AddMemberBody, type UpdateMemberRoleBody } from './schemas.js';
import { serializeMember } from './serialize.js';
import { listPageQuerySchema, openIdPage } from '../pagination/index.js';
import type { ListPageQuery } from './schemas.js';
import type { OperationResponse } from '../responses/operations.js';

interface WorkspacePath {
  readonly workspaceSlug: string;
}
export type ListMembersInput = WorkspacePath & ListPageQuery;
export type AddMemberInput = AddMemberBody & WorkspacePath;
export type UpdateMemberRoleInput = UpdateMemberRoleBody & WorkspacePath & { readonly userId: string | number };
export type RemoveMemberInput = WorkspacePath & { readonly userId: string | number };

const parseUserId = (raw: unknown) => parsePathId(raw, () => invalidField('userId', 'must be a positive integer'));

/**
 * The owner rule of a membership change, written once. A change moves the target from role `from`
 * to role `to` (`null`: not a member before / removed after). Only an owner may grant the owner
 * role or change or remove an owner; and a change taking the role from an owner needs another
 * owner left. `caller` is absent for the operator, who is bound by the second rule only.
 * Checked before the transaction to fail fast, and again under the workspace lock, where the
 * caller's and target's roles and the owner count are current.
 */
export async function assertOwnerRule(
  tx: Pick<StorageTx, 'members'>,
  workspaceId: number,
  change: { readonly caller?: Pick<Member, 'role'>; readonly from: string | null; readonly to: string | null },
): Promise<void> {
  const { caller, from, to } = change;
  if (caller) assertCallerMayChange(caller, from, to);
  if (from === 'owner' && to !== 'owner' && (await tx.members.countMembers(workspaceId, { role: 'owner' })) <= 1) throw precondition.lastOwner();
}

/** The caller half of {@link assertOwnerRule}, for the pre-check outside the transaction. */
function assertCallerMayChange(caller: Pick<Member, 'role'>, from: string | null, to: string | null): void {
  if ((from === 'owner' || to === 'owner') && caller.role !== 'owner') throw forbidden.ownerRole();
}

/**
 * Inside the transaction, after `tx.lockWorkspace`: the caller's membership as it stands now. The
 * check before the transaction may be stale by the time the lock is held (a concurrent demotion or
 * removal commits in between), and what the caller may grant depends on that role.
 */
async function callerUnderLock(ctx: EngineContext, tx: StorageTx, workspaceId: number, caller: Member): Promise<Member> {
  const current = await tx.members.getMember(workspaceId, caller.userId);
  if (!current) throw forbidden.workspace();
  if (!(await ctx.access.can(current, 'canManageMembers'))) throw forbidden.permission('canManageMembers');
  return current;
}

/**
 * `members.{list, add, updateRole, remove}`. Only an owner grants, changes or removes
 * the owner role; the last owner can be neither demoted nor removed. The caller's role, the target's
 * role and the owner count are all re-read under the workspace lock, which every role change takes.
 */
export function createMemberServices(ctx: EngineContext) {
  return {
    /** Active members, `id` ascending, one page (`limit`, `cursor`). */
    async list(actor: Actor | null, input: ListMembersInput): Promise<OperationResponse<'members.list'>> {
      const { workspace } = await workspaceScope(ctx, actor, input?.workspaceSlug);
      const page = openIdPage(parseInput(listPageQuerySchema, input), 'members', workspace.id);
      const { items, nextCursor } = page.finish(await ctx.storage.members.listMembers(workspace.id, page.read));
      const data = items.map(serializeMember);
      return { message: 'Members retrieved successfully', count: data.length, data, nextCursor };
    },

    /** Direct add of an existing user; a removed member is reactivated (still 201). */
    async add(actor: Actor | null, input: AddMemberInput): Promise<OperationResponse<'members.add'>> {
      const { workspace, member: caller } = await workspaceScope(ctx, actor, input?.workspaceSlug, 'canManageMembers');
      const body = parseInput(addMemberBodySchema, input);
      assertCallerMayChange(caller, null, body.role);
      const user = await ctx.storage.users.getUserByEmail(body.email);
      if (!user) throw notFound.user();
      if (await ctx.storage.members.getMember(workspace.id, user.id)) throw conflict.memberExists();
      const limits = await ctx.limits.limitsFor(workspace.id);
      try {
        const member = await ctx.storage.transaction(async (tx) => {
          await tx.lockWorkspace(workspace.id);
          const callerNow = await callerUnderLock(ctx, tx, workspace.id, caller);
          await assertOwnerRule(tx, workspace.id, { caller: callerNow, from: null, to: body.role });
          if (await tx.members.getMember(workspace.id, user.id)) throw conflict.memberExists();
          assertWithinLimit(limits, 'max_workspace_members', await tx.members.countMembers(workspace.id));
          const added = await tx.members.addMember({ workspaceId: workspace.id, userId: user.id, role: body.role, permissions: { projectPermissions: '*' }, now: ctx.clock.now() });
          await recordAudit(tx, ctx, actor ?? { kind: 'host' }, { workspaceId: workspace.id, operation: 'members.add', targets: { userId: user.id }, detail: { role: body.role } });
          return added;
        });
        return { message: 'Member added successfully', data: serializeMember(member) };
      } catch (e) {
        if (isStorageConflict(e, 'workspace_members')) throw conflict.memberExists();
        throw e;
      }
    },

    async updateRole(actor: Actor | null, input: UpdateMemberRoleInput): Promise<OperationResponse<'members.updateRole'>> {
      const { workspace, member: caller } = await workspaceScope(ctx, actor, input?.workspaceSlug, 'canManageMembers');
      const userId = parseUserId(input?.userId);
      const target = await ctx.storage.members.getMember(workspace.id, userId);
      if (!target) throw notFound.member();
      const body = parseInput(updateMemberRoleBodySchema, input);
      assertCallerMayChange(caller, target.role, body.role);
      const updated = await ctx.storage.transaction(async (tx) => {
        await tx.lockWorkspace(workspace.id);
        const callerNow = await callerUnderLock(ctx, tx, workspace.id, caller);
        const current = await tx.members.getMember(workspace.id, userId);
        if (!current) throw notFound.member();
        // Caller and target may both have changed since the pre-check: the owner rule holds under the lock too.
        await assertOwnerRule(tx, workspace.id, { caller: callerNow, from: current.role, to: body.role });
        const changed = await tx.members.setMemberRole({ workspaceId: workspace.id, userId, role: body.role as RoleCode, now: ctx.clock.now() });
        await recordAudit(tx, ctx, actor ?? { kind: 'host' }, { workspaceId: workspace.id, operation: 'members.updateRole', targets: { userId }, detail: { from: current.role, to: body.role } });
        return changed;
      });
      if (!updated) throw notFound.member();
      return { message: 'Member role updated successfully', data: serializeMember(updated) };
    },

    async remove(actor: Actor | null, input: RemoveMemberInput): Promise<OperationResponse<'members.remove'>> {
      const { workspace, member: caller } = await workspaceScope(ctx, actor, input?.workspaceSlug, 'canManageMembers');
      const userId = parseUserId(input?.userId);
      const target = await ctx.storage.members.getMember(workspace.id, userId);
      if (!target) throw notFound.member();
      assertCallerMayChange(caller, target.role, null);
      await ctx.storage.transaction(async (tx) => {
        await tx.lockWorkspace(workspace.id);
        const callerNow = await callerUnderLock(ctx, tx, workspace.id, caller);
        const current = await tx.members.getMember(workspace.id, userId);
        if (!current) throw notFound.member();
        await assertOwnerRule(tx, workspace.id, { caller: callerNow, from: current.role, to: null });
        await tx.members.removeMember({ workspaceId: workspace.id, userId, now: ctx.clock.now() });
        await recordAudit(tx, ctx, actor ?? { kind: 'host' }, { workspaceId: workspace.id, operation: 'members.remove', targets: { userId }, detail: { role: current.role } });
      });
      return { message: 'Member removed successfully' };
    },
  };
}
