/** Slugs no workspace or project may take; a reserved result gets a numeric suffix. */
export const RESERVED_PROJECT_SLUGS: ReadonlySet<string> = new Set(
  'api auth cloud cloud-connections payments pricing-plans projects resource-types resources runtimes users workspaces well-known trpc healthz readyz sandbox'.split(' '),
);
export const RESERVED_WORKSPACE_SLUGS: ReadonlySet<string> = new Set([
  ...RESERVED_PROJECT_SLUGS,
  'templates',
  'scripts',
  'azure-setup-callback',
]);

/** The documented slug rule, shared by workspaces, projects and environments. */
export function slugify(name: string): string {
  const slug = name
    .toLowerCase()
    .trim()
    .replace(/[\s_]+/g, '-')
    .replace(/[^a-z0-9-]/g, '')
    .replace(/-+/g, '-')
    // Runs are single hyphens by now; `-+$` would rescan a run from each of its positions.
    .replace(/^-|-$/g, '');
  return slug === '' ? 'untitled' : slug;
}

/** Candidate slugs in order: `base`, `base-1`, `base-2`, … skipping reserved ones. */
export function* slugCandidates(base: string, reserved: ReadonlySet<string> = new Set()): Generator<string> {
  if (!reserved.has(base)) yield base;
  for (let i = 1; ; i++) {
    const candidate = `${base}-${i}`;
    if (!reserved.has(candidate)) yield candidate;
  }
}
