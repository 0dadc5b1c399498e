import type { Actor, Engine } from '@cloudlink/engine';
import { internalError } from '@cloudlink/engine';
import type { RestRoute } from './routes.js';

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * Call the engine operation of `route`. The REST adapter moves untyped HTTP input, so it looks the
 * method up by name (`<group>.<method>`); the engine validates the input itself. A missing method is
 * a wiring bug of the host (e.g. a partial engine): 500, with the name in the log only.
 */
export async function callEngine(engine: Engine, route: RestRoute, actor: Actor | null, input: Record<string, unknown>, operation: string = route.operation): Promise<unknown> {
  const [group, method] = operation.split('.') as [string, string];
  const target = (engine as unknown as Record<string, Record<string, unknown> | undefined>)[group];
  const fn = target?.[method];
  if (typeof fn !== 'function') throw internalError(new Error(`engine operation ${operation} is not available`));
  const bound = (fn as AnyFunction).bind(target);
  if (route.call === 'none') return bound();
  if (route.call === 'input') return bound(input);
  return bound(actor, input);
}
