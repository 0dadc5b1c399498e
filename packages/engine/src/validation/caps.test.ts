import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { longestPatternInput } from '../../../../test-support/work.js';
import { addMemberBodySchema, seedInputSchema } from '../admin/schemas.js';
import {
  azureCallbackBodySchema,
  completeAwsBodySchema,
  completeAzureBodySchema,
  completeGcpBodySchema,
  connectAwsBodySchema,
  connectAzureBodySchema,
  connectGcpBodySchema,
  listConnectionsQuerySchema,
} from '../connections/schemas.js';
import { createZoneBodySchema, listResourcesQuerySchema } from '../dns/schemas.js';
import { validationFailure } from '../testing/engine-error.js';
import { FIELD_CAPS } from './caps.js';
import { parseInput, parsePathId } from './parse.js';

/** Far over every cap: what a 5 MB body can carry in one field. */
const HUGE = 1_000_000;
const GUID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const wif = { projectNumber: '123', poolId: 'pool-1', providerId: 'prov-1', serviceAccountEmail: 'sa@p.iam.gserviceaccount.com', projectId: 'my-project' };
const azure = { tenantId: GUID, subscriptionId: GUID, clientId: GUID, clientSecret: 's' };

const rejection = (schema: z.ZodType, input: unknown) => validationFailure(() => parseInput(schema, input));

/** [field, schema, a valid body, an over-long value for the field (a pattern would otherwise scan it), cap, message] */
const CASES: [string, z.ZodType, Record<string, unknown>, string, number, string?][] = [
  ['email', addMemberBodySchema, { email: 'a@example.com' }, `${'a'.repeat(HUGE)}@example.com`, FIELD_CAPS.email],
  ['workspace', seedInputSchema, { workspace: 'w', project: 'p', environment: 'e', email: 'a@b.co', role: 'owner' }, 'a'.repeat(HUGE), FIELD_CAPS.slug],
  ['email', seedInputSchema, { workspace: 'w', project: 'p', environment: 'e', email: 'a@b.co', role: 'owner' }, `${'a.'.repeat(HUGE)}@b.co`, FIELD_CAPS.email],
  ['region', connectAwsBodySchema, {}, `us${'-east'.repeat(HUGE)}`, FIELD_CAPS.region],
  ['region', connectGcpBodySchema, {}, 'a'.repeat(HUGE), FIELD_CAPS.region],
  ['region', connectAzureBodySchema, {}, 'a'.repeat(HUGE), FIELD_CAPS.region],
  ['accountId', completeAwsBodySchema, { accountName: 'n', accountId: '123456789012' }, '1'.repeat(HUGE), FIELD_CAPS.identifier],
  ['projectId', completeGcpBodySchema, { accountName: 'n', wifConfig: wif, projectId: 'my-project' }, 'a'.repeat(HUGE), FIELD_CAPS.identifier],
  ['wifConfig', completeGcpBodySchema, { accountName: 'n', projectId: 'my-project', wifConfig: wif }, 'A'.repeat(HUGE), FIELD_CAPS.encodedObject],
  ['tenantId', completeAzureBodySchema, { accountName: 'n', ...azure }, `${'a.'.repeat(HUGE)}com`, FIELD_CAPS.tenant],
  ['clientId', completeAzureBodySchema, { accountName: 'n', ...azure }, GUID.repeat(HUGE / 36), FIELD_CAPS.identifier],
  ['subscriptionId', azureCallbackBodySchema, { token: 't', ...azure }, 'a'.repeat(HUGE), FIELD_CAPS.identifier],
  ['azureCredentials', completeAzureBodySchema, { accountName: 'n', azureCredentials: JSON.stringify(azure) }, 'e'.repeat(HUGE), FIELD_CAPS.encodedObject],
  ['provider_id', listConnectionsQuerySchema, {}, '1'.repeat(HUGE), 15, 'must be a positive integer'],
  ['domainName', createZoneBodySchema, { name: 'n', domainName: 'example.com' }, `${'a.'.repeat(HUGE)}com`, 253],
  ['cloudflareApiToken', createZoneBodySchema, { name: 'n', domainName: 'example.com', provider: 'cloudflare', cloudflareApiToken: 'tok' }, 't'.repeat(HUGE), FIELD_CAPS.apiToken],
  ['region', listResourcesQuerySchema, {}, 'a'.repeat(HUGE), FIELD_CAPS.filter],
];

describe('string fields are capped before any pattern runs', () => {
  it.each(CASES)('%s (%#): refused with 400 Validation failed naming the field', async (field, schema, body, value, cap, message) => {
    const probe = await longestPatternInput(() => {
      const r = rejection(schema, { ...body, [field]: value });
      expect(r.details).toEqual([{ path: field, message: message ?? `must be at most ${cap} characters` }]);
    });
    // Patterns may run on the other (short) fields, never on the over-long one.
    expect(probe.longest).toBeLessThan(200);
  });

  it.each(CASES)('%s (%#): the valid body passes', (_field, schema, body) => {
    expect(() => parseInput(schema, body)).not.toThrow();
  });

  it('path ids: more than 15 characters are refused before the pattern', async () => {
    const invalid = () => new Error('invalid id');
    const probe = await longestPatternInput(() => expect(() => parsePathId('1'.repeat(HUGE), invalid)).toThrow('invalid id'));
    expect(probe.longest).toBe(0);
    expect(parsePathId('123456789012345', invalid)).toBe(123456789012345);
  });
});
