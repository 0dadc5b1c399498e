import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base';

// `./testing` holds the conformance suites, which import vitest: ESM-only like vitest itself (its
// CommonJS entry throws on require), so that entry is built as ESM alone. The two builds run side
// by side, so neither cleans `dist` (one would delete the other's output): the build script does.
export default defineConfig([
  packageBuild({ index: 'src/index.ts' }, { clean: false }),
  packageBuild({ 'testing/index': 'src/testing/index.ts' }, { format: ['esm'], clean: false }),
]);
