/**
 * One measured process of scripts/bench/zone-sync.ts, forked with `--expose-gc` so its heap holds
 * nothing but what it measures: `sync` runs the server stack and syncs a zone over REST; `list`
 * reads the same zone with the AWS SDK alone (the floor). The fakes live in the parent.
 */
import v8 from 'node:v8';
import { ListResourceRecordSetsCommand, Route53Client, type ResourceRecordSet, type RRType } from '../../examples/standalone-server/bench/dns-deps.js';
import { startDnsStack } from './dns-stack.js';

export interface Measured {
  readonly ms: number;
  /** Highest sampled heap use above the heap after a full GC just before the run. */
  readonly peakBytes: number;
  /** Heap still held after the run and a full GC, above the same starting point. */
  readonly retainedBytes: number;
  readonly count: number;
}

export type ChildMessage =
  | { readonly type: 'zone'; readonly hostedZoneId: string }
  | { readonly type: 'done'; readonly first: Measured; readonly repeat: Measured };

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('zone-sync-child needs --expose-gc');
const heap = () => v8.getHeapStatistics().used_heap_size;
const fullGc = () => {
  gc();
  gc();
};

/** Run `fn` with the heap sampled every millisecond (the work awaits the fake page by page, so samples land between pages). */
async function measured(fn: () => Promise<number>): Promise<Measured> {
  fullGc();
  const base = heap();
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, heap());
  }, 1);
  const start = performance.now();
  let count: number;
  try {
    count = await fn();
  } finally {
    clearInterval(timer);
  }
  const ms = performance.now() - start;
  peak = Math.max(peak, heap());
  fullGc();
  return { ms, peakBytes: peak - base, retainedBytes: heap() - base, count };
}

const send = (m: ChildMessage) => new Promise<void>((resolve, reject) => process.send!(m, (e: Error | null) => (e ? reject(e) : resolve())));
const nextMessage = () => new Promise<unknown>((resolve) => process.once('message', resolve));

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`zone-sync-child: ${name} is not set`);
  return v;
};

async function syncMode(): Promise<void> {
  const stack = await startDnsStack({ stsUrl: env('BENCH_STS_URL'), route53Url: env('BENCH_R53_URL') });
  try {
    const zone = await stack.createZone(env('BENCH_ZONE'));
    await send({ type: 'zone', hostedZoneId: zone.hostedZoneId });
    await nextMessage(); // seeded
    // The count is read from the stored copy after the sync: what the sync wrote, outside the timed call.
    const sync = async () => {
      await stack.rest('PUT', `${stack.base}/resources/${zone.id}/sync`);
      return -1;
    };
    // First sync: the stored copy is empty. Repeat: it holds the zone and is replaced (a periodic sync).
    const stored = async () => (await stack.storage.dnsRecords.listRecordSets(zone.id)).length;
    const first = await measured(sync);
    const firstCount = await stored();
    const repeat = await measured(sync);
    await send({ type: 'done', first: { ...first, count: firstCount }, repeat: { ...repeat, count: await stored() } });
  } finally {
    await stack.close();
  }
}

async function listMode(): Promise<void> {
  const client = new Route53Client({
    region: 'us-east-1',
    endpoint: env('BENCH_R53_URL'),
    credentials: { accessKeyId: 'AKIDBENCHFLOOR', secretAccessKey: 'floor-secret' },
    maxAttempts: 1,
  });
  const HostedZoneId = env('BENCH_HOSTED_ZONE');
  // The SDK has no paginator for ListResourceRecordSets (its cursor is name + type): the loop every client writes.
  const list = async () => {
    const sets: ResourceRecordSet[] = [];
    let start: { StartRecordName?: string; StartRecordType?: RRType; StartRecordIdentifier?: string } = {};
    for (;;) {
      const page = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId, MaxItems: 300, ...start }));
      for (const rs of page.ResourceRecordSets ?? []) if (rs.Type !== 'NS' && rs.Type !== 'SOA') sets.push(rs);
      if (!page.IsTruncated || !page.NextRecordName) break;
      start = {
        StartRecordName: page.NextRecordName,
        ...(page.NextRecordType ? { StartRecordType: page.NextRecordType } : {}),
        ...(page.NextRecordIdentifier ? { StartRecordIdentifier: page.NextRecordIdentifier } : {}),
      };
    }
    return sets.length;
  };
  const first = await measured(list);
  const repeat = await measured(list);
  client.destroy();
  await send({ type: 'done', first, repeat });
}

await (process.env.BENCH_MODE === 'list' ? listMode() : syncMode());
process.disconnect();
