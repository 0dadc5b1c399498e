import { createTestDatabase } from '../../test-support/postgres.js';
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  planChangeBatches,
  Route53Client,
  type Change,
} from '../../examples/standalone-server/bench/dns-deps.js';
import { startDnsFakes, startDnsStack, type DnsFakes, type DnsStack, type StackDatabase } from './dns-stack.js';
import type { BenchRow } from './measure.js';

/** Record sets written per run. */
const SETS = 1000;
/** The documented cap of one records request (docs/records.md): 1 000 sets go out as one request. */
const MAX_BATCH = 10_000;

/** `SETS` single-value A record sets of `zone`; `round` changes the values, so a second pass really updates. */
function items(zone: string, round: number) {
  return Array.from({ length: SETS }, (_, i) => ({
    recordName: `host-${i}.${zone}`,
    recordType: 'A',
    values: [`10.${round}.${(i >> 8) & 255}.${i & 255}`],
    ttl: 300,
  }));
}

/** The same sets as Route 53 changes, as the provider sends them (absolute names). */
function changes(zone: string, round: number): Change[] {
  return items(zone, round).map((s) => ({
    Action: 'UPSERT',
    ResourceRecordSet: { Name: `${s.recordName}.`, Type: 'A', TTL: s.ttl, ResourceRecords: s.values.map((Value) => ({ Value })) },
  }));
}

/** How the provider batches `n` single-value UPSERTs (the planner cloudlink uses), as [start, end) runs. */
function plannedBatches(zone: string, round: number): { start: number; end: number }[] {
  return planChangeBatches(
    items(zone, round).map((s) => ({ action: 'UPSERT' as const, recordSet: { name: `${s.recordName}.`, type: 'A', ttl: s.ttl, values: s.values } })),
  );
}

interface Run {
  readonly ms: number;
  /** Route 53 calls the fake received, per operation. */
  readonly calls: Record<string, number>;
}

async function counted(fakes: DnsFakes, fn: () => Promise<void>): Promise<Run> {
  const before = { ...fakes.r53.counts };
  const start = performance.now();
  await fn();
  const ms = performance.now() - start;
  const calls: Record<string, number> = {};
  for (const [op, n] of Object.entries(fakes.r53.counts)) if (n - before[op as keyof typeof before] > 0) calls[op] = n - before[op as keyof typeof before];
  return { ms, calls };
}

const total = (r: Run) => Object.values(r.calls).reduce((a, b) => a + b, 0);
const callNote = (r: Run) =>
  Object.entries(r.calls)
    .map(([op, n]) => `${n} ${op}`)
    .join(' + ');

/** The floor: the same ChangeResourceRecordSets calls (same batches) sent with the AWS SDK to a fresh zone of the same fake. */
async function sdkFloor(fakes: DnsFakes, client: Route53Client, zone: string, batches: readonly { start: number; end: number }[]): Promise<Run> {
  const created = await client.send(new CreateHostedZoneCommand({ Name: zone, CallerReference: `bench-${zone}-${Date.now()}` }));
  const id = created.HostedZone!.Id!.replace('/hostedzone/', '');
  const all = changes(zone, 1);
  return counted(fakes, async () => {
    for (const b of batches) await client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: id, ChangeBatch: { Changes: all.slice(b.start, b.end) } }));
  });
}

async function runStack(fakes: DnsFakes, client: Route53Client, database: StackDatabase, label: string, tag: string): Promise<BenchRow[]> {
  const stack: DnsStack = await startDnsStack({ stsUrl: fakes.sts.url, route53Url: fakes.r53.url }, database);
  try {
    const rows: BenchRow[] = [];
    const row = (what: string, run: Run, floor: Run) => {
      rows.push({
        name: `DNS UPSERT ${SETS} sets, ${what} (${label})`,
        unit: 'ms',
        value: run.ms,
        baselineName: `SDK, same ${total(floor)} change calls`,
        baseline: floor.ms,
        better: 'lower',
        note: `${Math.round((SETS * 1000) / run.ms)} sets/s; fake got ${total(run)} calls: ${callNote(run)}`,
      });
      rows.push({
        name: `DNS UPSERT ${SETS} sets, ${what}: Route 53 calls (${label})`,
        unit: 'calls',
        value: total(run),
        baselineName: 'SDK floor',
        baseline: total(floor),
        better: 'lower',
      });
    };
    // Whole batches: one request (the cap is 10 000 sets), new sets, then the same sets with new values.
    const batched = await stack.createZone(`batch-${tag}.example.com`);
    const batchZone = `batch-${tag}.example.com`;
    // Warm-up: the first call assumes the role (STS) and opens connections; it is not measured.
    await stack.rest('POST', `${stack.base}/dns/${batched.id}/records`, { recordName: 'warm', recordType: 'TXT', values: ['warm'] });
    const batches = plannedBatches(batchZone, 0);
    for (const round of [0, 1]) {
      const sets = items(batchZone, round);
      const run = await counted(fakes, async () => {
        for (let i = 0; i < sets.length; i += MAX_BATCH) await stack.rest('POST', `${stack.base}/dns/${batched.id}/records`, { records: sets.slice(i, i + MAX_BATCH) });
      });
      const floor = await sdkFloor(fakes, client, `floor-b${round}-${tag}.example.com`, batches);
      row(`1 request (${round === 0 ? 'new sets' : 'updating them'})`, run, floor);
    }
    // One request per set, as a client writing records one at a time does.
    const single = await stack.createZone(`single-${tag}.example.com`);
    const singleZone = `single-${tag}.example.com`;
    await stack.rest('POST', `${stack.base}/dns/${single.id}/records`, { recordName: 'warm', recordType: 'TXT', values: ['warm'] });
    const sets = items(singleZone, 0);
    const run = await counted(fakes, async () => {
      for (const s of sets) await stack.rest('POST', `${stack.base}/dns/${single.id}/records`, s);
    });
    const floor = await sdkFloor(
      fakes,
      client,
      `floor-s-${tag}.example.com`,
      sets.map((_, i) => ({ start: i, end: i + 1 })),
    );
    row(`${SETS} requests of 1 (new sets)`, run, floor);
    return rows;
  } finally {
    await stack.close();
  }
}

/**
 * The write path: 1 000 record-set UPSERTs on a Route 53 zone over REST, through the whole server
 * stack and the real Route 53 provider talking HTTP to the fake, on SQLite and on Postgres. Each
 * run is beside the floor: the same ChangeResourceRecordSets batches sent directly with the AWS SDK
 * to the same fake. Provider calls are counted at the fake.
 */
export async function benchDnsWrites(): Promise<BenchRow[]> {
  const fakes = await startDnsFakes();
  const client = new Route53Client({
    region: 'us-east-1',
    endpoint: fakes.r53.url,
    credentials: { accessKeyId: 'AKIDBENCHFLOOR', secretAccessKey: 'floor-secret' },
    maxAttempts: 1,
  });
  const db = await createTestDatabase('cloudlink_bench');
  try {
    return [...(await runStack(fakes, client, { kind: 'sqlite' }, 'SQLite', 's')), ...(await runStack(fakes, client, { kind: 'postgres', url: db.url }, 'Postgres', 'p'))];
  } finally {
    client.destroy();
    await db.drop();
    await fakes.close();
  }
}
