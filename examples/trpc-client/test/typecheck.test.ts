import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const PKG = fileURLToPath(new URL('..', import.meta.url));
const ROOT = path.resolve(PKG, '../..');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const dir = mkdtempSync(path.join(PKG, 'test', '.tsc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tsc(files: string[]) {
  const config = path.join(dir, `tsconfig.${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(config, JSON.stringify({ extends: path.join(ROOT, 'tsconfig.base.json'), files }));
  return spawnSync(process.execPath, [TSC, '-p', config], { encoding: 'utf8' });
}

describe('types inferred from CloudlinkRouter', { timeout: 120_000 }, () => {
  it('the fixture compiles: every @ts-expect-error meets a real error', () => {
    const r = tsc([path.join(PKG, 'test/fixtures/typed-inputs.ts')]);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('without the directives, tsc reports the misspelled field by name', () => {
    const source = readFileSync(path.join(PKG, 'test/fixtures/typed-inputs.ts'), 'utf8').replace(/\/\/ @ts-expect-error.*\n/g, '');
    const copy = path.join(PKG, 'test/fixtures', `.no-directives-${process.pid}.ts`);
    writeFileSync(copy, source);
    try {
      const r = tsc([copy]);
      expect(r.status).not.toBe(0);
      expect(r.stdout).toMatch(/error TS\d+: Object literal may only specify known properties, but 'accountNmae' does not exist/);
      expect(r.stdout).toMatch(/error TS\d+: Object literal may only specify known properties, but 'sourceID' does not exist/);
      expect(r.stdout).toContain("Property 'domain' does not exist");
      expect(r.stdout.match(/error TS/g)?.length).toBe(5);
    } finally {
      rmSync(copy, { force: true });
    }
  });
});
