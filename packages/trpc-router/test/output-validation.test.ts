import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import type { AnyTRPCProcedure } from '@trpc/server';
import { createEngine, OPERATION_RESPONSES, type Engine } from '@cloudlink/engine';
import { createTestSecretBox } from '@cloudlink/engine/testing';
import { createSqliteStorage } from '@cloudlink/storage-sqlite';
import type { AddressInfo } from 'node:net';
import { createCloudlinkRouter, type CloudlinkRouter } from '../src/index.js';

/**
 * `validateOutput`: every procedure carries the schema of its documented body (the engine's
 * `OPERATION_RESPONSES`) and, when validating, a result off that schema never reaches the client.
 */
describe('tRPC output validation', () => {
  const storage = createSqliteStorage({ filename: ':memory:' });
  const real = createEngine({ storage, secrets: createTestSecretBox(), publicUrl: 'https://cloudlink.example.com' });
  /** `workspaces.get` of `stray` answers a body with a key its schema does not list; the rest is the real engine. */
  const engine = {
    ...real,
    workspaces: {
      ...real.workspaces,
      get: async (actor: never, input: { workspaceSlug: string }) => {
        const body = await real.workspaces.get(actor, { workspaceSlug: 'acme' });
        return input.workspaceSlug === 'stray' ? { ...body, data: { ...body.data, secretData: 'sealed' } } : body;
      },
    },
  } as Engine;
  let owner = 0;
  const servers: { close(): void }[] = [];

  beforeAll(async () => {
    await storage.migrate();
    owner = (await real.operator.seed({ workspace: 'acme', project: 'web', environment: 'prod', email: 'owner@example.com', role: 'owner' })).user.id;
  });
  afterAll(async () => {
    for (const s of servers) s.close();
    await real.close();
  });

  async function clientOf(validateOutput?: boolean) {
    const router = createCloudlinkRouter({ engine, ...(validateOutput === undefined ? {} : { validateOutput }) });
    const errors: { code: string; cause: unknown }[] = [];
    const server = createHTTPServer({ router, createContext: () => ({ actor: { userId: owner } }), onError: ({ error }) => errors.push({ code: error.code, cause: error.cause }) });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { client: createTRPCClient<CloudlinkRouter>({ links: [httpLink({ url })] }), errors };
  }

  it('refuses a body off its schema with a 500 whose cause names the problem (default on outside production)', async () => {
    const { client, errors } = await clientOf();
    expect((await client.workspaces.get.query({ workspaceSlug: 'acme' })).data.slug).toBe('acme');
    const failed = await client.workspaces.get.query({ workspaceSlug: 'stray' }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(TRPCClientError);
    const shape = (failed as TRPCClientError<CloudlinkRouter>).shape!;
    expect(shape.data.code).toBe('INTERNAL_SERVER_ERROR');
    expect(shape.data.cloudlink).toEqual({ error: 'Internal server error', message: 'An unexpected error occurred' });
    expect(JSON.stringify(shape)).not.toContain('sealed');
    expect(errors.map((e) => e.code)).toEqual(['INTERNAL_SERVER_ERROR']);
    // The log (onError) gets the chain: the engine's internal error, then zod's issue naming the key.
    const chain: string[] = [];
    for (let e: unknown = errors[0]!.cause; e instanceof Error; e = e.cause) chain.push(e.message);
    expect(chain.join('\n')).toContain('secretData');
  });

  it('passes results through unchecked with validateOutput: false', async () => {
    const { client } = await clientOf(false);
    const body = (await client.workspaces.get.query({ workspaceSlug: 'stray' })) as { data: Record<string, unknown> };
    expect(body.data.secretData).toBe('sealed');
  });

  it('is off by default under NODE_ENV=production', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    try {
      const { client } = await clientOf();
      expect(((await client.workspaces.get.query({ workspaceSlug: 'stray' })) as { data: Record<string, unknown> }).data.secretData).toBe('sealed');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('gives every procedure, credentials.issue included, the schema of its operation', () => {
    const router = createCloudlinkRouter({ engine, credentials: true, validateOutput: true });
    const procedures = Object.entries(router._def.procedures as unknown as Record<string, AnyTRPCProcedure>);
    expect(procedures.length).toBeGreaterThan(40);
    for (const [path, procedure] of procedures) {
      expect(path in OPERATION_RESPONSES, path).toBe(true);
      expect((procedure._def as { output?: unknown }).output, path).toBe(OPERATION_RESPONSES[path as keyof typeof OPERATION_RESPONSES]);
    }
    const unchecked = createCloudlinkRouter({ engine, validateOutput: false });
    for (const procedure of Object.values(unchecked._def.procedures as unknown as Record<string, AnyTRPCProcedure>)) expect((procedure._def as { output?: unknown }).output).toBeUndefined();
  });
});
