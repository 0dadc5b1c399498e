import { ProviderCallError } from '@cloudlink/engine';
import type { RecordChange } from '@cloudlink/engine';
import { ROUTE53_FEATURES } from './route53-records.js';

/** A run of consecutive changes, `[start, end)` in request order, that fits one ChangeResourceRecordSets call. */
export interface ChangeBatch {
  readonly start: number;
  readonly end: number;
}

/**
 * What one change counts against the batch limits: an UPSERT counts each element and character twice;
 * an alias change sends no values (see `ROUTE53_FEATURES.batchLimits.aliasElements`).
 */
export function changeWeight(change: RecordChange): { elements: number; characters: number } {
  const { upsertWeight, aliasElements } = ROUTE53_FEATURES.batchLimits;
  const factor = change.action === 'UPSERT' ? upsertWeight : 1;
  if (change.recordSet.alias) return { elements: aliasElements * factor, characters: 0 };
  const characters = change.recordSet.values.reduce((sum, v) => sum + v.length, 0);
  return { elements: change.recordSet.values.length * factor, characters: characters * factor };
}

const invalidChange = (message: string) =>
  new ProviderCallError({ provider: 'route53', call: 'ChangeResourceRecordSets', code: 'InvalidChangeBatch', kind: 'invalid-input', message });

/**
 * Split changes, in order, into as few batches as Route 53's limits allow (see docs/batching.md): at most
 * 1 000 counted ResourceRecord elements and 32 000 counted value characters per call. A change
 * that alone exceeds a limit is refused as invalid input before anything is sent.
 */
export function planChangeBatches(changes: readonly RecordChange[]): ChangeBatch[] {
  const { resourceRecords, valueCharacters } = ROUTE53_FEATURES.batchLimits;
  const batches: ChangeBatch[] = [];
  let start = 0;
  let elements = 0;
  let characters = 0;
  changes.forEach((change, index) => {
    const weight = changeWeight(change);
    const { name, type } = change.recordSet;
    // Route 53 has no proxy: a set asking for one cannot be written as asked (see capabilities.proxy).
    if (change.recordSet.proxied) throw invalidChange(`${name} ${type}: Route 53 cannot proxy records`);
    if (weight.elements > resourceRecords || weight.characters > valueCharacters) {
      throw invalidChange(
        `${change.action} of ${name} ${type} counts ${weight.elements} records and ${weight.characters} characters; ` +
          `one change batch allows ${resourceRecords} records and ${valueCharacters} characters (an UPSERT counts twice)`,
      );
    }
    if (elements + weight.elements > resourceRecords || characters + weight.characters > valueCharacters) {
      batches.push({ start, end: index });
      start = index;
      elements = 0;
      characters = 0;
    }
    elements += weight.elements;
    characters += weight.characters;
  });
  if (start < changes.length) batches.push({ start, end: changes.length });
  return batches;
}
