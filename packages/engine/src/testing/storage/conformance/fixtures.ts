import type { CloudProviderName } from '../../../domain/plans.js';
import type {
  CloudConnection,
  ConnectionRecordSet,
  Environment,
  Project,
  Resource,
  ResourceConnection,
  ResourceConnectionStatus,
  User,
  Workspace,
} from '../../../domain/records.js';
import type { StorageTx } from '../../../ports/storage.js';
import { T0 } from './context.js';

let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}`;

/** Rows the suite needs as parents; each call makes new, unique ones. */
export function fixtures(s: StorageTx) {
  return {
    user(email = `${unique('user')}@example.com`, name: string | null = 'Test User'): Promise<User> {
      return s.users.createUser({ email, name, now: T0 });
    },
    workspace(slug = unique('ws'), planId = 1): Promise<Workspace> {
      return s.workspaces.createWorkspace({ name: `Workspace ${slug}`, slug, description: null, planId, now: T0 });
    },
    project(workspace: Workspace, user: User, slug = unique('proj')): Promise<Project> {
      return s.projects.createProject({
        workspaceId: workspace.id,
        userId: user.id,
        name: `Project ${slug}`,
        slug,
        description: null,
        isDefault: false,
        now: T0,
      });
    },
    environment(project: Project, slug = unique('env')): Promise<Environment> {
      return s.environments.createEnvironment({ projectId: project.id, name: slug, slug, description: null, isDefault: false, now: T0 });
    },
    connection(
      workspace: Workspace,
      user: User,
      extra: { provider?: CloudProviderName; accountName?: string | null; setupTokenHash?: string | null; setupTokenExpiresAt?: Date | null } = {},
    ): Promise<CloudConnection> {
      return s.connections.createConnection({
        workspaceId: workspace.id,
        provider: extra.provider ?? 'aws',
        createdBy: user.id,
        region: 'us-east-1',
        accountName: extra.accountName ?? null,
        externalId: null,
        stackName: null,
        setupTokenHash: extra.setupTokenHash ?? null,
        setupTokenExpiresAt: extra.setupTokenExpiresAt ?? null,
        now: T0,
      });
    },
    resource(
      env: { workspace: Workspace; project: Project; environment: Environment; user: User },
      extra: {
        type?: string;
        domainName?: string | null;
        parentResourceId?: number | null;
        region?: string | null;
        status?: string;
        name?: string;
        cloudConnectionId?: number | null;
      } = {},
    ): Promise<Resource> {
      const type = extra.type ?? 'dns';
      return s.resources.createResource({
        workspaceId: env.workspace.id,
        projectId: env.project.id,
        environmentId: env.environment.id,
        cloudConnectionId: extra.cloudConnectionId ?? null,
        resourceType: type,
        resourceId: null,
        name: extra.name ?? unique('res'),
        region: extra.region ?? null,
        status: extra.status ?? 'active',
        domainName: extra.domainName === undefined ? (type === 'dns' ? `${unique('zone')}.example.com` : null) : extra.domainName,
        ...(extra.parentResourceId === undefined ? {} : { parentResourceId: extra.parentResourceId }),
        metadata: {},
        secretData: null,
        positionX: null,
        positionY: null,
        createdBy: env.user.id,
        now: T0,
      });
    },
    /** A subdomain of `zone` (its FQDN under the zone's domain unless `domainName` is given). */
    subdomain(
      env: { workspace: Workspace; project: Project; environment: Environment; user: User },
      zone: Resource,
      name = unique('sub'),
      domainName = `${name}.${zone.domainName ?? 'example.com'}`,
    ): Promise<Resource> {
      return this.resource(env, { type: 'subdomain', name, domainName, parentResourceId: zone.id });
    },
    /** A `dns` resource connection from `source` to `target` writing into `zone`. */
    resourceConnection(
      env: { workspace: Workspace; project: Project; environment: Environment; user: User },
      link: { source: Resource; target: Resource; zone?: Resource | null; status?: ResourceConnectionStatus; records?: ConnectionRecordSet[] },
    ): Promise<ResourceConnection> {
      return s.resourceConnections.createResourceConnection({
        workspaceId: env.workspace.id,
        projectId: env.project.id,
        environmentId: env.environment.id,
        connectionType: 'dns',
        sourceResourceId: link.source.id,
        targetResourceId: link.target.id,
        zoneResourceId: link.zone === undefined ? link.source.parentResourceId : (link.zone?.id ?? null),
        status: link.status ?? 'active',
        records: link.records ?? [{ name: `${link.source.domainName ?? 'www.example.com'}.`, type: 'A', ttl: 300, values: ['192.0.2.10'] }],
        options: { ttl: 300 },
        createdBy: env.user.id,
        now: T0,
      });
    },
    /** A user, workspace, project and environment in one go. */
    async scope(): Promise<{ user: User; workspace: Workspace; project: Project; environment: Environment }> {
      const user = await this.user();
      const workspace = await this.workspace();
      const project = await this.project(workspace, user);
      const environment = await this.environment(project);
      return { user, workspace, project, environment };
    },
  };
}

/** A 64-hex SHA-256-like token hash, unique per call. */
export function tokenHash(): string {
  return (++counter).toString(16).padStart(64, 'a');
}
