import type { Storage } from '../../examples/standalone-server/bench/deps.js';

/** What the read benchmarks request: the seeded slugs and how many rows each list returns. */
export interface ReadFixture {
  readonly userId: number;
  readonly workspaceSlug: string;
  readonly projectSlug: string;
  readonly environmentSlug: string;
  readonly connections: number;
  readonly zones: number;
}

const STATUSES = ['connected', 'pending', 'failed', 'disconnected'] as const;

/**
 * Seeds one database through the storage port (the same rows whichever storage): a user, a
 * workspace with its project and environment, `connections` cloud connections across the four
 * statuses and `zones` DNS zones. A second workspace with its own rows makes sure every query
 * filters rather than reading the whole table.
 */
export async function seedReadFixture(
  storage: Storage,
  seed: (input: { workspace: string; project: string; environment: string; email: string; role: 'owner' }) => Promise<{ user: { id: number } }>,
  opts: { connections?: number; zones?: number } = {},
): Promise<ReadFixture> {
  const connections = opts.connections ?? 18;
  const zones = opts.zones ?? 18;
  const now = new Date('2026-01-01T00:00:00Z');
  let userId = 0;
  for (const [slug, email] of [['other', 'other@example.com'], ['acme', 'bench@example.com']] as const) {
    const { user } = await seed({ workspace: slug, project: `${slug}-shop`, environment: 'prod', email, role: 'owner' });
    userId = user.id;
    const workspace = (await storage.workspaces.getWorkspaceBySlug(slug))!;
    const project = (await storage.projects.getProjectBySlug(`${slug}-shop`))!;
    const environment = (await storage.environments.getEnvironmentBySlug(project.id, 'prod'))!;
    for (let i = 0; i < connections; i++) {
      const provider = (['aws', 'gcp', 'azure'] as const)[i % 3]!;
      const c = await storage.connections.createConnection({
        workspaceId: workspace.id, provider, createdBy: user.id, region: 'us-east-1',
        accountName: `${provider}-account-${i}`, externalId: `ext-${slug}-${i}`, stackName: `stack-${i}`, now,
      });
      const status = STATUSES[i % STATUSES.length]!;
      if (status !== 'pending') {
        await storage.connections.updateConnection(c.id, {
          status,
          accountId: String(100000000000 + i),
          ...(status === 'connected' ? { connectedAt: now, lastVerifiedAt: now } : {}),
          ...(status === 'failed' ? { failureReason: 'AssumeRole refused: AccessDenied' } : {}),
        }, now);
      }
    }
    for (let i = 0; i < zones; i++) {
      await storage.resources.createResource({
        workspaceId: workspace.id, projectId: project.id, environmentId: environment.id, cloudConnectionId: null,
        resourceType: 'dns', resourceId: `Z${String(i).padStart(12, '0')}`, name: `zone${i}.example.com`, region: null,
        status: 'active', domainName: `zone${i}.example.com`,
        metadata: {
          provider: 'route53', domainName: `zone${i}.example.com`, hostedZoneId: `Z${String(i).padStart(12, '0')}`,
          nameServers: ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.co.uk'], comment: null, dns_active: true, adopted: false,
        },
        secretData: null, positionX: null, positionY: null, createdBy: user.id, now,
      });
    }
  }
  return { userId, workspaceSlug: 'acme', projectSlug: 'acme-shop', environmentSlug: 'prod', connections, zones };
}
