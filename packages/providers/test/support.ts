import { isProviderCallError } from '@cloudlink/engine';
import type { ProviderCallError, RecordChange, RecordSet } from '@cloudlink/engine';

/** The ProviderCallError `promise` rejects with; any other outcome fails the test. */
export async function failure(promise: Promise<unknown>): Promise<ProviderCallError> {
  const e = await promise.then(
    () => {
      throw new Error('expected a ProviderCallError, but the call succeeded');
    },
    (err: unknown) => err,
  );
  if (!isProviderCallError(e)) throw e;
  return e;
}

/** Every record set an async listing yields, in order. */
export async function collect(iterable: AsyncIterable<RecordSet>): Promise<RecordSet[]> {
  const out: RecordSet[] = [];
  for await (const set of iterable) out.push(set);
  return out;
}

/** A distinct single-value A record set per `i` (host-<i>.myapp.com.). */
export const aSet = (i: number): RecordSet => ({ name: `host-${i}.myapp.com.`, type: 'A', ttl: 300, values: [`10.0.${Math.floor(i / 256)}.${i % 256}`] });
export const upsert = (recordSet: RecordSet): RecordChange => ({ action: 'UPSERT', recordSet });
/** `n` UPSERTs of `aSet(0..n-1)`. */
export const upserts = (n: number): RecordChange[] => Array.from({ length: n }, (_, i) => upsert(aSet(i)));
