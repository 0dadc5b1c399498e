import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, for tests that check the tree itself (links, type tests). */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Installed, built and generated folders (.cache: Node releases and native builds of scripts/): not the project's own files. */
const SKIP = new Set(['node_modules', 'dist', '.git', 'data', 'coverage', '.cache']);

/** Every file below `dir` that `keep` accepts, skipping installed, built and generated folders. */
export function walkFiles(dir: string, keep: (file: string) => boolean, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walkFiles(path, keep, out);
    else if (keep(path)) out.push(path);
  }
  return out;
}
