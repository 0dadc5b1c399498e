import { createEngine, type Engine } from '../../engine.js';
import type { PlanSlug } from '../../domain/plans.js';
import type { Storage } from '../../ports/storage.js';
import type { PlanLimits } from '../../ports/access.js';
import type { UserIdActor as Actor } from '../../ports/runtime.js';
import { createMemoryAwsConnector, type MemoryAwsConnector } from '../cloud/index.js';
import { createFakeClock, createMemoryStorage, createSeededRandom, createTestSecretBox, type FakeClock } from '../storage/index.js';
import { createMemoryDnsProvider, type MemoryDnsProvider } from './memory-dns-provider.js';
import { createMemoryResolver, type MemoryResolver } from './memory-resolver.js';

/**
 * An engine wired to the memory DNS providers (one as Route 53, one as Cloudflare) with one seeded workspace/project/environment, for the DNS
 * service tests. Not exported from `@cloudlink/engine/testing`: test support only.
 */
export interface DnsTestbed {
  readonly engine: Engine;
  readonly storage: Storage;
  readonly clock: FakeClock;
  readonly route53: MemoryDnsProvider;
  readonly cloudflare: MemoryDnsProvider;
  readonly resolver: MemoryResolver;
  readonly aws: MemoryAwsConnector;
  readonly owner: Actor;
  readonly workspace: { id: number; slug: string };
  readonly project: { id: number; slug: string };
  readonly env: { projectSlug: string; environmentSlug: string };
  /** Link the project to a new connected AWS connection; returns its id. */
  linkAws(options?: { status?: 'connected' | 'pending' | 'failed'; provider?: 'aws' | 'gcp' }): Promise<number>;
  /** Add a user with `role` to the workspace. */
  addUser(email: string, role: 'admin' | 'dev' | 'viewer' | 'billing' | 'member'): Promise<Actor>;
}

/** The Cloudflare token the testbed's Cloudflare refuses as `unauthorized`. */
export const INVALID_CLOUDFLARE_TOKEN = 'invalid';

export interface DnsTestbedOptions {
  readonly plan?: PlanSlug;
  readonly storage?: Storage;
  readonly zoneLockTimeoutMs?: number;
  /** Plan limits to use instead of the plans table. */
  readonly limits?: PlanLimits;
  /** The safety threshold of record writes (engine defaults otherwise). */
  readonly safety?: { thresholdPercent?: number; minExistingRecordSets?: number };
}

export async function createDnsTestbed(options: DnsTestbedOptions = {}): Promise<DnsTestbed> {
  const storage = options.storage ?? createMemoryStorage({ migrated: true });
  const clock = createFakeClock();
  const route53 = createMemoryDnsProvider({ id: 'route53' });
  // Cloudflare imports zones that exist; here every domain has one but those under `.invalid`.
  const cloudflare = createMemoryDnsProvider({ id: 'cloudflare', importable: (domain) => !domain.endsWith('.invalid') });
  cloudflare.revokeCredentials({ provider: 'cloudflare', apiToken: INVALID_CLOUDFLARE_TOKEN });
  const resolver = createMemoryResolver([route53, cloudflare]);
  const aws = createMemoryAwsConnector({ now: () => clock.now() });
  const engine = createEngine({
    storage,
    secrets: createTestSecretBox(),
    publicUrl: 'http://localhost:3000',
    clock,
    random: createSeededRandom(7),
    providers: { aws, dns: { route53, cloudflare }, resolver },
    dns: { zoneLockTimeoutMs: options.zoneLockTimeoutMs ?? 30_000, ...(options.safety ? { safety: options.safety } : {}) },
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const seeded = await engine.operator.seed({
    workspace: 'acme',
    project: 'shop',
    environment: 'master',
    email: 'owner@example.com',
    role: 'owner',
    plan: options.plan ?? 'ultimate',
  });
  const owner = { userId: seeded.user.id };
  let accounts = 0;
  return {
    engine,
    storage,
    clock,
    route53,
    cloudflare,
    resolver,
    aws,
    owner,
    workspace: { id: seeded.workspace.id, slug: seeded.workspace.slug },
    project: { id: seeded.project.id, slug: seeded.project.slug },
    env: { projectSlug: 'shop', environmentSlug: 'master' },
    async linkAws(o = {}) {
      const now = clock.now();
      const provider = o.provider ?? 'aws';
      const c = await storage.connections.createConnection({
        workspaceId: seeded.workspace.id,
        provider,
        createdBy: owner.userId,
        region: 'us-east-1',
        externalId: 'a'.repeat(32),
        now,
      });
      const accountId = String(123456789000 + ++accounts);
      await storage.connections.updateConnection(
        c.id,
        { status: o.status ?? 'connected', accountId, accountName: `acct-${accounts}`, roleArn: `arn:aws:iam::${accountId}:role/GatewaysAppDeployRole`, connectedAt: now },
        now,
      );
      await storage.projects.setProjectConnection({ projectId: seeded.project.id, connectionId: c.id, now });
      return c.id;
    },
    async addUser(email, role) {
      const user = await storage.users.createUser({ email, name: null, now: clock.now() });
      await storage.members.addMember({ workspaceId: seeded.workspace.id, userId: user.id, role, permissions: { projectPermissions: '*' }, now: clock.now() });
      return { userId: user.id };
    },
  };
}

