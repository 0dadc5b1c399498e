#!/usr/bin/env node
/* global process, console */
// `pnpm start` / `pnpm start:sandbox`: build first when the build is missing or older than its
// sources (a no-op otherwise), then run the built server in this same process. Production runs
// `node dist/main.js` directly, after `pnpm build`.
import { ensureBuilt } from '../scripts/ensure-built.mjs';

try {
  await ensureBuilt();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
await import('../dist/main.js');
