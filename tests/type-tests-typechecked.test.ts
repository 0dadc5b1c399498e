import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT as ROOT, walkFiles as walk } from '../test-support/repo-files.js';

/**
 * Type tests (`*.test-d.ts`, `expectTypeOf`) only fail when `tsc` compiles them: vitest does not
 * run them. `pnpm typecheck` runs `tsc -p tsconfig.json` in every workspace package that has a
 * `typecheck` script, and at the root; a type test outside all of those programs (a folder no
 * `include` names, a package without the script) would pass silently forever. This asks the
 * TypeScript config parser for each program's files and requires every type test to be in one.
 */


/** The workspace folders (pnpm-workspace.yaml: `packages/*`, `examples/*`, `tests`) and the root. */
function projectDirs(): string[] {
  const globs = readFileSync(join(ROOT, 'pnpm-workspace.yaml'), 'utf8')
    .split('\n')
    .flatMap((line) => /^ {2}- "([^"]+)"$/.exec(line)?.[1] ?? []);
  const dirs = globs.flatMap((glob) =>
    glob.endsWith('/*') ? readdirSync(join(ROOT, glob.slice(0, -2))).map((name) => join(ROOT, glob.slice(0, -2), name)) : [join(ROOT, glob)],
  );
  return [ROOT, ...dirs.filter((dir) => existsSync(join(dir, 'package.json')))];
}

/** Files of each `tsc -p tsconfig.json` that `pnpm typecheck` runs. */
function typecheckedFiles(): Set<string> {
  const files = new Set<string>();
  for (const dir of projectDirs()) {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    const typecheck = pkg.scripts?.typecheck ?? '';
    if (!typecheck.includes('tsc -p tsconfig.json')) continue;
    const parsed = ts.getParsedCommandLineOfConfigFile(join(dir, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
    for (const file of parsed?.fileNames ?? []) files.add(resolve(file));
  }
  return files;
}

describe('type tests', () => {
  it('every *.test-d.ts is compiled by `pnpm typecheck`', () => {
    const typeTests = walk(ROOT, (file) => file.endsWith('.test-d.ts'));
    expect(typeTests.length).toBeGreaterThan(0);
    const checked = typecheckedFiles();
    expect(typeTests.filter((file) => !checked.has(resolve(file))).map((file) => relative(ROOT, file))).toEqual([]);
  });
});
