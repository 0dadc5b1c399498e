import { createEngine, type Engine } from '../../src/index.js';
import type { UserIdActor as Actor } from '../../src/ports/runtime.js';
import type { AwsConnector, AzureConnector, GcpConnector } from '../../src/ports/cloud.js';

const optional = <K extends string, V>(key: K, value: V | null): Partial<Record<K, V>> => (value === null ? {} : ({ [key]: value } as Record<K, V>));
import {
  createFakeClock,
  createMemoryStorage,
  createMemoryAwsConnector,
  createMemoryAzureConnector,
  createMemoryGcpConnector,
  createSeededRandom,
  createTestSecretBox,
  type FakeClock,
  type MemoryStorage,
} from '../../src/testing/index.js';

export const PUBLIC_URL = 'https://cloudlink.example.com';

export interface TestEngine {
  readonly engine: Engine;
  readonly storage: MemoryStorage;
  readonly clock: FakeClock;
  readonly aws: ReturnType<typeof createMemoryAwsConnector>;
  readonly gcp: ReturnType<typeof createMemoryGcpConnector>;
  readonly azure: ReturnType<typeof createMemoryAzureConnector>;
  /** A new user; returns its actor. */
  user(email: string): Promise<Actor>;
  /** A user owning a new workspace (plan given, default free) with one project; returns slugs. */
  workspace(email: string, name: string, plan?: 'free' | 'starter' | 'pro' | 'ultimate'): Promise<{ actor: Actor; workspaceSlug: string; workspaceId: number }>;
}

/** An engine over memory storage, a fake clock, seeded randomness and the memory connectors. */
export interface TestEngineOptions {
  /** The configured platform account; `null` = not configured (discovered through the connector). */
  readonly awsAccountId?: string | null;
  /** Replace or wrap the memory connectors (e.g. to simulate a mismatch); `null` = not configured. */
  readonly wrap?: {
    aws?: (c: AwsConnector) => AwsConnector | null;
    gcp?: (c: GcpConnector) => GcpConnector | null;
    azure?: (c: AzureConnector) => AzureConnector | null;
  };
  readonly azure?: { callbackRetryMs?: number; callbackRetryIntervalMs?: number; tokenTtlSeconds?: number };
}

export async function createTestEngine(options: TestEngineOptions = {}): Promise<TestEngine> {
  const storage = createMemoryStorage({ migrated: true });
  const clock = createFakeClock();
  const aws = createMemoryAwsConnector({ platformAccountId: '999999999999', now: () => clock.now() });
  let engineRef: Engine | null = null;
  const gcp = createMemoryGcpConnector({ issuer: `${PUBLIC_URL}/api`, jwks: () => engineRef!.publicAssets.jwks(), now: () => clock.now() });
  const azure = createMemoryAzureConnector();
  const engine = createEngine({
    storage,
    secrets: createTestSecretBox(),
    publicUrl: PUBLIC_URL,
    clock,
    random: createSeededRandom(7),
    providers: {
      ...optional('aws', options.wrap?.aws ? options.wrap.aws(aws) : aws),
      ...optional('gcp', options.wrap?.gcp ? options.wrap.gcp(gcp) : gcp),
      ...optional('azure', options.wrap?.azure ? options.wrap.azure(azure) : azure),
    },
    ...(options.azure ? { azure: options.azure } : {}),
    ...(options.awsAccountId === null ? {} : { aws: { accountId: options.awsAccountId ?? '999999999999' } }),
  });
  engineRef = engine;
  const user = async (email: string): Promise<Actor> => {
    const u = await storage.users.createUser({ email, name: email.split('@')[0] ?? null, now: clock.now() });
    return { userId: u.id, email: u.email };
  };
  return {
    engine,
    storage,
    clock,
    aws,
    gcp,
    azure,
    user,
    async workspace(email, name, plan) {
      const actor = await user(email);
      const created = await engine.workspaces.create(actor, { name });
      if (plan && plan !== 'free') {
        const p = await storage.plans.getPlanBySlug(plan);
        await storage.workspaces.setWorkspacePlan({ workspaceId: created.data.id, planId: p!.id, now: clock.now() });
      }
      return { actor, workspaceSlug: created.data.slug, workspaceId: created.data.id };
    },
  };
}

/** The rejection of `promise` as a documented error body plus code, for `toMatchObject`. */
export async function failure(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (e) {
    const err = e as { code?: string; toBody?: () => Record<string, unknown>; retryAfter?: number };
    if (typeof err.toBody !== 'function') throw e;
    return { code: err.code, retryAfter: err.retryAfter, ...err.toBody() };
  }
  throw new Error('expected a rejection');
}
