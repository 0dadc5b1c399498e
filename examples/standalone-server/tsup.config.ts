import { defineConfig } from 'tsup';

/**
 * The server and the CLI as plain JavaScript for `node`: dependencies (the workspace packages
 * included, which resolve to their own built `dist`) stay external, so this build only compiles
 * this folder's `src` and takes about a second. ESM with code splitting, so what `src` imports
 * dynamically (the sandbox's fakes, the real providers) stays in its own chunk, loaded on demand.
 */
export default defineConfig({
  entry: { main: 'src/main.ts', cli: 'src/cli.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  splitting: true,
  sourcemap: true,
  clean: true,
  dts: false,
});
