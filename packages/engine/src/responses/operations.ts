import type { z } from 'zod';
import { ADMIN_RESPONSES } from './admin.js';
import { AUDIT_RESPONSES } from './audit.js';
import { responseRegistry } from './common.js';
import { CONNECTION_RESPONSES } from './connections.js';
import { CREDENTIAL_RESPONSES } from './credentials.js';
import { DNS_RESPONSES } from './dns.js';
import { RESOURCE_RESPONSES } from './resources.js';
import { ZONEFILE_RESPONSES } from './zonefile.js';

/**
 * The success body of every operation the adapters expose, by `'<group>.<method>'` of the `Engine`:
 * the REST router documents them in its OpenAPI document, the tRPC router validates its outputs with
 * them, and the engine's services are typed by them (`OperationResponse`). Text documents (the AWS
 * template, the setup scripts) are strings.
 */
export const OPERATION_RESPONSES = {
  ...ADMIN_RESPONSES,
  ...AUDIT_RESPONSES,
  ...CONNECTION_RESPONSES,
  ...DNS_RESPONSES,
  ...ZONEFILE_RESPONSES,
  ...RESOURCE_RESPONSES,
  ...CREDENTIAL_RESPONSES,
} as const;

export type ResponseOperation = keyof typeof OPERATION_RESPONSES;

/** The success body of `operation`, as the engine returns it and the transports send it. */
export type OperationResponse<K extends ResponseOperation> = z.output<(typeof OPERATION_RESPONSES)[K]>;

/** `workspaces.create` → `WorkspacesCreateResponse`: the component name of an operation's body. */
export function responseSchemaName(operation: string): string {
  return `${operation
    .split('.')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}Response`;
}

// Each body gets a name in the registry unless it is a named shape already (`Message`, the OIDC documents).
for (const [operation, schema] of Object.entries(OPERATION_RESPONSES) as [string, z.ZodType][]) {
  if (!responseRegistry.has(schema)) schema.register(responseRegistry, { id: responseSchemaName(operation) });
}

/** The id of `schema` in the response registry (the OpenAPI component it becomes), if it has one. */
export function responseSchemaId(schema: z.ZodType): string | undefined {
  return responseRegistry.get(schema)?.id;
}
