import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, isEngineError, type Engine } from '@cloudlink/engine';
import { createTestSecretBox } from '@cloudlink/engine/testing';
import { createSandboxProviders, type FakeRoute53 } from '@cloudlink/sandbox';
import { createPostgresStorage, type PostgresStorage } from '@cloudlink/storage-postgres';
import { createTestDatabase, type TestDatabase } from '../test-support/postgres.js';

/**
 * Two app instances (two engines, two connection pools) on one Postgres database (docs/dns-crash-safety.md): writes to one zone are serialised by the advisory zone lock across instances, and two
 * instances creating the same zone at once leave exactly one zone behind.
 */
describe('DNS across two instances on Postgres', () => {
  let db: TestDatabase;
  let storages: PostgresStorage[];
  let engines: Engine[];
  let route53: FakeRoute53;
  const env = { projectSlug: 'shop', environmentSlug: 'master' };
  let actor: { userId: number };

  beforeAll(async () => {
    db = await createTestDatabase('cloudlink_dns_concurrency');
    storages = [createPostgresStorage({ connectionString: db.url, max: 4 }), createPostgresStorage({ connectionString: db.url, max: 4 })];
    await storages[0]?.migrate();
    // One sandbox cloud for both instances, as two replicas share the real one.
    const sandbox = createSandboxProviders();
    route53 = sandbox.fakes.route53;
    const providers = { aws: sandbox.providers.aws, dns: { route53: sandbox.providers.dns.route53 } };
    engines = storages.map((storage) => createEngine({ storage, secrets: createTestSecretBox(), publicUrl: 'http://localhost:3000', providers }));
    const [a] = engines as [Engine, Engine];
    const seeded = await a.operator.seed({ workspace: 'acme', project: 'shop', environment: 'master', email: 'o@example.com', role: 'owner', plan: 'ultimate' });
    actor = { userId: seeded.user.id };
    const s = storages[0] as PostgresStorage;
    const now = new Date();
    const c = await s.connections.createConnection({ workspaceId: seeded.workspace.id, provider: 'aws', createdBy: actor.userId, region: 'us-east-1', externalId: 'f'.repeat(32), now });
    await s.connections.updateConnection(c.id, { status: 'connected', accountId: '123456789012', accountName: 'prod', roleArn: 'arn:aws:iam::123456789012:role/GatewaysAppDeployRole', connectedAt: now }, now);
    await s.projects.setProjectConnection({ projectId: seeded.project.id, connectionId: c.id, now });
  });

  afterAll(async () => {
    for (const e of engines ?? []) await e.close().catch(() => {});
    await db?.drop();
  });

  it('serialises concurrent record writes to one zone across instances', async () => {
    const [a, b] = engines as [Engine, Engine];
    const zone = await a.dns.createZone(actor, { ...env, name: 'z', domainName: 'serial.com' });
    route53.latencyMs = 15;
    try {
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 === 0 ? a : b).dns.upsertRecords(actor, { ...env, id: zone.data.id, recordName: `w${i}`, recordType: 'A', values: [`10.0.0.${i}`] }),
        ),
      );
    } finally {
      route53.latencyMs = 0;
    }
    expect(route53.maxConcurrentWrites).toBe(1);
    expect(route53.recordSets(zone.data.hostedZoneId).filter((s) => s.type === 'A')).toHaveLength(8);
    expect(await (storages[1] as PostgresStorage).dnsRecords.listRecordSets(zone.data.id)).toHaveLength(8);
  });

  it('two instances creating the same zone: one 201, one 409, one Route 53 zone left', async () => {
    const [a, b] = engines as [Engine, Engine];
    route53.latencyMs = 20;
    let results: PromiseSettledResult<unknown>[];
    try {
      results = await Promise.allSettled([a, b].map((e) => e.dns.createZone(actor, { ...env, name: 'r', domainName: 'race.com' })));
    } finally {
      route53.latencyMs = 0;
    }
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(isEngineError(lost.reason) && lost.reason.error).toBe('DNS zone already exists');
    expect(route53.snapshot().zones.filter((z) => z.name === 'race.com.')).toHaveLength(1);
  });
});
