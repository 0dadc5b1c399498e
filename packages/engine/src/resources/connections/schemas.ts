import { z } from 'zod';
import { LIST_PAGE_MAX, pageQueryFields } from '../../pagination/page-query.js';
import { lengthCap } from '../../validation/caps.js';
import { DEFAULT_CONNECTION_TTL } from './records.js';

/**
 * Body and query schemas of the resource-connection routes (see docs/resources.md#resource-connections),
 * with the documented problems as messages; exported for OpenAPI.
 */

const ID_PROBLEM = 'must be a positive integer';
/** A resource id in a body: a JSON integer (at most 15 digits, like path ids). */
const resourceIdField = () =>
  z
    .number({ error: (issue) => (issue.input === undefined ? 'required' : ID_PROBLEM) })
    .int(ID_PROBLEM)
    .positive(ID_PROBLEM)
    .max(999_999_999_999_999, ID_PROBLEM);

const ttlField = z.number({ error: 'must be an integer from 1 to 86400' }).int('must be an integer from 1 to 86400').min(1, 'must be an integer from 1 to 86400').max(86_400, 'must be an integer from 1 to 86400');
const proxiedField = z.boolean({ error: 'must be true or false' });

/** `POST …/resource-connections`. */
export const createResourceConnectionBodySchema = z.object({
  sourceId: resourceIdField().describe('The subdomain'),
  targetId: resourceIdField().describe('A host resource with a dnsTarget'),
  ttl: ttlField.optional().default(DEFAULT_CONNECTION_TTL).describe('Default 300; ignored for alias records'),
  proxied: proxiedField.optional().default(false).describe('Cloudflare zones only, addresses or hostname targets only'),
});
export type CreateResourceConnectionBody = z.input<typeof createResourceConnectionBodySchema>;

/** `PATCH …/resource-connections/:id`: re-point and/or change the options. */
export const updateResourceConnectionBodySchema = z.object({
  targetId: resourceIdField().optional(),
  ttl: ttlField.optional(),
  proxied: proxiedField.optional(),
});
export type UpdateResourceConnectionBody = z.input<typeof updateResourceConnectionBodySchema>;

const QUERY_ID = /^[1-9]\d{0,14}$/;

/** `GET …/resource-connections` query: `resourceId` (source or target) and the page fields. */
export const listResourceConnectionsQuerySchema = z.object({
  resourceId: z
    .union([z.number(), z.string()], { error: ID_PROBLEM })
    .transform((v) => String(v))
    .pipe(z.string().max(...lengthCap(15, ID_PROBLEM)).regex(QUERY_ID, ID_PROBLEM))
    .transform(Number)
    .optional(),
  ...pageQueryFields(LIST_PAGE_MAX),
});
export type ListResourceConnectionsQuery = z.input<typeof listResourceConnectionsQuerySchema>;
