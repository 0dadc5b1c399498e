import { jwtVerify } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test-support/postgres.js';
import { runCli as runCliInProcess } from '../src/cli.js';
import { runCli, testEnv } from './support/spawn-server.js';

const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const db of databases) await db.drop();
});

const backends = [
  { name: 'sqlite', env: async () => testEnv() },
  {
    name: 'postgres',
    env: async () => {
      const db = await createTestDatabase('cloudlink_cli');
      databases.push(db);
      return testEnv({ DATABASE_URL: db.url });
    },
  },
];

describe.each(backends)('cloudlink CLI on $name', { timeout: 120_000 }, ({ env: makeEnv }) => {
  it('migrate applies migrations once; seed is idempotent and prints a 7-day token the server accepts', async () => {
    const env = await makeEnv();
    const first = await runCli(['migrate'], env);
    expect(first.code, first.stderr).toBe(0);
    const applied = (JSON.parse(first.stdout) as { applied: string[] }).applied;
    expect(applied.length).toBeGreaterThan(0);
    expect(JSON.parse((await runCli(['migrate'], env)).stdout)).toEqual({ applied: [] });

    const args = ['seed', '--workspace', 'acme', '--project', 'shop', '--environment', 'prod', '--email', 'Dev@Example.com', '--role', 'dev', '--plan', 'pro'];
    const seeded = await runCli(args, env);
    expect(seeded.code, seeded.stderr).toBe(0);
    const out = JSON.parse(seeded.stdout) as { token: string; workspace: { slug: string }; project: { slug: string }; environment: { slug: string }; user: { id: number; email: string } };
    expect(out.workspace.slug).toBe('acme');
    expect(out.project.slug).toBe('shop');
    expect(out.environment.slug).toBe('prod');
    expect(out.user.email).toBe('dev@example.com');
    const { payload, protectedHeader } = await jwtVerify(out.token, new TextEncoder().encode(env.CLOUDLINK_JWT_SECRET));
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload.sub).toBe(String(out.user.id));
    expect(payload.exp! - payload.iat!).toBe(7 * 24 * 3600);

    const again = JSON.parse((await runCli(args, env)).stdout) as typeof out;
    expect(again.user.id).toBe(out.user.id);
    expect(again.workspace).toEqual(out.workspace);

    const token = await runCli(['token', '--email', 'dev@example.com'], env);
    expect(token.code, token.stderr).toBe(0);
    expect((await jwtVerify((JSON.parse(token.stdout) as { token: string }).token, new TextEncoder().encode(env.CLOUDLINK_JWT_SECRET))).payload.sub).toBe(String(out.user.id));

    const rotated = await runCli(['rotate-oidc-key'], env);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(JSON.parse(rotated.stdout)).toMatchObject({ kid: expect.any(String), signingFrom: expect.any(String) });
    const re = await runCli(['reencrypt'], env);
    expect(re.code, re.stderr).toBe(0);
    expect(JSON.parse(re.stdout)).toEqual({ reencrypted: expect.any(Number) });
  });
});

/** The CLI in-process (same code as the bin, without a process start-up per call). */
async function inProcess(args: string[], env: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const code = await runCliInProcess(args, { out: (t) => (stdout += t), err: (t) => (stderr += t), env });
  return { code, stdout, stderr };
}

describe('cloudlink CLI errors and help', { timeout: 120_000 }, () => {
  it('answers --help on every command with exit 0 (through the bin too)', async () => {
    const env = testEnv();
    for (const command of [[], ['seed'], ['token'], ['migrate'], ['reencrypt'], ['rotate-oidc-key']]) {
      const r = await inProcess([...command, '--help'], env);
      expect(r.code, command.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^Usage: cloudlink/);
    }
    const bin = await runCli(['seed', '--help'], env);
    expect(bin.code).toBe(0);
    expect(bin.stdout).toContain('--workspace');
  });

  it('prints a JSON error on stderr and exits 1: unknown email, missing option, bad role, bad env', async () => {
    const env = testEnv();
    const unknown = await runCli(['token', '--email', 'nobody@example.com'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(JSON.parse(unknown.stderr)).toEqual({ error: 'User not found', message: 'No user with this email exists' });

    const none = await inProcess([], env);
    expect(none.code).toBe(1);
    expect(none.stdout).toBe('');
    expect(JSON.parse(none.stderr)).toMatchObject({ error: 'Invalid arguments', message: expect.stringContaining('No command given') });

    const missing = await inProcess(['seed', '--workspace', 'a'], env);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stderr)).toMatchObject({ error: 'Invalid arguments', message: expect.stringContaining('--project') });

    const unknownOption = await inProcess(['migrate', '--force'], env);
    expect(unknownOption.code).toBe(1);
    expect(JSON.parse(unknownOption.stderr)).toMatchObject({ error: 'Invalid arguments' });

    const badRole = await inProcess(['seed', '--workspace', 'acme', '--project', 'p', '--environment', 'e', '--email', 'a@b.co', '--role', 'king'], env);
    expect(badRole.code).toBe(1);
    expect(JSON.parse(badRole.stderr)).toMatchObject({ error: 'Validation failed', message: expect.stringContaining('role') });

    const badEnv = await inProcess(['migrate'], { ...env, CLOUDLINK_AWS_ACCOUNT_ID: '12' });
    expect(badEnv.code).toBe(1);
    expect(JSON.parse(badEnv.stderr)).toMatchObject({ error: 'Invalid configuration', message: expect.stringContaining('CLOUDLINK_AWS_ACCOUNT_ID') });
  });
});
