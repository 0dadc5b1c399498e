import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validate, ValidationSeverity, type ValidatorSettings } from 'dockerfile-utils';
import { load as loadYaml } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test-support/postgres.js';
import { CONFIG_VARIABLES, loadConfig } from '../src/config.js';
import { envOf, execForm, readDockerfile, type Stage } from './support/dockerfile.js';
import { codeBlocks } from './support/readme.js';
import { REPO_ROOT, runCli, SERVER_DIR, spawnServer, testEnv, type SpawnedServer } from './support/spawn-server.js';

/**
 * The Dockerfile and compose.yaml at the repository root. No Docker daemon is assumed (CI has none),
 * so: the Dockerfile is linted with dockerfile-utils (the validator of VS Code's Docker language
 * server) and its required properties checked on the parsed file; compose.yaml is parsed and its
 * wiring checked, its environment run through the server's own configuration check; and the
 * Dockerfile's own `pnpm deploy` step is run here, and the pruned folder it produces started with
 * the runtime stage's CMD, ENV and HEALTHCHECK — on SQLite and on Postgres — with nothing but that
 * folder, outside the workspace: what the runtime stage copies is all the server needs.
 */

const ALL_RULES_AS_ERRORS: ValidatorSettings = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};

const { text, stages } = readDockerfile();
const build = stages[0]!;
const runtime = stages.at(-1)!;
const steps = (stage: Stage, keyword: string) => stage.steps.filter((s) => s.keyword === keyword);
const rootPackage = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { packageManager: string; engines: { node: string } };
const serverPackage = JSON.parse(readFileSync(path.join(SERVER_DIR, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
/** The variables the server reads, plus the two the runtime reads for it. */
const KNOWN_VARIABLES = new Set<string>([...CONFIG_VARIABLES, 'LOG_LEVEL', 'NODE_ENV']);

/** The build stage's `pnpm … deploy … <target>` step: the command and the folder it fills. */
function deployStep(): { command: string; target: string } {
  const runs = steps(build, 'RUN').filter((s) => /\bpnpm\b.*\sdeploy\s/.test(s.args));
  expect(runs).toHaveLength(1);
  const command = runs[0]!.args.trim();
  return { command, target: command.split(/\s+/).at(-1)! };
}

describe('Dockerfile', () => {
  it('passes dockerfile-utils with every optional rule raised to an error', () => {
    expect(validate(text, ALL_RULES_AS_ERRORS)).toEqual([]);
  });

  it('is checked by a linter that does find problems (a broken copy is refused)', () => {
    const broken = text.replace('HEALTHCHECK --interval=15s', 'HEALTHCHECK --interval=15').replace(/^USER node$/m, 'user node');
    expect(broken).not.toBe(text);
    const problems = validate(broken, ALL_RULES_AS_ERRORS).map((d) => d.message);
    expect(problems.length, problems.join('\n')).toBeGreaterThanOrEqual(2);
  });

  it('builds in one stage and runs in another, from tagged node images of the version the repository declares', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages.map((s) => s.name)).toEqual(expect.arrayContaining(['build', 'runtime']));
    const [minMajor, minMinor] = /^>=(\d+)\.(\d+)/.exec(rootPackage.engines.node)!.slice(1).map(Number) as [number, number];
    for (const stage of stages) {
      const m = /^node:(\d+)\.(\d+)\.(\d+)-([\w.-]+)$/.exec(stage.image);
      expect(m, `${stage.name}: ${stage.image} is a pinned node version`).not.toBeNull();
      const [major, minor] = [Number(m![1]), Number(m![2])];
      expect(major > minMajor || (major === minMajor && minor >= minMinor), `${stage.image} satisfies engines ${rootPackage.engines.node}`).toBe(true);
      expect(stage.image).not.toMatch(/:latest$|^[^:]+$/);
    }
    // The runtime takes only the pruned folder from the build stage.
    const copies = steps(runtime, 'COPY');
    expect(copies.map((c) => c.flags.from)).toEqual(['build']);
    expect(copies[0]!.args.split(/\s+/)[0]).toBe(deployStep().target);
  });

  it('installs the pnpm version of package.json, from the lockfile, offline after one fetch', () => {
    const pinned = /^pnpm@([\d.]+)/.exec(rootPackage.packageManager)![1];
    const installs = steps(build, 'RUN').map((s) => /npm install -g pnpm@(\S+)/.exec(s.args)?.[1]).filter(Boolean);
    expect(installs).toEqual([pinned]);
    const runs = steps(build, 'RUN').map((s) => s.args);
    expect(runs).toContain('pnpm fetch');
    expect(runs).toContain('pnpm install --frozen-lockfile --offline');
    expect(runs).toContain('pnpm build');
    expect(deployStep().command).toMatch(/--prod\b/);
    // better-sqlite3 is compiled from the registry tarball (no prebuilt download) with the toolchain
    // of the full Debian image, for the Node and Debian release the slim runtime has.
    expect(envOf(build)).toMatchObject({ npm_config_build_from_source: 'true' });
    expect(runs.some((r) => /\b(?:apt-get|apt|curl|wget)\b/.test(r)), 'nothing fetched from outside the npm registry').toBe(false);
    expect(build.image).toBe(runtime.image.replace(/-slim$/, ''));
    expect(runtime.image).toMatch(/-slim$/);
  });

  it('runs as an unprivileged user, with a health check on /readyz, the port exposed and the data dir a volume', () => {
    const users = steps(runtime, 'USER').map((s) => s.args.trim());
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0', '0:0']).not.toContain(users.at(-1));
    const userAt = runtime.steps.findIndex((s) => s.keyword === 'USER');
    expect(runtime.steps.slice(userAt).some((s) => s.keyword === 'RUN'), 'no RUN after USER').toBe(false);

    const env = envOf(runtime);
    for (const name of Object.keys(env)) expect(KNOWN_VARIABLES.has(name), `${name} is a documented variable`).toBe(true);
    expect(() => loadConfig(env, '/app')).not.toThrow();
    expect(env).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0' });
    expect(steps(runtime, 'EXPOSE').map((s) => s.args.trim())).toEqual([env.PORT]);
    expect(steps(runtime, 'VOLUME').map((s) => JSON.parse(s.args) as string[]).flat()).toContain(env.CLOUDLINK_DATA_DIR);

    const [healthcheck] = steps(runtime, 'HEALTHCHECK');
    const argv = execForm(healthcheck!.args);
    expect(argv[0]).toBe('node');
    expect(readFileSync(path.join(SERVER_DIR, argv[1]!), 'utf8')).toContain('/readyz');
    expect(execForm(steps(runtime, 'CMD').at(-1)!.args)).toEqual(['node', 'dist/main.js']);
  });

  it('leaves installed, built and secret files out of the build context, and keeps what the build copies', () => {
    const ignored = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['.git', '**/node_modules', '**/dist', '**/data', '.env']));
    const copied = steps(build, 'COPY').flatMap((s) => s.args.split(/\s+/).slice(0, -1));
    for (const file of copied.filter((f) => f !== '.')) {
      expect(existsSync(path.join(REPO_ROOT, file)), file).toBe(true);
      expect(ignored).not.toContain(file);
    }
  });
});

describe('compose.yaml', () => {
  type Service = {
    image?: string;
    build?: { context: string; dockerfile: string };
    environment: Record<string, string>;
    depends_on?: Record<string, { condition: string }>;
    healthcheck?: { test: string[] };
    volumes?: string[];
    ports?: string[];
    stop_grace_period?: string;
  };
  const compose = loadYaml(readFileSync(path.join(REPO_ROOT, 'compose.yaml'), 'utf8')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
  const { postgres, cloudlink } = compose.services as { postgres: Service; cloudlink: Service };
  /** Compose's interpolation of `${VAR}`, `${VAR:-default}` and `${VAR:?message}` against `vars`. */
  const interpolate = (value: string, vars: Record<string, string>) =>
    value.replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_, name: string, op?: string, rest?: string) => {
      if (vars[name]) return vars[name];
      if (op === '?') throw new Error(`${name}: ${rest}`);
      return op === '-' ? rest! : '';
    });

  it('runs Postgres 15 with a health check, and the server once it is healthy', () => {
    expect(postgres.image).toMatch(/^postgres:15(?:[.-]|$)/);
    expect(postgres.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(cloudlink.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(cloudlink.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    expect(cloudlink.image).not.toMatch(/:latest$/);
  });

  it('keeps both databases on named volumes, and gives the server longer to stop than its grace period', () => {
    const named = [...(postgres.volumes ?? []), ...(cloudlink.volumes ?? [])].map((v) => v.split(':')[0]!);
    expect(named.length).toBe(2);
    for (const volume of named) expect(Object.keys(compose.volumes)).toContain(volume);
    const env = envOf(runtime);
    expect(cloudlink.volumes).toContain(`cloudlink-data:${env.CLOUDLINK_DATA_DIR}`);
    expect(cloudlink.ports).toEqual([`${env.PORT}:${env.PORT}`]);
    const grace = Number(cloudlink.environment.CLOUDLINK_SHUTDOWN_GRACE_SECONDS ?? env.CLOUDLINK_SHUTDOWN_GRACE_SECONDS);
    expect(Number(/^(\d+)s$/.exec(cloudlink.stop_grace_period ?? '')?.[1])).toBeGreaterThan(grace);
  });

  it('passes only documented variables, refuses to start without the secrets, and with the README\'s .env passes the server\'s check', () => {
    for (const name of Object.keys(cloudlink.environment)) expect(KNOWN_VARIABLES.has(name), name).toBe(true);
    // The README's command that writes `.env`, run as written (its block's lines up to `> .env`).
    const block = codeBlocks('With Docker Compose', 'bash')[0]!.split('\n');
    const writeEnv = block.slice(0, block.findIndex((l) => l.endsWith('> .env')) + 1).join('\n');
    const dir = mkdtempSync(path.join(tmpdir(), 'cloudlink-compose-'));
    const written = spawnSync('bash', ['-euo', 'pipefail', '-c', writeEnv], { cwd: dir, encoding: 'utf8' });
    expect(written.status, written.stderr).toBe(0);
    const dotEnv = Object.fromEntries(
      readFileSync(path.join(dir, '.env'), 'utf8').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    ) as Record<string, string>;
    rmSync(dir, { recursive: true, force: true });
    expect(Object.keys(dotEnv).sort()).toEqual(['CLOUDLINK_ENCRYPTION_KEYS', 'CLOUDLINK_JWT_SECRET', 'POSTGRES_PASSWORD']);
    const env = Object.fromEntries(Object.entries(cloudlink.environment).map(([k, v]) => [k, interpolate(String(v), dotEnv)]));
    const config = loadConfig({ ...envOf(runtime), ...env }, '/app');
    const db = new URL(config.databaseUrl!);
    expect(db.hostname).toBe('postgres');
    expect(db.username).toBe(postgres.environment.POSTGRES_USER);
    expect(db.pathname).toBe(`/${postgres.environment.POSTGRES_DB}`);
    expect(decodeURIComponent(db.password)).toBe(interpolate(postgres.environment.POSTGRES_PASSWORD!, dotEnv));
    for (const secret of Object.keys(dotEnv)) {
      const without = { ...dotEnv, [secret]: '' };
      expect(() => [...Object.values(cloudlink.environment), ...Object.values(postgres.environment)].map((v) => interpolate(String(v), without)), secret).toThrow(secret);
    }
  });
});

describe('the runtime stage, built outside Docker', { timeout: 120_000 }, () => {
  let scratch: string;
  let app: string;
  let db: TestDatabase | undefined;
  const servers: SpawnedServer[] = [];

  beforeAll(() => {
    // Outside the repository, so nothing resolves from the workspace's node_modules by accident.
    scratch = mkdtempSync(path.join(tmpdir(), 'cloudlink-image-'));
    app = path.join(scratch, 'app');
    const { command, target } = deployStep();
    const run = spawnSync('sh', ['-c', `${command.slice(0, -target.length)}${JSON.stringify(app)}`], {
      cwd: REPO_ROOT,
      env: { ...process.env, CI: 'true' },
      encoding: 'utf8',
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await db?.drop();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** Start the pruned server as the image does: its CMD, from its WORKDIR, with its ENV. */
  async function startLikeTheImage(extra: Record<string, string>): Promise<{ server: SpawnedServer; env: Record<string, string> }> {
    const [, ...args] = execForm(steps(runtime, 'CMD').at(-1)!.args);
    const env = { ...testEnv(), ...envOf(runtime), PORT: '0', CLOUDLINK_DATA_DIR: path.join(scratch, `data-${servers.length}`), ...extra };
    const server = await spawnServer(env, 30_000, { cwd: app, args });
    servers.push(server);
    return { server, env };
  }

  /** The image's HEALTHCHECK command, run against `server`. */
  function healthcheck(port: string): number | null {
    const [, ...args] = execForm(steps(runtime, 'HEALTHCHECK')[0]!.args);
    return spawnSync(process.execPath, args, { cwd: app, env: { PATH: process.env.PATH ?? '', HOST: envOf(runtime).HOST!, PORT: port }, encoding: 'utf8' }).status;
  }

  it('holds the built server with production dependencies only', () => {
    expect(existsSync(path.join(app, 'dist/main.js'))).toBe(true);
    expect(existsSync(path.join(app, 'node_modules/@cloudlink/engine/dist/index.js'))).toBe(true);
    for (const left of ['src', 'test', 'bench', 'tsconfig.json']) expect(existsSync(path.join(app, left)), left).toBe(false);
    const top = path.join(app, 'node_modules');
    const installed = new Set(
      readdirSync(top).flatMap((n) => (n.startsWith('@') ? readdirSync(path.join(top, n)).map((m) => `${n}/${m}`) : [n])),
    );
    expect(installed).toContain('better-sqlite3');
    for (const dev of Object.keys(serverPackage.devDependencies)) expect(installed.has(dev), dev).toBe(false);
  });

  it('serves /readyz on SQLite, passes its health check, runs the CLI, and fails the check once stopped', async () => {
    const { server, env } = await startLikeTheImage({});
    const { port } = new URL(server.url);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(healthcheck(port)).toBe(0);

    // The CLI of the image (bin/cloudlink.mjs: nothing to build in a deployed copy) on the same data dir.
    const seeded = await runCli(['seed', '--workspace', 'acme', '--project', 'shop', '--environment', 'prod', '--email', 'o@example.com', '--role', 'owner'], env, app);
    expect(seeded.code, seeded.stderr).toBe(0);
    const { token } = JSON.parse(seeded.stdout) as { token: string };
    expect((await fetch(`${server.url}/api/workspaces/acme`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    // The API reference page and its renderer, resolved from the pruned node_modules.
    expect((await fetch(`${server.url}/docs`)).status).toBe(200);
    const renderer = await fetch(`${server.url}/docs/scalar-api-reference.js`);
    expect([renderer.status, (await renderer.text()).includes('createApiReference')]).toEqual([200, true]);

    expect(await server.stop()).toBe(0);
    expect(healthcheck(port)).toBe(1);
    for (const line of server.lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
  });

  it('serves /readyz on Postgres, with the pg-boss schedule, and stops cleanly', async () => {
    db = await createTestDatabase('cloudlink_image');
    const { server } = await startLikeTheImage({ DATABASE_URL: db.url });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(healthcheck(new URL(server.url).port)).toBe(0);
    expect(server.lines.some((l) => l.includes('"queue":"pg-boss"'))).toBe(true);
    expect(await server.stop()).toBe(0);
  });
});
