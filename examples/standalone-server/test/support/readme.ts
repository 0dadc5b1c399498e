import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './spawn-server.js';

/** The root README, read fresh by every test that runs its examples. */
export function readme(): string {
  return readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
}

/**
 * The fenced code blocks of language `lang` under the heading `title` (up to the next heading of
 * the same or a higher level). Throws when the section or its blocks are missing, so renaming a
 * heading fails the test instead of silently running nothing.
 */
export function codeBlocks(title: string, lang: string, text = readme()): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^#{1,6} /.test(l) && l.replace(/^#+ /, '').trim() === title);
  if (start < 0) throw new Error(`README has no section "${title}"`);
  const level = /^#+/.exec(lines[start]!)![0].length;
  const blocks: string[] = [];
  let current: string[] | null = null;
  for (const line of lines.slice(start + 1)) {
    if (current === null) {
      const heading = /^(#+) /.exec(line);
      if (heading && heading[1]!.length <= level) break;
      if (line.trim() === '```' + lang) current = [];
    } else if (line.trim() === '```') {
      blocks.push(current.join('\n'));
      current = null;
    } else {
      current.push(line);
    }
  }
  if (blocks.length === 0) throw new Error(`README section "${title}" has no \`\`\`${lang} block`);
  return blocks;
}
