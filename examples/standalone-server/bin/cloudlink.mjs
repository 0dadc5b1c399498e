#!/usr/bin/env node
/* global process, URL */
// The `cloudlink` bin: runs src/cli.ts under tsx with the `source` export condition, so the
// workspace packages' TypeScript sources are used without a build (this example is never published).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
const result = spawnSync(process.execPath, ['--conditions=source', '--import', tsx, cli, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
