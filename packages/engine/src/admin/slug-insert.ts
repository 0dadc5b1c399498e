import { slugify } from '../domain/slug.js';
import { conflict } from '../errors/index.js';
import type { Random } from '../ports/runtime.js';
import { isStorageConflict, type SlugVacancy, type UniqueConstraint } from '../ports/storage.js';

/** Fresh looks at the table before falling back to random suffixes: each one only loses to a concurrent insert. */
const NUMBERED_TRIES = 3;
/** Random suffixes tried after that; 8 characters of [a-z0-9] make a collision practically impossible. */
const RANDOM_TRIES = 3;
const RANDOM_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `base-xxxxxxxx`, led by a letter so it never reads as (and never moves) the numbered sequence.
 * Modulo bias over 36 symbols is irrelevant for a collision-avoiding suffix.
 */
function randomSlug(base: string, random: Random): string {
  const bytes = random.bytes(8);
  let suffix = '';
  for (let i = 0; i < bytes.length; i++) suffix += RANDOM_ALPHABET[(bytes[i] ?? 0) % (i === 0 ? 26 : 36)];
  return `${base}-${suffix}`;
}

/** The slug the rule gives for this vacancy: `base` when free and not reserved, else `base-N` with the first free N. */
function numberedSlug(base: string, vacancy: SlugVacancy, reserved: ReadonlySet<string>): string | null {
  if (vacancy.baseFree && !reserved.has(base)) return base;
  const slug = `${base}-${vacancy.firstFreeSuffix}`;
  // Reserved slugs never end in `-<digits>` today; should one ever, the random fallback covers it.
  return reserved.has(slug) ? null : slug;
}

/**
 * Insert under the first free slug derived from `name`: `base`, else `base-N` with the smallest free
 * N (reserved slugs are skipped). One query finds that slug however many numbered ones exist; the
 * unique index stays the judge. An insert that loses a race on it (`constraint`) looks again, in a
 * fresh transaction (a Postgres transaction is unusable after a failed statement); after a few
 * lost races a random suffix is used. Should even those collide, the caller gets 409
 * `Slug unavailable`, never a 500. Run plan-limit checks BEFORE calling this: probing is work.
 */
export async function insertWithFreeSlug<T>(options: {
  readonly name: string;
  readonly reserved?: ReadonlySet<string>;
  readonly constraint: UniqueConstraint;
  readonly random: Random;
  readonly vacancy: (base: string) => Promise<SlugVacancy>;
  readonly attempt: (slug: string) => Promise<T>;
}): Promise<T> {
  const base = slugify(options.name);
  const reserved = options.reserved ?? new Set<string>();
  const tryInsert = async (slug: string): Promise<{ done: true; value: T } | { done: false }> => {
    try {
      return { done: true, value: await options.attempt(slug) };
    } catch (e) {
      if (isStorageConflict(e, options.constraint)) return { done: false };
      throw e;
    }
  };
  for (let i = 0; i < NUMBERED_TRIES; i++) {
    const slug = numberedSlug(base, await options.vacancy(base), reserved);
    if (slug === null) break;
    const result = await tryInsert(slug);
    if (result.done) return result.value;
  }
  for (let i = 0; i < RANDOM_TRIES; i++) {
    const slug = randomSlug(base, options.random);
    if (reserved.has(slug)) continue;
    const result = await tryInsert(slug);
    if (result.done) return result.value;
  }
  throw conflict.slugUnavailable();
}
