import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as engineExports from '@cloudlink/engine';
import { OPERATION_RESPONSES, responseSchemaId } from '@cloudlink/engine';
import type { z } from 'zod';
import { createOpenApiDocument, OPERATION_SCHEMAS, REST_ROUTES, type RestRoute } from '../src/index.js';
import { REQUEST_EXAMPLES } from '../src/openapi-examples.js';

type Json = Record<string, unknown>;
const doc = createOpenApiDocument() as Json & { paths: Record<string, Record<string, Json & { responses: Record<string, Json> }>>; components: { schemas: Record<string, Json>; responses: Record<string, Json> } };
const opOf = (route: RestRoute) => doc.paths[route.path.replace(/:([A-Z]+)/gi, '{$1}')]![route.method.toLowerCase()]!;
const resolve = (node: Json): Json => {
  const r = node.$ref;
  if (typeof r !== 'string') return node;
  const [, , kind, name] = r.split('/');
  return resolve((doc.components as unknown as Record<string, Record<string, Json>>)[kind!]![name!]!);
};

/**
 * Every object a schema describes, with where it is: an `object` must list its properties, or say
 * with `additionalProperties` that it is a free-form map; `$ref`s are followed once each.
 */
function objectsWithoutShape(schema: Json, where: string, seen = new Set<string>()): string[] {
  const found: string[] = [];
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}[${i}]`));
    if (node === null || typeof node !== 'object') return;
    const n = node as Json;
    if (typeof n.$ref === 'string') {
      if (seen.has(n.$ref)) return;
      seen.add(n.$ref);
      return walk(resolve(n), n.$ref);
    }
    const isObject = n.type === 'object' || (Array.isArray(n.type) && n.type.includes('object'));
    if (isObject && n.properties === undefined && (n.additionalProperties === undefined || n.additionalProperties === false)) found.push(at);
    for (const [key, value] of Object.entries(n)) if (key !== 'examples' && key !== 'example') walk(value, `${at}.${key}`);
  };
  walk(schema, where);
  return found;
}

describe('OpenAPI success and error responses', () => {
  it('describes every JSON success by the named schema of its operation in OPERATION_RESPONSES', () => {
    for (const route of REST_ROUTES) {
      const success = opOf(route).responses[String(route.status)]!;
      const content = success.content as Record<string, { schema: Json }>;
      if (route.response.kind === 'text' || route.response.kind === 'stream') {
        expect(Object.keys(content), route.operation).toEqual([route.response.contentType.split(';')[0]]);
        continue;
      }
      const id = responseSchemaId(OPERATION_RESPONSES[route.operation]);
      expect(id, route.operation).toBeDefined();
      expect(content['application/json']!.schema, route.operation).toEqual({ $ref: `#/components/schemas/${id}` });
      expect(doc.components.schemas[id!], route.operation).toBeDefined();
    }
  });

  it('has no success response, nor any object inside one, that is an object without properties (free-form maps say additionalProperties)', () => {
    const problems = REST_ROUTES.filter((r) => r.response.kind === 'json').flatMap((route) => {
      const content = opOf(route).responses[String(route.status)]!.content as Record<string, { schema: Json }>;
      return objectsWithoutShape(content['application/json']!.schema, route.operation);
    });
    expect(problems).toEqual([]);
    // The free-form maps are few and deliberate: resource metadata, audit detail (a record schema each).
    const maps = JSON.stringify(doc.components.schemas).match(/"propertyNames":\{"type":"string"\},"additionalProperties":\{\}/g) ?? [];
    expect(maps.length).toBe(2);
  });

  it('names shared shapes once and refers to them ($ref), e.g. the connection object in the list, complete and verify', () => {
    const list = doc.components.schemas.CloudConnectionsListResponse as { properties: { data: { items: Json }; summary: Json } };
    expect(list.properties.data.items).toEqual({ $ref: '#/components/schemas/CloudConnection' });
    for (const name of ['CloudConnectionsCompleteResponse', 'CloudConnectionsVerifyResponse']) {
      expect((doc.components.schemas[name] as { properties: { data: Json } }).properties.data).toEqual({ $ref: '#/components/schemas/CloudConnection' });
    }
    const connection = doc.components.schemas.CloudConnection as { properties: Record<string, Json>; required: string[]; additionalProperties: boolean };
    expect(connection.properties.connectedAt).toEqual({ anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] });
    expect(connection.properties.connectionStatus).toEqual({ type: 'string', enum: ['pending', 'connected', 'failed', 'disconnected'] });
    expect(connection.required).toContain('lastVerificationError');
    expect(connection.additionalProperties).toBe(false);
    // No component is left unused (the registry also names the body of credentials.issue, which REST does not serve).
    expect(doc.components.schemas.CredentialsIssueResponse).toBeUndefined();
  });

  it('documents the errors each route can give, by status, with the extra keys of their kinds', () => {
    const statuses = (operation: string) => Object.keys(opOf(REST_ROUTES.find((r) => r.operation === operation)!).responses).sort();
    for (const route of REST_ROUTES.filter((r) => !r.public)) {
      const listed = Object.keys(opOf(route).responses);
      for (const status of ['400', '401', '403', '404', 'default']) expect(listed, `${route.operation} ${status}`).toContain(status);
      expect(listed.includes('413'), route.operation).toBe((OPERATION_SCHEMAS[route.operation]?.body ?? []).length > 0);
    }
    expect(statuses('workspaces.get')).toEqual(['200', '400', '401', '403', '404', 'default']);
    // 409: `Too many changes` past the safety threshold (docs/records.md#plan-before-apply).
    expect(statuses('dns.upsertRecords')).toEqual(['200', '400', '401', '403', '404', '409', '413', '415', '502', '503', 'default']);
    // A dry run of a connect answers 200 with the plan; the connect itself 201.
    expect(statuses('resourceConnections.create')).toEqual(['200', '201', '400', '401', '403', '404', '409', '413', '415', '502', '503', 'default']);
    expect(statuses('cloudConnections.connectAws')).toEqual(['201', '400', '401', '403', '404', '409', '413', '415', '502', '503', 'default']);
    expect(statuses('publicAssets.jwks')).toEqual(['200', 'default']);
    expect(statuses('publicAssets.gcpSetupScript')).toEqual(['200', '404', 'default']);
    expect(statuses('cloudConnections.azureSetupCallback')).toEqual(['200', '400', '403', '409', '413', '415', '502', '503', 'default']);
    const schemaOf = (operation: string, status: string) => JSON.stringify(resolve(opOf(REST_ROUTES.find((r) => r.operation === operation)!).responses[status]!));
    expect(schemaOf('projects.create', '403')).toContain('PlanLimitError');
    expect(schemaOf('workspaces.get', '403')).not.toContain('PlanLimitError');
    expect(schemaOf('cloudConnections.complete', '400')).toContain('ConnectionTestFailedError');
    expect(schemaOf('resources.sync', '404')).toContain('ZoneGoneError');
    expect(schemaOf('dns.listRecords', '503')).toContain('Retry-After');
    const plan = doc.components.schemas.PlanLimitError as { required: string[] };
    expect(plan.required).toEqual(['error', 'message', 'currentValue', 'limit', 'upgradeRequired']);
    expect((doc.components.schemas.ValidationError as { required: string[] }).required).toEqual(['error', 'message', 'details']);
  });

  it('shows a request example on every write that takes a body, each one a body the engine accepts', () => {
    let checked = 0;
    for (const route of REST_ROUTES) {
      const names = OPERATION_SCHEMAS[route.operation]?.body ?? [];
      const media = (opOf(route).requestBody as { content: Record<string, Json> } | undefined)?.content['application/json'];
      if (names.length === 0) {
        expect(media, route.operation).toBeUndefined();
        continue;
      }
      const examples = REQUEST_EXAMPLES[route.operation];
      expect(examples, route.operation).toBeDefined();
      const values = media!.example !== undefined ? [media!.example] : Object.values(media!.examples as Record<string, { value: unknown }>).map((e) => e.value);
      expect(values.length, route.operation).toBe(Object.keys(examples!).length);
      const schemas = names.map((n) => (engineExports as Record<string, unknown>)[n] as z.ZodType);
      for (const value of values) {
        const accepted = schemas.some((schema) => schema.safeParse(value).success);
        expect(accepted, `${route.operation}: ${JSON.stringify(value)}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
    const complete = REST_ROUTES.find((r) => r.operation === 'cloudConnections.complete')!;
    expect(Object.keys((opOf(complete).requestBody as { content: Record<string, { examples: Json }> }).content['application/json']!.examples)).toEqual(['aws', 'gcp', 'azure']);
  });
});

describe('OpenAPI lint', () => {
  it("passes Redocly's recommended ruleset (redocly.yaml) with no error and no warning", () => {
    const dir = mkdtempSync(join(tmpdir(), 'cloudlink-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(createOpenApiDocument()));
      const packageDir = fileURLToPath(new URL('..', import.meta.url));
      const cli = join(packageDir, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');
      const run = spawnSync(process.execPath, [cli, 'lint', file, '--config', join(packageDir, 'redocly.yaml'), '--format', 'json'], {
        encoding: 'utf8',
        // Offline and quiet: no telemetry, no update check.
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
        timeout: 120_000,
      });
      const report = JSON.parse(run.stdout) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string; location: { pointer: string }[] }[] };
      const problems = report.problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
      expect(problems).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
