import { z } from 'zod';
import { ROLE_CODES } from '../domain/permissions.js';
import { dataEnvelope, idSchema, isoDateSchema, listEnvelope, messageOnlySchema, messageSchema, named } from './common.js';

/** Workspaces, projects, environments and members (docs/access.md). */

export const workspaceSchema = named(
  'Workspace',
  z.strictObject({
    id: idSchema,
    name: z.string(),
    slug: z.string(),
    description: z.string().nullable(),
    profileImage: z.null().describe('Always null for now'),
    planId: idSchema,
    isActive: z.boolean(),
    createdAt: isoDateSchema,
    updatedAt: isoDateSchema,
  }),
);
export type WorkspaceObject = z.output<typeof workspaceSchema>;

/** A plan's limits: `-1` is unlimited (docs/access.md#plan-limits); a host's own plan may add keys. */
export const planRestrictionsSchema = named(
  'PlanRestrictions',
  z.looseObject({
    max_projects: z.int(),
    max_environments_per_project: z.int(),
    max_resources: z.int(),
    max_resources_per_project: z.int(),
    max_cloud_connections: z.int(),
    max_workspace_members: z.int(),
    features_disabled: z.array(z.string()),
  }),
);

const roleSchema = z.enum(ROLE_CODES);

/** `workspaces.get`: the workspace with the caller's role and its plan. */
export const workspaceDetailSchema = named(
  'WorkspaceDetail',
  workspaceSchema.extend({
    userRole: roleSchema,
    plan: z.strictObject({ id: idSchema, slug: z.string(), name: z.string(), restrictions: planRestrictionsSchema }).nullable(),
  }),
);

/** One line of `workspaces.usage`: `limit` null and `unlimited` true for a `-1` limit. */
export const usageLineSchema = named(
  'UsageLine',
  z.strictObject({ current: z.int().nonnegative(), limit: z.int().nullable(), percentage: z.number().min(0).max(100), unlimited: z.boolean() }),
);
export type UsageLine = z.output<typeof usageLineSchema>;

export const workspaceUsageResponseSchema = z.strictObject({
  message: messageSchema,
  workspace: z.strictObject({ id: idSchema, slug: z.string(), name: z.string() }),
  plan: z.strictObject({ id: idSchema, slug: z.string(), name: z.string() }).nullable(),
  usage: z.strictObject({ projects: usageLineSchema, environments: usageLineSchema, resources: usageLineSchema, cloudConnections: usageLineSchema }),
});

/** A project's linked connection; `roleArn` only for AWS. */
export const connectedCloudSchema = named(
  'ConnectedCloud',
  z.strictObject({
    id: idSchema,
    cloudType: z.enum(['AWS', 'GCP', 'AZURE']),
    accountId: z.string().nullable(),
    accountName: z.string().nullable(),
    roleArn: z.string().nullable(),
  }),
);
export type ConnectedCloudObject = z.output<typeof connectedCloudSchema>;

export const projectSchema = named(
  'Project',
  z.strictObject({
    id: idSchema,
    userId: idSchema,
    workspaceId: idSchema,
    workspaceSlug: z.string(),
    name: z.string(),
    slug: z.string(),
    description: z.string().nullable(),
    isDefault: z.boolean(),
    isActive: z.boolean(),
    connectedCloudId: idSchema.nullable(),
    connectedCloud: connectedCloudSchema.nullable(),
    createdAt: isoDateSchema,
    updatedAt: isoDateSchema,
  }),
);
export type ProjectObject = z.output<typeof projectSchema>;

export const environmentSchema = named(
  'Environment',
  z.strictObject({
    id: idSchema,
    projectId: idSchema,
    name: z.string(),
    slug: z.string(),
    description: z.string().nullable(),
    isDefault: z.boolean(),
    isActive: z.boolean(),
    createdAt: isoDateSchema,
    updatedAt: isoDateSchema,
  }),
);
export type EnvironmentObject = z.output<typeof environmentSchema>;

/** `projectPermissions`: `"*"`, `null` (all) or `"<project>/<env>"` / `"<project>/*"` entries (docs/access.md). */
export const memberPermissionsSchema = named(
  'MemberPermissions',
  z.looseObject({ projectPermissions: z.union([z.literal('*'), z.array(z.string()), z.null()]) }),
);

export const memberSchema = named(
  'Member',
  z.strictObject({
    id: idSchema,
    workspaceId: idSchema,
    userId: idSchema,
    role: roleSchema,
    permissions: memberPermissionsSchema.nullable(),
    isActive: z.boolean(),
    joinedAt: isoDateSchema,
    updatedAt: isoDateSchema,
    user: z.strictObject({ id: idSchema, name: z.string().nullable(), email: z.string(), profileImage: z.null() }),
  }),
);
export type MemberObject = z.output<typeof memberSchema>;

export const ADMIN_RESPONSES = {
  'workspaces.create': dataEnvelope(workspaceSchema),
  'workspaces.get': dataEnvelope(workspaceDetailSchema),
  'workspaces.usage': workspaceUsageResponseSchema,
  'projects.create': dataEnvelope(projectSchema),
  'projects.get': dataEnvelope(projectSchema),
  'projects.connectCloud': dataEnvelope(projectSchema),
  'projects.disconnectCloud': dataEnvelope(projectSchema),
  'environments.create': dataEnvelope(environmentSchema),
  'environments.list': listEnvelope(environmentSchema),
  'members.list': listEnvelope(memberSchema),
  'members.add': dataEnvelope(memberSchema),
  'members.updateRole': dataEnvelope(memberSchema),
  'members.remove': messageOnlySchema,
} as const;
