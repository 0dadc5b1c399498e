import type { UniqueConstraint } from '@cloudlink/engine';

/**
 * Unique index name → the constraint name the engine understands. Index names are what Postgres
 * reports (`23505`, `constraint`); SQLite reports the indexed columns instead, so each entry also
 * lists them (`UNIQUE constraint failed: t.a, t.b`).
 */
export const UNIQUE_INDEXES: readonly { index: string; columns: string; constraint: UniqueConstraint }[] = [
  { index: 'ux_users_email', columns: 'users.email', constraint: 'users.email' },
  { index: 'ux_users_external_id', columns: 'users.external_id', constraint: 'users.external_id' },
  { index: 'ux_workspaces_slug', columns: 'workspaces.slug', constraint: 'workspaces.slug' },
  { index: 'ux_workspace_members_user', columns: 'workspace_members.workspace_id, workspace_members.user_id', constraint: 'workspace_members' },
  { index: 'ux_projects_slug', columns: 'projects.slug', constraint: 'projects.slug' },
  { index: 'ux_environments_slug', columns: 'environments.project_id, environments.slug', constraint: 'environments.slug' },
  {
    index: 'ux_cloud_connections_account_name',
    columns: 'cloud_connections.workspace_id, cloud_connections.account_name',
    constraint: 'cloud_connections.account_name',
  },
  {
    index: 'ux_cloud_connections_setup_token_hash',
    columns: 'cloud_connections.setup_token_hash',
    constraint: 'cloud_connections.setup_token_hash',
  },
  { index: 'ux_resources_dns_domain', columns: 'resources.environment_id, resources.domain_name', constraint: 'resources.domain_name' },
  { index: 'ux_resources_subdomain', columns: 'resources.parent_resource_id, resources.domain_name', constraint: 'resources.subdomain' },
  { index: 'ux_resource_connections_source', columns: 'resource_connections.source_resource_id', constraint: 'resource_connections.source' },
  { index: 'ux_oidc_signing_keys_kid', columns: 'oidc_signing_keys.kid', constraint: 'oidc_signing_keys.kid' },
];

/** The engine constraint of a unique index name (Postgres `error.constraint`), or null. */
export function constraintByIndex(index: string): UniqueConstraint | null {
  return UNIQUE_INDEXES.find((u) => u.index === index)?.constraint ?? null;
}

/** The engine constraint of a SQLite column list (`t.a, t.b`), or null. */
export function constraintByColumns(columns: string): UniqueConstraint | null {
  return UNIQUE_INDEXES.find((u) => u.columns === columns)?.constraint ?? null;
}
