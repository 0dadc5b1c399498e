import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT as ROOT } from '../test-support/repo-files.js';

/**
 * The Node versions the project declares and tests: the pnpm hook that makes `pnpm install` compile
 * better-sqlite3 for the Node running it (a module built against another Node's headers fails to
 * load), and the `engines` ranges, which the README and the pinned releases of
 * `pnpm test:node` must agree with.
 */
type Config = { rawConfig: Record<string, unknown> };
const { hooks } = createRequire(import.meta.url)(path.join(ROOT, '.pnpmfile.cjs')) as { hooks: { updateConfig: (c: Config) => Config } };
const runningPrefix = path.dirname(path.dirname(process.execPath));

const scratch = mkdtempSync(path.join(tmpdir(), 'cloudlink-nodedir-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A directory laid out like a Node prefix, with headers of `version` (`vX.Y.Z`). */
function headersOf(version: string): string {
  const [major, minor, patch] = version.slice(1).split('.');
  const dir = path.join(scratch, version);
  mkdirSync(path.join(dir, 'include', 'node'), { recursive: true });
  writeFileSync(
    path.join(dir, 'include', 'node', 'node_version.h'),
    `#define NODE_MAJOR_VERSION ${major}\n#define NODE_MINOR_VERSION ${minor}\n#define NODE_PATCH_VERSION ${patch}\n#define NODE_MODULE_VERSION 1\n`,
  );
  return dir;
}

describe('pnpm install compiles native modules for the Node running it', () => {
  it('the running Node ships its headers under its prefix (what the hook relies on)', () => {
    const header = readFileSync(path.join(runningPrefix, 'include', 'node', 'node_version.h'), 'utf8');
    expect(header).toContain(`#define NODE_MODULE_VERSION ${process.versions.modules}`);
  });

  it("replaces a configured nodedir holding another Node's headers, and keeps the other settings", () => {
    const other = headersOf('v19.0.0');
    const out = hooks.updateConfig({ rawConfig: { nodedir: other, 'engine-strict': true } });
    expect(out.rawConfig).toEqual({ nodedir: runningPrefix, 'engine-strict': true });
  });

  it('sets nodedir when none is configured, so node-gyp needs no download', () => {
    expect(hooks.updateConfig({ rawConfig: {} }).rawConfig.nodedir).toBe(runningPrefix);
  });

  it("keeps a configured nodedir holding this very Node's headers", () => {
    const same = headersOf(process.version);
    expect(hooks.updateConfig({ rawConfig: { nodedir: same } }).rawConfig.nodedir).toBe(same);
  });
});

describe('declared Node versions', () => {
  const manifest = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { private?: boolean; engines?: { node?: string } };
  const published = readdirSync(path.join(ROOT, 'packages'))
    .map((name) => path.join(ROOT, 'packages', name, 'package.json'))
    .filter((file) => existsSync(file) && !manifest(file).private);
  const rootRange = manifest(path.join(ROOT, 'package.json')).engines?.node;

  it('the repository and every published package declare the same engines.node, which the README states', () => {
    expect(published.length).toBeGreaterThan(0);
    for (const file of published) expect(manifest(file).engines?.node, file).toBe(rootRange);
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme.slice(readme.indexOf('\n### Node versions\n'))).toContain(`\`engines.node\` \`${rootRange}\``);
  });

  it('pnpm test:node 20 runs the oldest release the packages accept; 22 and 24 are pinned', async () => {
    const { PINNED } = (await import(path.join(ROOT, 'scripts', 'with-node.mjs'))) as { PINNED: Record<string, { version: string; integrity: string }> };
    const floor = /^>=(\d+)\.(\d+)$/.exec(rootRange ?? '');
    expect(floor, `engines.node ${rootRange}`).not.toBeNull();
    expect(PINNED['20']?.version).toBe(`${floor![1]}.${floor![2]}.0`);
    expect(Object.keys(PINNED).sort()).toEqual(['20', '22', '24']);
    for (const pin of Object.values(PINNED)) expect(pin.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
  });
});
