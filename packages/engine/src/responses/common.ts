import { z } from 'zod';

/**
 * Building blocks of the response schemas (docs/api-responses.md). Every success body the engine
 * returns is described by one schema of this folder, and the serializers are typed by them, so a
 * body and its schema cannot drift: a field added to one and not the other fails to compile.
 *
 * The objects are strict: a key the schema does not list fails validation instead of passing
 * unseen (the tRPC router validates outputs outside production, the tests validate every answer).
 */

/**
 * The registry naming the shared shapes (`Workspace`, `CloudConnection`, …) and every operation's
 * body: the OpenAPI document turns each entry into a component. A registry of our own, not zod's
 * global one, so a host using the same ids for its own schemas never collides with ours.
 */
export const responseRegistry = z.registry<{ id: string; description?: string }>();

/** Register `schema` as the named shape `id` (an OpenAPI component) and return it. */
export function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  responseRegistry.add(schema, description === undefined ? { id } : { id, description });
  return schema;
}

/** A row id: a positive integer (ids are at most 15 digits, see docs/errors.md). */
export const idSchema = z.int().positive();

/** An ISO 8601 UTC timestamp with milliseconds, as `Date#toISOString` writes it. */
export const isoDateSchema = z.iso.datetime();

/** Every success body has a human `message`; clients switch on the status, never on its text. */
export const messageSchema = z.string();

/** A free-form JSON object (host metadata, audit detail): its keys are not ours to list. */
export const jsonObjectSchema = z.record(z.string(), z.unknown());

/** `{ message, data }`: what a single-object answer (get, create, update) looks like. */
export function dataEnvelope<T extends z.ZodType>(data: T) {
  return z.strictObject({ message: messageSchema, data });
}

/** `{ message }`: a delete or removal that returns nothing else. */
export const messageOnlySchema = named('Message', z.strictObject({ message: messageSchema }), 'A success that returns nothing but its message');

/**
 * One page of a list: `count` is the length of `data`; `nextCursor` is the `cursor` of the next page,
 * `null` on the last one (docs/errors.md#the-envelope). `extra` are the documented top-level keys of
 * a list that has them (`summary`, `project`, `filters`, `counts`), placed where the engine writes them.
 */
export function listEnvelope<T extends z.ZodType, E extends z.ZodRawShape = Record<never, never>>(item: T, extra?: E) {
  return z.strictObject({
    message: messageSchema,
    ...(extra ?? ({} as E)),
    count: z.int().nonnegative(),
    data: z.array(item),
    nextCursor: z.string().nullable(),
  });
}

/** `{ id, slug, name }` of a project or environment inside another object. */
export const scopeRefSchema = named('ScopeRef', z.strictObject({ id: idSchema, slug: z.string(), name: z.string() }), 'A project or environment named inside another object');
export type ScopeRef = z.output<typeof scopeRefSchema>;

/** A canvas position, or `null` when none was set. */
export const positionSchema = z.strictObject({ x: z.number(), y: z.number() }).nullable();
