import { describe, expect, it } from 'vitest';
import { compileErrors, validate } from '@readme/openapi-parser';
import * as engineExports from '@cloudlink/engine';
import { z } from 'zod';
import { createOpenApiDocument, OPERATION_SCHEMAS, REST_ROUTES } from '../src/index.js';

function countExported(): number {
  return REST_ROUTES.filter((r) => (OPERATION_SCHEMAS[r.operation]?.body ?? []).some((n) => (engineExports as Record<string, unknown>)[n] instanceof z.ZodType)).length;
}

type Doc = { paths: Record<string, Record<string, { operationId: string; security?: unknown[]; parameters?: { name: string; in: string }[]; requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }>> };

describe('OpenAPI document', () => {
  const doc = createOpenApiDocument({ title: 'cloudlink test', serverUrl: 'https://cloudlink.example.com/api' }) as unknown as Doc;

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('describes every route of the table, with its method, once', () => {
    for (const route of REST_ROUTES) {
      const path = route.path.replace(/:([A-Z]+)/gi, '{$1}');
      const op = doc.paths[path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(op!.security === undefined, `${route.path} security`).toBe(!route.public);
    }
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares documented query parameters that have no engine schema', () => {
    const del = doc.paths['/{projectSlug}/{environmentSlug}/resources/{resourceId}']!.delete!;
    expect(del.parameters!.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(['deleteFromCloud', 'dryRun']);
    expect(del.requestBody).toBeUndefined();
  });

  it('lists exactly the query parameters each route declares (the ones the router reads)', () => {
    for (const route of REST_ROUTES) {
      const op = doc.paths[route.path.replace(/:([A-Z]+)/gi, '{$1}')]![route.method.toLowerCase()]!;
      const listed = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      expect(listed, route.operation).toEqual(route.query.map((q) => q.name));
    }
    const lists = REST_ROUTES.filter((r) => r.operation.endsWith('.list') || r.operation.startsWith('dns.list'));
    expect(lists.map((r) => r.operation).sort()).toEqual([
      'audit.list',
      'cloudConnections.list',
      'dns.listRecords',
      'dns.listZones',
      'environments.list',
      'members.list',
      'projects.list',
      'resourceConnections.list',
      'resources.list',
      'subdomains.list',
      'workspaces.list',
    ]);
    for (const route of lists) expect(route.query.map((q) => q.name).slice(-2), route.operation).toEqual(['limit', 'cursor']);
    const writes = REST_ROUTES.filter((r) => r.method !== 'GET' && r.query.length > 0);
    // Only flags that make a write do less (deleteFromCloud=false, dryRun) or that a write refused without them needs (force),
    // and the zone-file import's `replace`: its text/dns body (which no cross-site form can send) has no room for options.
    expect(writes.map((r) => `${r.operation}:${r.query.map((q) => q.name).join(',')}`)).toEqual([
      'dns.upsertRecords:dryRun,force',
      'dns.deleteRecords:dryRun,force',
      'dns.importZoneFile:dryRun,force,replace',
      'resources.delete:deleteFromCloud,dryRun',
      'subdomains.delete:deleteFromCloud',
      'resourceConnections.create:dryRun,force',
      'resourceConnections.update:dryRun,force',
      'resourceConnections.delete:dryRun,force',
    ]);
  });

  it('documents the 415 of every write', () => {
    const untyped = doc as unknown as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    for (const route of REST_ROUTES) {
      const op = untyped.paths[route.path.replace(/:([A-Z]+)/gi, '{$1}')]![route.method.toLowerCase()]!;
      expect('415' in op.responses, route.operation).toBe(route.method !== 'GET');
    }
  });

  it('describes a declared filter by the engine query schema', () => {
    const list = doc.paths['/cloud-connections/{workspaceSlug}']!.get! as unknown as { parameters: { name: string; in: string; schema: { enum?: string[] } }[] };
    expect(list.parameters.find((p) => p.name === 'provider')!.schema.enum).toEqual(['aws', 'gcp', 'azure']);
  });

  it('declares the path parameters of each route', () => {
    const op = doc.paths['/{projectSlug}/{environmentSlug}/dns/{id}/records']!.post!;
    expect(op.parameters!.map((p) => `${p.in}:${p.name}`)).toEqual(['path:projectSlug', 'path:environmentSlug', 'path:id', 'query:dryRun', 'query:force']);
  });

  it('describes each body by the engine schema when the engine exports it, else as a plain object', () => {
    let described = 0;
    for (const route of REST_ROUTES) {
      const names = OPERATION_SCHEMAS[route.operation]?.body ?? [];
      const exported = names.map((n) => (engineExports as Record<string, unknown>)[n]).filter((s): s is z.ZodType => s instanceof z.ZodType);
      const op = doc.paths[route.path.replace(/:([A-Z]+)/gi, '{$1}')]![route.method.toLowerCase()]!;
      const schema = op.requestBody?.content['application/json']?.schema;
      if (exported.length === 0) {
        expect(schema, route.operation).toEqual(names.length > 0 ? { type: 'object' } : undefined);
        continue;
      }
      described++;
      const expected = exported.map((e) => {
        const { $schema: _s, ...rest } = z.toJSONSchema(e, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
        return rest;
      });
      expect(schema, route.operation).toEqual(expected.length === 1 ? expected[0] : { anyOf: expected });
    }
    // Grows as the engine exports its schemas; the count pins what the document picked up.
    expect(described).toBe(countExported());
  });

  it('describes complete as one body per provider, and required fields', () => {
    const body = doc.paths['/cloud-connections/{workspaceSlug}/{connectionId}/complete']!.post!.requestBody!;
    const schema = body.content['application/json']!.schema as { anyOf?: { properties?: Record<string, unknown> }[] };
    expect(schema.anyOf?.length).toBe(3);
    expect(Object.keys(schema.anyOf![0]!.properties ?? {})).toEqual(['accountId', 'accountName']);
    const ws = doc.paths['/workspaces']!.post!.requestBody!.content['application/json']!.schema as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(ws.properties)).toEqual(['name', 'description']);
    expect(ws.required).toEqual(['name']);
  });

  it('shows the records item fields alias and proxied, and hostedZoneId of a zone create', () => {
    const json = (path: string, method: string) => JSON.stringify(Object.entries(doc.paths).find(([p]) => p.endsWith(path))?.[1]?.[method]?.requestBody);
    const records = json('/dns/{id}/records', 'post');
    for (const field of ['"alias"', '"target"', '"evaluateTargetHealth"', '"proxied"']) expect(records).toContain(field);
    expect(json('/dns', 'post')).toContain('"hostedZoneId"');
  });

  it('names only operations of the table in OPERATION_SCHEMAS', () => {
    const operations = new Set(REST_ROUTES.map((r) => r.operation));
    for (const op of Object.keys(OPERATION_SCHEMAS)) expect(operations.has(op as never), op).toBe(true);
  });
});
