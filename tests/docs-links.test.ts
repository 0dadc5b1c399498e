import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT as ROOT, walkFiles as walk } from '../test-support/repo-files.js';

/**
 * Comments and READMEs send newcomers to docs/; a renamed page or heading would leave them at a dead
 * end. This checks every `docs/<page>.md[#anchor]` cited in the code, and every relative link of the
 * Markdown pages, against the files and headings that exist. It also keeps citations of notes that
 * are not in the repository from coming back.
 */


/** GitHub's heading anchors: lower-case, punctuation dropped, spaces → `-`. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const line of markdown.split('\n')) {
    const heading = /^#{1,6} (.*)$/.exec(line);
    if (!heading?.[1]) continue;
    anchors.add(
      heading[1]
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return anchors;
}

function brokenTarget(fromDir: string, target: string): string | null {
  const [path = '', anchor] = target.split('#');
  const file = path === '' ? null : resolve(fromDir, path);
  if (file !== null && !existsSync(file)) return `missing file ${relative(ROOT, file)}`;
  if (anchor && file !== null && file.endsWith('.md') && !anchorsOf(readFileSync(file, 'utf8')).has(anchor)) {
    return `missing heading #${anchor} in ${relative(ROOT, file)}`;
  }
  return null;
}

const codeFiles = ['packages', 'examples', 'tests'].flatMap((d) => walk(join(ROOT, d), (f) => f.endsWith('.ts')));
const markdownFiles = [
  ...walk(join(ROOT, 'docs'), (f) => f.endsWith('.md')),
  ...['README.md', 'CONTRIBUTING.md'].map((f) => join(ROOT, f)),
  ...['packages', 'examples'].flatMap((d) => walk(join(ROOT, d), (f) => f.endsWith('README.md'))),
];

describe('links to the project docs', () => {
  it('every docs/<page>.md[#anchor] cited in code exists', () => {
    const broken: string[] = [];
    for (const file of codeFiles) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bdocs\/([\w-]+\.md)(#[\w-]+)?/g)) {
        const problem = brokenTarget(ROOT, `docs/${m[1]}${m[2] ?? ''}`);
        if (problem) broken.push(`${relative(ROOT, file)}: ${m[0]} (${problem})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('every relative link of the Markdown pages resolves', () => {
    const broken: string[] = [];
    for (const file of markdownFiles) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1] ?? '';
        if (/^[a-z]+:/i.test(target)) continue;
        // Written by changesets at the first release.
        if (target.endsWith('CHANGELOG.md')) continue;
        const problem = target.startsWith('#') ? brokenTarget(dirname(file), `${relative(dirname(file), file)}${target}`) : brokenTarget(dirname(file), target);
        if (problem) broken.push(`${relative(ROOT, file)}: ${target} (${problem})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('nothing cites notes that are not in the repository', () => {
    // The spec's name is split so that `grep -rn` for it over the repository finds nothing, this file included.
    const specName = ['S', 'PEC'].join('');
    const outside = new RegExp(`\\b${specName}\\b|(?<!RFC \\d{3,5} )§ ?\\d|\\b(?:DESIGN|STYLE|STACK)(?:\\.md)?\\s*§|\\b(?:DESIGN|STYLE|STACK)\\.md\\b|\\b(?:DESIGN|STYLE|STACK) [A-Z]\\d\\b|/work/shared`);
    const offenders = [...codeFiles, ...markdownFiles].filter((f) => f !== fileURLToPath(import.meta.url) && outside.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => relative(ROOT, f))).toEqual([]);
  });
});
