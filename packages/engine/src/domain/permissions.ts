/** The stored permission flags of a role (see docs/access.md). */
export const PERMISSION_FLAGS = [
  'canManageWorkspace',
  'canManageMembers',
  'canManageBilling',
  'canManageProjects',
  'canManageEnvironments',
  'canViewResources',
  'canCreateResources',
  'canUpdateResources',
  'canDeleteResources',
  'canViewActivities',
  'canManageSettings',
  /** Register, update and remove the host's own resources (see docs/resources.md). */
  'canRegisterResources',
  /** Obtain short-lived cloud credentials of a connection through the opt-in tRPC procedure (see docs/credentials.md). */
  'canIssueCredentials',
  /** Read the workspace's audit log (see docs/audit.md). */
  'canViewAuditLog',
] as const;
export type PermissionFlag = (typeof PERMISSION_FLAGS)[number];

/** A route's permission: a stored flag, or `canManageResources` (create && update && delete). */
export type Permission = PermissionFlag | 'canManageResources';

export type PermissionSet = Readonly<Record<PermissionFlag, boolean>>;

export const ROLE_CODES = ['owner', 'admin', 'dev', 'billing', 'viewer', 'member'] as const;
export type RoleCode = (typeof ROLE_CODES)[number];

function flags(on: readonly PermissionFlag[]): PermissionSet {
  return Object.fromEntries(PERMISSION_FLAGS.map((f) => [f, on.includes(f)])) as PermissionSet;
}

const VIEW: PermissionFlag[] = ['canViewResources', 'canViewActivities'];
const BUILD: PermissionFlag[] = [
  'canManageProjects',
  'canManageEnvironments',
  'canCreateResources',
  'canUpdateResources',
  'canDeleteResources',
];

/** The six system roles, seeded into `roles` (see docs/access.md). `member` equals `viewer`. */
export const SYSTEM_ROLES: readonly {
  readonly id: number;
  readonly code: RoleCode;
  readonly name: string;
  readonly description: string;
  readonly permissions: PermissionSet;
}[] = [
  { id: 1, code: 'owner', name: 'Owner', description: 'Full control of the workspace', permissions: flags([...PERMISSION_FLAGS]) },
  {
    id: 2,
    code: 'admin',
    name: 'Admin',
    description: 'Manages members, billing, projects and resources',
    permissions: flags(['canManageMembers', 'canManageBilling', ...BUILD, ...VIEW, 'canManageSettings', 'canRegisterResources', 'canIssueCredentials', 'canViewAuditLog']),
  },
  { id: 3, code: 'dev', name: 'Developer', description: 'Builds projects and resources', permissions: flags([...BUILD, ...VIEW]) },
  { id: 4, code: 'billing', name: 'Billing', description: 'Manages billing', permissions: flags(['canManageBilling', ...VIEW]) },
  { id: 5, code: 'viewer', name: 'Viewer', description: 'Read-only access', permissions: flags(VIEW) },
  { id: 6, code: 'member', name: 'Member', description: 'Legacy default, same as viewer', permissions: flags(VIEW) },
];

/** Whether a permission set grants a route permission. */
export function hasPermission(set: PermissionSet, permission: Permission): boolean {
  if (permission === 'canManageResources') {
    return set.canCreateResources && set.canUpdateResources && set.canDeleteResources;
  }
  return set[permission];
}

export function permissionsOf(role: RoleCode): PermissionSet {
  const found = SYSTEM_ROLES.find((r) => r.code === role);
  if (!found) throw new Error(`unknown role ${role}`);
  return found.permissions;
}
