import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base';

export default defineConfig(packageBuild({"index":"src/index.ts","aws/index":"src/aws/index.ts","gcp/index":"src/gcp/index.ts","azure/index":"src/azure/index.ts","cloudflare/index":"src/cloudflare/index.ts"}));
