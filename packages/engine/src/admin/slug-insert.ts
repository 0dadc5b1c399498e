import { slugCandidates, slugify } from '../domain/slug.js';
import { isStorageConflict, type UniqueConstraint } from '../ports/storage.js';

/**
 * Insert under the first free slug derived from `name` (SPEC §2.4): `base`, `base-1`, `base-2`, …
 * skipping reserved and taken ones. `attempt` runs a whole transaction with the candidate; when it
 * loses a race on the unique index (`constraint`), the next candidate gets a fresh transaction
 * (a Postgres transaction is unusable after a failed statement, so the retry cannot live inside it).
 */
export async function insertWithFreeSlug<T>(options: {
  readonly name: string;
  readonly reserved?: ReadonlySet<string>;
  readonly constraint: UniqueConstraint;
  /** Cheap pre-check that skips known-taken slugs; the unique index stays the judge. */
  readonly taken: (slug: string) => Promise<boolean>;
  readonly attempt: (slug: string) => Promise<T>;
}): Promise<T> {
  let tries = 0;
  for (const slug of slugCandidates(slugify(options.name), options.reserved)) {
    if (++tries > 10_000) break;
    if (await options.taken(slug)) continue;
    try {
      return await options.attempt(slug);
    } catch (e) {
      if (isStorageConflict(e, options.constraint)) continue;
      throw e;
    }
  }
  throw new Error(`no free slug for ${JSON.stringify(options.name)}`);
}
