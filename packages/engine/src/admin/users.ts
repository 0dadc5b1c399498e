import { z } from 'zod';
import type { EngineContext } from '../context.js';
import type { User } from '../domain/records.js';
import { conflict } from '../errors/index.js';
import { isStorageConflict, type StorageTx, type UserPatch } from '../ports/storage.js';
import { parseInput } from '../validation/index.js';
import { externalIdSchema } from './external-id.js';
import { emailSchema, nameSchema } from './schemas.js';

/** `users.provision` input: the host's id of the user, and the email and name to keep in sync. */
export const provisionUserInputSchema = z.object({
  externalId: externalIdSchema,
  email: emailSchema,
  /** Omitted: unchanged (null for a new user). `null` clears it. */
  name: nameSchema.nullable().optional(),
});
export type ProvisionUserInput = z.input<typeof provisionUserInputSchema>;

/** The user object `users.provision` answers with. */
export function serializeProvisionedUser(u: User) {
  return { id: u.id, email: u.email, name: u.name, externalId: u.externalId };
}
export type ProvisionedUserObject = ReturnType<typeof serializeProvisionedUser>;

export interface ProvisionedUser {
  readonly user: ProvisionedUserObject;
  /** True when this call made the user (first sight): the moment to set up what a new user gets. */
  readonly created: boolean;
}

/**
 * How many times a provision runs its transaction: a unique index refusing the insert means
 * another app instance provisioned the same external id at the same time (Postgres makes the
 * second insert wait for the first to commit, then fail on whichever index it checks first), and
 * the next attempt finds that row. Two suffice; the third is margin.
 */
const ATTEMPTS = 3;

type Parsed = z.output<typeof provisionUserInputSchema>;

/** What to change on the user the external id names: only the fields given and different. */
function patchOf(user: User, body: Parsed): UserPatch {
  return {
    ...(user.email === body.email ? {} : { email: body.email }),
    ...(body.name === undefined || body.name === user.name ? {} : { name: body.name }),
  };
}

/** Bring `user` (the one the external id names) up to date: nothing written when nothing changed. */
async function upToDate(ctx: EngineContext, tx: StorageTx, user: User, body: Parsed): Promise<ProvisionedUser> {
  const patch = patchOf(user, body);
  if (Object.keys(patch).length === 0) return { user: serializeProvisionedUser(user), created: false };
  if (patch.email !== undefined) {
    // Checked first for a clear answer; the unique index still decides a concurrent race.
    const holder = await tx.users.getUserByEmail(patch.email);
    if (holder && holder.id !== user.id) throw conflict.emailInUse();
  }
  return { user: serializeProvisionedUser(await tx.users.updateUser(user.id, patch, ctx.clock.now())), created: false };
}

/** One attempt, in one transaction: find by external id, then create or bring up to date. */
async function provisionOnce(ctx: EngineContext, tx: StorageTx, body: Parsed): Promise<ProvisionedUser> {
  const existing = await tx.users.getUserByExternalId(body.externalId);
  if (existing) return upToDate(ctx, tx, existing, body);
  const holder = await tx.users.getUserByEmail(body.email);
  // Each read sees what was committed when it ran (Postgres READ COMMITTED): a concurrent provision
  // of this same external id may have committed between the two. Its row is ours.
  if (holder && holder.externalId === body.externalId) return upToDate(ctx, tx, holder, body);
  if (holder) throw conflict.emailInUse();
  const created = await tx.users.createUser({ email: body.email, name: body.name ?? null, externalId: body.externalId, now: ctx.clock.now() });
  return { user: serializeProvisionedUser(created), created: true };
}

/**
 * `users.*`: the host's own users in cloudlink (docs/access.md#provisioning-users). A back-end call
 * of the host (no actor, no access checks, like `credentials.forHost`), not a route: the host has
 * authenticated the person itself and vouches for the id and the email it passes.
 */
export function createUserServices(ctx: EngineContext) {
  return {
    /**
     * Create the user the host's `externalId` names on first sight, or bring its email and name up
     * to date; idempotent, and race-safe across app instances sharing one database (one row per
     * external id, whoever wins). An email another user has is 409 `Email already in use`: users
     * are never merged and an email never moves. Not in the audit log, which is per workspace.
     */
    async provision(input: ProvisionUserInput): Promise<ProvisionedUser> {
      const body = parseInput(provisionUserInputSchema, input);
      for (let attempt = 1; ; attempt++) {
        try {
          return await ctx.storage.transaction((tx) => provisionOnce(ctx, tx, body));
        } catch (e) {
          const raced = isStorageConflict(e, 'users.external_id') || isStorageConflict(e, 'users.email');
          if (!raced) throw e;
          if (attempt >= ATTEMPTS) throw isStorageConflict(e, 'users.email') ? conflict.emailInUse() : e;
        }
      }
    },
  };
}
