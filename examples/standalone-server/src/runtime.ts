import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createEngine, createSecretBox, parseEncryptionKeys, type Engine, type EngineProviders, type Logger, type Storage } from '@cloudlink/engine';
import { createJwtAuth, type JwtAuth } from './auth.js';
import type { ServerConfig } from './config.js';
import type { Sandbox } from './sandbox.js';
import { resolveSecrets } from './secrets.js';

/** Everything the server and the CLI share: one engine over the configured storage and providers. */
export interface Runtime {
  readonly engine: Engine;
  readonly storage: Storage;
  readonly auth: JwtAuth;
  /** Present in sandbox mode: the fakes' state, persisted to `<dataDir>/sandbox.json`. */
  readonly sandbox?: Sandbox;
  /** Persist sandbox state and close the database. Idempotent. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Apply pending migrations first (default true). */
  readonly migrate?: boolean;
  /** Wire providers (default true); the CLI passes false, as operator commands call none. */
  readonly providers?: boolean;
}

/**
 * Compose the engine from the configuration: SQLite `<dataDir>/cloudlink.db` unless
 * `DATABASE_URL`; secrets from the environment or the data dir; the real providers, wired to
 * the sandbox's fakes in sandbox mode. Nothing here calls out: providers are reached when a flow first needs them.
 */
export async function createRuntime(config: ServerConfig, logger: Logger, options: RuntimeOptions = {}): Promise<Runtime> {
  const secrets = resolveSecrets(config, (message) => logger.warn({}, message));
  const storage = await createStorage(config);
  const auth = createJwtAuth({ secret: secrets.jwtSecret });
  let sandbox: Sandbox | undefined;
  // Filled once the engine exists; read lazily by the sandbox's GCP stand-in.
  const ref: { engine?: Engine } = {};
  let providers: EngineProviders = {};
  if (options.providers === false) {
    // Operator commands (CLI) reach no provider.
  } else if (config.sandbox) {
    // The fake GCP STS verifies subject tokens against our own JWKS, so it reads the engine lazily.
    // Loaded on demand: a production server never loads the sandbox's fakes.
    const { createSandbox } = await import('./sandbox.js');
    sandbox = createSandbox({ config, jwks: () => ref.engine!.publicAssets.jwks(), logger });
    providers = sandbox.providers;
  } else {
    const { createRealProviders } = await import('./providers.js');
    providers = createRealProviders(config);
  }
  const engine = createEngine({
    storage,
    secrets: createSecretBox({ keys: parseEncryptionKeys(secrets.encryptionKeys) }),
    publicUrl: config.publicUrl,
    providers,
    logger,
    aws: {
      roleName: config.aws.roleName,
      ...(config.aws.accountId !== undefined && { accountId: config.aws.accountId }),
      ...(config.aws.templateUrl !== undefined && { templateUrl: config.aws.templateUrl }),
    },
    azure: { tokenTtlSeconds: config.azure.tokenTtlSeconds },
    dns: { azureResourceGroup: config.dns.azureResourceGroup, safety: config.dns.safety },
  });
  ref.engine = engine;
  try {
    if (options.migrate !== false) {
      const { applied } = await storage.migrate();
      if (applied.length > 0) logger.info({ applied }, 'applied migrations');
    }
    await sandbox?.restore();
  } catch (e) {
    await engine.close().catch(() => {});
    throw e;
  }
  let closing: Promise<void> | undefined;
  return {
    engine,
    storage,
    auth,
    ...(sandbox && { sandbox }),
    close() {
      closing ??= (async () => {
        try {
          await sandbox?.persist();
        } finally {
          await engine.close();
        }
      })();
      return closing;
    },
  };
}

/**
 * Only the configured backend is imported: the Postgres driver (with pg-boss) and the SQLite one
 * each cost several MiB of resident memory, and a process uses exactly one of them.
 */
async function createStorage(config: ServerConfig): Promise<Storage> {
  if (config.databaseUrl) {
    const { createPostgresStorage } = await import('@cloudlink/storage-postgres');
    return createPostgresStorage({ connectionString: config.databaseUrl, ...(config.databaseSchema !== undefined && { schema: config.databaseSchema }) });
  }
  mkdirSync(config.dataDir, { recursive: true });
  const { createSqliteStorage } = await import('@cloudlink/storage-sqlite');
  return createSqliteStorage({ filename: path.join(config.dataDir, 'cloudlink.db') });
}
