import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base';

// `./testing` holds the conformance suites, which import vitest: ESM-only like vitest itself (its
// CommonJS entry throws on require), so that entry is built as ESM alone.
export default defineConfig([
  packageBuild({ index: 'src/index.ts' }),
  packageBuild({ 'testing/index': 'src/testing/index.ts' }, { format: ['esm'], clean: false }),
]);
