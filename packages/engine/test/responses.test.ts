import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cloudConnectionSchema, OPERATION_RESPONSES, responseRegistry, responseSchemaId, responseSchemaName, workspaceSchema } from '../src/index.js';
import { createTestEngine } from './support/engine.js';

/** The map of response schemas and what it promises (docs/api-responses.md). */
describe('OPERATION_RESPONSES', () => {
  it('names only operations the engine has', async () => {
    const { engine } = await createTestEngine();
    for (const operation of Object.keys(OPERATION_RESPONSES)) {
      const [group, method] = operation.split('.') as [string, string];
      const fn = (engine as unknown as Record<string, Record<string, unknown> | undefined>)[group]?.[method];
      expect(typeof fn, operation).toBe('function');
    }
  });

  it('gives every JSON body a component name, each name once', () => {
    const ids = new Map<string, string>();
    for (const [operation, schema] of Object.entries(OPERATION_RESPONSES)) {
      const id = responseSchemaId(schema);
      expect(id, operation).toBeDefined();
      if (ids.has(id!)) expect(OPERATION_RESPONSES[ids.get(id!) as keyof typeof OPERATION_RESPONSES], `${operation} shares ${id}`).toBe(schema);
      else ids.set(id!, operation);
    }
    expect(responseSchemaId(OPERATION_RESPONSES['workspaces.create'])).toBe(responseSchemaName('workspaces.create'));
    expect(responseSchemaName('resourceConnections.delete')).toBe('ResourceConnectionsDeleteResponse');
    // The shared shapes keep their own names; the registry converts as a whole (what OpenAPI does).
    expect(responseSchemaId(OPERATION_RESPONSES['members.remove'])).toBe('Message');
    expect(Object.keys(z.toJSONSchema(responseRegistry, { io: 'output', uri: (id) => id }).schemas)).toContain('CloudConnection');
  });

  it('is strict: a stray key, a missing key, a wrong type or a non-ISO time fails', () => {
    const workspace = {
      id: 1, name: 'Acme', slug: 'acme', description: null, profileImage: null, planId: 1, isActive: true,
      createdAt: '2026-01-15T10:30:00.000Z', updatedAt: '2026-01-15T10:30:00.000Z',
    };
    expect(workspaceSchema.safeParse(workspace).success).toBe(true);
    expect(workspaceSchema.safeParse({ ...workspace, secretData: 'x' }).success).toBe(false);
    const { description: _d, ...withoutDescription } = workspace;
    expect(workspaceSchema.safeParse(withoutDescription).success).toBe(false);
    expect(workspaceSchema.safeParse({ ...workspace, id: '1' }).success).toBe(false);
    expect(workspaceSchema.safeParse({ ...workspace, createdAt: 'yesterday' }).success).toBe(false);
    expect(OPERATION_RESPONSES['workspaces.create'].safeParse({ message: 'Workspace created successfully', data: workspace }).success).toBe(true);
    expect(cloudConnectionSchema.safeParse({}).success).toBe(false);
  });

  it('describes what the engine answers: a created workspace, its usage and an empty connection list', async () => {
    const t = await createTestEngine();
    const { actor, workspaceSlug } = await t.workspace('owner@example.com', 'Acme');
    const answers = {
      'workspaces.get': await t.engine.workspaces.get(actor, { workspaceSlug }),
      'workspaces.usage': await t.engine.workspaces.usage(actor, { workspaceSlug }),
      'cloudConnections.list': await t.engine.cloudConnections.list(actor, { workspaceSlug }),
      'members.list': await t.engine.members.list(actor, { workspaceSlug }),
      'publicAssets.jwks': await t.engine.publicAssets.jwks(),
      'publicAssets.openidConfiguration': await t.engine.publicAssets.openidConfiguration(),
    } as const;
    for (const [operation, body] of Object.entries(answers)) {
      const parsed = OPERATION_RESPONSES[operation as keyof typeof answers].safeParse(body);
      expect(parsed.success ? [] : parsed.error.issues, operation).toEqual([]);
    }
  });
});
