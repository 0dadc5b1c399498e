import { unsupportedMediaType } from '@cloudlink/engine';
import type { Actor, Engine } from '@cloudlink/engine';

/** What an engine operation looks like before its service is typed: any object in, any body out. */
export type LooseOperation = (actor: Actor | null, input: Record<string, unknown>) => Promise<unknown>;

/**
 * The engine method `Engine[G][M]`, or `LooseOperation` while that method does not exist yet, so
 * the router compiles during development and becomes fully typed as soon as the service lands.
 */
export type EngineOperation<G extends string, M extends string> = Engine extends { readonly [K in G]: { readonly [L in M]: infer F } }
  ? F extends (actor: Actor | null, input: never) => Promise<unknown>
    ? OneSignature<F>
    : LooseOperation
  : LooseOperation;

/**
 * A service that takes `dryRun` has two call signatures (the plan with `dryRun: true`, its normal
 * answer otherwise): one signature with the general input and either answer, as the transports
 * see it. A plain service matches with both inferred from its one signature.
 */
type OneSignature<F> = F extends {
  (actor: Actor | null, input: never): Promise<infer D>;
  (actor: Actor | null, input: infer I): Promise<infer R>;
}
  ? (actor: Actor | null, input: I) => Promise<D | R>
  : F;

/** The operation's input type: REST path params + query + body merged into one object. */
export type OperationInput<G extends string, M extends string> = Parameters<EngineOperation<G, M>>[1];

/** The operation's result: exactly the documented REST success body. */
export type OperationOutput<G extends string, M extends string> = Awaited<ReturnType<EngineOperation<G, M>>>;

/** Whether `value` came from JSON: anything but an object built by a class (FormData, a stream, …). */
function isJsonValue(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * An input "parser" that only types the input: the engine validates everything itself, in the
 * pipeline order of docs/access.md, so tRPC must not reject or reorder checks. A missing input is `{}`.
 * The one thing refused here is an input tRPC decoded from a non-JSON body (it reads
 * multipart/form-data as `FormData` and octet-stream as a stream): 415, whatever the mount.
 */
export function typedInput<T>(): (raw: unknown) => T {
  return (raw) => {
    if (!isJsonValue(raw)) throw unsupportedMediaType();
    return (raw ?? {}) as T;
  };
}

/** Look up `engine[group][method]` bound to its group; a missing method is a host wiring bug. */
export function operationOf<G extends string, M extends string>(engine: Engine, group: G, method: M): EngineOperation<G, M> {
  const target = (engine as unknown as Record<string, Record<string, unknown> | undefined>)[group];
  const fn = target?.[method];
  if (typeof fn !== 'function') throw new Error(`engine operation ${group}.${method} is not available`);
  return (fn as (...args: unknown[]) => unknown).bind(target) as EngineOperation<G, M>;
}
