import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isEngineError, notFound } from '@cloudlink/engine';
import { pino } from 'pino';
import { ConfigError, loadConfig, type ServerConfig } from './config.js';
import { redactSecrets } from './logging.js';
import { createRuntime, type Runtime } from './runtime.js';

/**
 * `cloudlink` — operator commands over the same environment as the server, so a token it
 * prints is valid there. JSON on stdout; on failure a JSON error body on stderr and exit code 1.
 */
interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: Record<string, { type: 'string'; required?: boolean; description: string }>;
  /** Prints what `run` returns as it is (a string), not as JSON: for output meant for a file. */
  readonly text?: boolean;
  run(
    runtime: (options?: { migrate?: boolean }) => Promise<Runtime>,
    values: Record<string, string | undefined>,
    config: ServerConfig,
  ): Promise<unknown>;
}

const ROLES = 'owner|admin|dev|billing|viewer|member';

const COMMANDS: Record<string, Command> = {
  seed: {
    summary: 'Create or reuse a user, workspace, project, environment and membership; print a 7-day token',
    usage: `cloudlink seed --workspace <slug> --project <slug> --environment <slug> --email <email> --role ${ROLES} [--plan free|starter|pro|ultimate]`,
    options: {
      workspace: { type: 'string', required: true, description: 'workspace slug (used exactly)' },
      project: { type: 'string', required: true, description: 'project slug (created with a `master` environment)' },
      environment: { type: 'string', required: true, description: 'environment slug' },
      email: { type: 'string', required: true, description: 'user email (created when unknown)' },
      role: { type: 'string', required: true, description: `workspace role: ${ROLES}` },
      plan: { type: 'string', description: 'set the workspace plan: free|starter|pro|ultimate' },
    },
    async run(runtime, v) {
      const rt = await runtime();
      const seeded = await rt.engine.operator.seed({
        workspace: v.workspace!, project: v.project!, environment: v.environment!, email: v.email!, role: v.role as never,
        ...(v.plan !== undefined && { plan: v.plan as never }),
      });
      const token = await rt.auth.issue({ id: seeded.user.id, email: seeded.user.email });
      return { token, ...seeded };
    },
  },
  token: {
    summary: 'Print a 7-day Bearer token for an existing user',
    usage: 'cloudlink token --email <email>',
    options: { email: { type: 'string', required: true, description: 'email of an existing user' } },
    async run(runtime, v) {
      const rt = await runtime();
      const user = await rt.storage.users.getUserByEmail(v.email!.trim());
      if (!user) throw notFound.user();
      return { token: await rt.auth.issue({ id: user.id, email: user.email }) };
    },
  },
  migrate: {
    summary: 'Apply pending database migrations',
    usage: 'cloudlink migrate',
    options: {},
    async run(runtime) {
      const rt = await runtime({ migrate: false });
      return rt.storage.migrate();
    },
  },
  'migrations sql': {
    summary: 'Print the migrations as SQL, for a host that applies schema changes with its own tool',
    usage: 'cloudlink migrations sql [--dialect postgres|sqlite] [--schema <name> | --table-prefix <prefix>] [--from <migration>] > cloudlink.sql',
    options: {
      dialect: { type: 'string', description: 'postgres or sqlite (default: postgres when DATABASE_URL is set, else sqlite)' },
      schema: { type: 'string', description: 'postgres: the schema of the tables (default: CLOUDLINK_DATABASE_SCHEMA, else unqualified names)' },
      'table-prefix': { type: 'string', description: 'sqlite: the prefix of every table, index and trigger name (default: none)' },
      from: { type: 'string', description: 'the last migration the database already has; only later ones are printed' },
    },
    text: true,
    async run(_runtime, v, config) {
      // No database is opened: the SQL is what `cloudlink migrate` would run, written down.
      const dialect = v.dialect ?? (config.databaseUrl ? 'postgres' : 'sqlite');
      const from = v.from !== undefined ? { from: v.from } : {};
      try {
        if (dialect === 'postgres') {
          if (v['table-prefix'] !== undefined) throw new UsageError('--table-prefix is for --dialect sqlite; Postgres takes --schema');
          const schema = v.schema ?? config.databaseSchema;
          const { emitPostgresMigrationSql } = await import('@cloudlink/storage-postgres');
          return await emitPostgresMigrationSql({ ...(schema !== undefined && { schema }), ...from });
        }
        if (dialect === 'sqlite') {
          if (v.schema !== undefined) throw new UsageError('--schema is for --dialect postgres; SQLite takes --table-prefix');
          const { emitSqliteMigrationSql } = await import('@cloudlink/storage-sqlite');
          return await emitSqliteMigrationSql({ ...(v['table-prefix'] !== undefined && { tablePrefix: v['table-prefix'] }), ...from });
        }
      } catch (e) {
        // A malformed name or an unknown migration is the caller's argument.
        if (e instanceof TypeError) throw new UsageError(e.message.replace(/^schema/, '--schema').replace(/^tablePrefix/, '--table-prefix').replace(/^from/, '--from'));
        throw e;
      }
      throw new UsageError(`--dialect must be postgres or sqlite (got "${dialect}")`);
    },
  },
  reencrypt: {
    summary: 'Re-seal every stored secret with the first key of CLOUDLINK_ENCRYPTION_KEYS',
    usage: 'cloudlink reencrypt',
    options: {},
    run: async (runtime) => (await runtime()).engine.operator.reencrypt(),
  },
  'rotate-oidc-key': {
    summary: 'Add a new OIDC signing key (published in the JWKS now, signing after the overlap)',
    usage: 'cloudlink rotate-oidc-key',
    options: {},
    run: async (runtime) => (await runtime()).engine.operator.rotateOidcKey(),
  },
};

function mainHelp(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(16)} ${c.summary}`);
  return [
    'Usage: cloudlink <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Every command reads the server environment (DATABASE_URL, CLOUDLINK_DATA_DIR, CLOUDLINK_ENCRYPTION_KEYS,',
    'CLOUDLINK_JWT_SECRET, …), prints JSON on stdout (`migrations sql`: SQL), and on failure a JSON error on stderr',
    'with exit code 1.',
    'Run `cloudlink <command> --help` for its options.',
  ].join('\n');
}

function commandHelp(name: string, c: Command): string {
  const opts = Object.entries(c.options).map(([o, d]) => `  --${o.padEnd(14)} ${d.description}${d.required ? ' (required)' : ''}`);
  return [`Usage: ${c.usage}`, '', c.summary, ...(opts.length ? ['', 'Options:', ...opts] : []), `  --${'help'.padEnd(14)} show this help`].join('\n');
}

class UsageError extends Error {}

/** Run the CLI with `argv` (without node and script); returns the exit code. */
export async function runCli(argv: readonly string[], io: { out(s: string): void; err(s: string): void; env?: NodeJS.ProcessEnv } = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
}): Promise<number> {
  // Two-word commands (`migrations sql`) are looked up by both words.
  const twoWords = argv.length >= 2 ? `${argv[0]} ${argv[1]}` : '';
  const [name, ...rest] = twoWords in COMMANDS ? [twoWords, ...argv.slice(2)] : argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(`${mainHelp()}\n`);
    return 0;
  }
  let runtime: Runtime | undefined;
  try {
    if (name === undefined) throw new UsageError(`No command given. Commands: ${Object.keys(COMMANDS).join(', ')}; run \`cloudlink --help\` for usage`);
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`Unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}`);
    const { values } = parseArgs({
      args: [...rest],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      io.out(`${commandHelp(name, command)}\n`);
      return 0;
    }
    const strings = values as Record<string, string | undefined>;
    const missing = Object.entries(command.options).filter(([o, d]) => d.required && !strings[o]).map(([o]) => `--${o}`);
    if (missing.length) throw new UsageError(`Missing required option${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}. Usage: ${command.usage}`);
    const config = loadConfig(io.env ?? process.env);
    // Warnings (generated dev keys) go to stderr so stdout stays one JSON document.
    const logger = pino({ level: 'warn', base: null, formatters: { log: (o) => redactSecrets(o) as Record<string, unknown> } }, pino.destination(2));
    const result = await command.run(async (options = {}) => (runtime = await createRuntime(config, logger, { ...options, providers: false })), strings, config);
    io.out(command.text ? String(result) : `${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (e) {
    io.err(`${JSON.stringify(errorBody(e))}\n`);
    return 1;
  } finally {
    await runtime?.close().catch(() => {});
  }
}

function errorBody(e: unknown): Record<string, unknown> {
  if (isEngineError(e)) return { ...e.toBody() };
  if (e instanceof ConfigError) return { error: 'Invalid configuration', message: e.problems.join('; '), details: e.problems };
  if (e instanceof UsageError) return { error: 'Invalid arguments', message: e.message };
  if (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) return { error: 'Invalid arguments', message: e.message };
  return { error: 'Command failed', message: e instanceof Error ? e.message : String(e) };
}

// Run when executed directly (tsx src/cli.ts or bin/cloudlink.mjs), not when imported by tests.
if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  // `cloudlink … | head` closes stdout early; that is not an error of the command.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
