import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { azureSetupCommand, gcpSetupCommand, isSafeBaseUrl } from '../src/connections/index.js';
import { createEngine } from '../src/index.js';
import { createMemoryStorage, createTestSecretBox } from '../src/testing/index.js';
import { createTestEngine } from './support/engine.js';

/**
 * The public URL reaches shells twice: inside the rendered setup scripts, and in the `setupCommand`
 * users paste into Cloud Shell. It is refused at start when it holds anything a shell would act on,
 * and the commands carry it as a single-quoted literal, as the scripts do.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const HOSTILE = [
  'https://x.example/$(id)',
  'https://x.example/`id`',
  'https://x.example/a;id',
  'https://x.example/a|id',
  'https://x.example/a&id',
  "https://x.example/it's",
  'https://x.example/a"b',
  'https://x.example/a b',
  'https://x.example/a\\b',
  'https://x.example/a>b',
  'https://x.example/a(b)',
  'https://x.example/a!b',
  'https://x.example/a*b',
  'https://x.example/?q=1',
  'https://x.example/#top',
  'https://user:pw@x.example',
  'ftp://x.example',
];
const FINE = ['https://x.example', 'http://localhost:3000', 'https://x.example/base_path/v-1.2~x', 'http://[::1]:8080/cl%20ink', 'http://127.0.0.1:1'];

const engineWith = (publicUrl: string) => () => createEngine({ storage: createMemoryStorage({ migrated: true }), secrets: createTestSecretBox(), publicUrl });

describe('the public URL at start-up', () => {
  it.each(HOSTILE)('createEngine refuses %s, naming publicUrl', (url) => {
    expect(engineWith(url)).toThrow(/^createEngine: publicUrl must be an absolute http\(s\) base URL of letters, digits and - \. _ ~ : \/ % \[ \] only/);
    expect(isSafeBaseUrl(url)).toBe(false);
  });

  it.each(FINE)('createEngine accepts %s', (url) => {
    expect(engineWith(url)).not.toThrow();
  });
});

/** Run `command` in bash with a stub `curl` that records its argv and prints a harmless script. */
function runWithStubCurl(command: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'cloudlink-setup-command-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'curl'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > "${dir}/argv"\necho 'true'\n`);
  chmodSync(join(dir, 'curl'), 0o755);
  const file = join(dir, 'command.sh');
  writeFileSync(file, `#!/usr/bin/env bash\n${command}\n`);
  execFileSync('bash', ['-n', file]);
  execFileSync('shellcheck', ['-s', 'bash', '-S', 'style', file], { stdio: 'pipe' });
  execFileSync('bash', [file], { env: { PATH: `${dir}:/usr/bin:/bin` } });
  return readFileSync(join(dir, 'argv'), 'utf8').split('\n').slice(0, -1);
}

describe('setupCommand', () => {
  it('GCP: the script URL is one single-quoted argument of curl; bash -n and shellcheck pass', async () => {
    const t = await createTestEngine();
    const { actor, workspaceSlug } = await t.workspace('ann@example.com', 'Acme');
    const { data } = await t.engine.cloudConnections.connectGcp(actor, { workspaceSlug });
    expect(data.setupCommand).toBe(`curl -sSL '${data.setupScriptUrl}' | bash`);
    expect(runWithStubCurl(data.setupCommand)).toEqual(['-sSL', data.setupScriptUrl]);
  });

  it.each(FINE)('arrives at curl verbatim for the public URL %s', (base) => {
    const url = `${base}/api/cloud-connections/scripts/gcp-wif.sh?connection=12`;
    expect(runWithStubCurl(gcpSetupCommand(url))).toEqual(['-sSL', url]);
  });

  it('Azure: the URL is a single-quoted literal (PowerShell expands neither `$(…)` nor `$x` inside single quotes)', async () => {
    const t = await createTestEngine();
    const { actor, workspaceSlug } = await t.workspace('ann@example.com', 'Acme');
    const { data } = await t.engine.cloudConnections.connectAzure(actor, { workspaceSlug });
    expect(data.setupCommand).toMatch(/^\$env:T="[0-9a-f]{24}"; curl -sSL '[^'\s]+' \| sh$/);
    expect(data.setupCommand).toContain(`'${data.setupScriptUrl}'`);
    // The part after the PowerShell assignment is also a plain POSIX command.
    expect(runWithStubCurl(data.setupCommand.replace(/^\$env:T="[0-9a-f]{24}"; /, ''))).toEqual(['-sSL', data.setupScriptUrl]);
  });

  it('refuses to build a command from a URL that could not be a literal', () => {
    expect(() => gcpSetupCommand("https://x.example/it's")).toThrow();
    expect(() => azureSetupCommand('0'.repeat(24), 'https://x.example/$(id)')).toThrow();
    expect(() => azureSetupCommand('not-hex', 'https://x.example/a.sh')).toThrow();
  });
});
