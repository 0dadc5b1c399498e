import { z } from 'zod';
import { ROLE_CODES } from '../domain/permissions.js';
import { PLAN_SLUGS } from '../domain/plans.js';
import type { listPageQuerySchema } from '../pagination/index.js';
import { FIELD_CAPS, lengthCap } from '../validation/caps.js';

/**
 * Body schemas of the admin routes, carrying the documented problems as their messages.
 * Inputs are path params + query + body merged; unknown keys are ignored.
 */

const requiredString = (what = 'a string') =>
  z.string({ error: (issue) => (issue.input === undefined ? 'required' : `must be ${what}`) });

/** `name`: trimmed, 1–100 characters. */
export const nameSchema = requiredString().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

/** `description`: at most 350 characters, `null` allowed. */
export const descriptionSchema = z
  .string({ error: 'must be a string' })
  .max(350, 'must be at most 350 characters')
  .nullable()
  .optional();

export const roleSchema = z.enum(ROLE_CODES, { error: `must be one of ${ROLE_CODES.join(', ')}` });

export const createWorkspaceBodySchema = z.object({ name: nameSchema, description: descriptionSchema });
export const createProjectBodySchema = z.object({ name: nameSchema, description: descriptionSchema });
export const createEnvironmentBodySchema = z.object({ name: nameSchema, description: descriptionSchema });

/** Capped before the email pattern runs (a pipe only runs when the length check passed). */
export const emailSchema = requiredString().trim().toLowerCase().max(...lengthCap(FIELD_CAPS.email)).pipe(z.email({ error: 'must be an email address' }));

export const addMemberBodySchema = z.object({
  email: emailSchema,
  role: roleSchema.optional().default('member'),
});
export const updateMemberRoleBodySchema = z.object({
  role: z.enum(ROLE_CODES, { error: (issue) => (issue.input === undefined ? 'required' : `must be one of ${ROLE_CODES.join(', ')}`) }),
});

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const slugField = requiredString().max(...lengthCap(FIELD_CAPS.slug)).regex(SLUG, 'must be a slug (lower-case letters, digits and single hyphens)');

/** `cloudlink seed` options. */
export const seedInputSchema = z.object({
  workspace: slugField,
  project: slugField,
  environment: slugField,
  email: emailSchema,
  role: z.enum(ROLE_CODES, { error: `must be one of ${ROLE_CODES.join(', ')}` }),
  plan: z.enum(PLAN_SLUGS, { error: `must be one of ${PLAN_SLUGS.join(', ')}` }).optional(),
});

export type CreateWorkspaceBody = z.input<typeof createWorkspaceBodySchema>;
export type CreateProjectBody = z.input<typeof createProjectBodySchema>;
export type CreateEnvironmentBody = z.input<typeof createEnvironmentBodySchema>;
export type AddMemberBody = z.input<typeof addMemberBodySchema>;
export type UpdateMemberRoleBody = z.input<typeof updateMemberRoleBodySchema>;
export type SeedInput = z.input<typeof seedInputSchema>;
/** `limit` and `cursor` of a list without other query parameters. */
export type ListPageQuery = z.input<typeof listPageQuerySchema>;
