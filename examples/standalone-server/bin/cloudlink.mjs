#!/usr/bin/env node
/* global process, console, URL */
// The `cloudlink` bin: builds first when the build is missing or older than its sources (progress
// on stderr, so stdout stays JSON; a no-op otherwise), then runs the built dist/cli.js with node.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from '../scripts/ensure-built.mjs';

try {
  await ensureBuilt();
} catch (e) {
  console.error(JSON.stringify({ error: 'Build failed', message: e instanceof Error ? e.message : String(e) }));
  process.exit(1);
}
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
