import { withRetry } from '@cloudlink/engine';
import type * as Route53Module from '@aws-sdk/client-route-53';
import type { Route53Client } from '@aws-sdk/client-route-53';
import { once, retryOptionsOf } from '../../shared/index.js';
import type { CallPolicy, ResendRule } from '../../shared/index.js';
import { toRoute53Error } from './route53-errors.js';

export type Route53Sdk = typeof Route53Module;

/**
 * `@aws-sdk/client-route-53`, imported on a session's first call and once: the SDK costs several
 * MiB of resident memory, and a process that never reaches Route 53 should not pay for it.
 */
export const loadRoute53Sdk: () => Promise<Route53Sdk> = once(() => import('@aws-sdk/client-route-53'));

/** Builds one SDK command from the loaded SDK (its command classes exist only once it is imported). */
export type Route53Command = (sdk: Route53Sdk) => unknown;

/** What every Route 53 call needs: the SDK client and the retry policy's inputs. */
export interface Route53CallContext {
  /** The session's SDK client, made on its first call (the SDK imported then). */
  readonly client: () => Promise<Route53Client>;
  readonly policy: CallPolicy;
}

/** Send one SDK command with the caller's signal, classifying its failure (no retry). */
export async function sendOnce<T>(ctx: Route53CallContext, call: string, command: Route53Command, signal?: AbortSignal): Promise<T> {
  const client = await ctx.client();
  const built = command(await loadRoute53Sdk());
  try {
    // The command classes share `send`'s overloads; the caller states the output type.
    return (await client.send(built as never, signal ? { abortSignal: signal } : {})) as T;
  } catch (e) {
    throw toRoute53Error(call, e, ctx.policy.clock.now(), signal);
  }
}

/** Send one SDK command under the one retry policy (docs/batching.md). */
export function sendWithRetry<T>(
  ctx: Route53CallContext,
  call: string,
  command: Route53Command,
  options: ResendRule<T>,
): Promise<T> {
  return withRetry(() => sendOnce<T>(ctx, call, command, options.signal), retryOptionsOf(ctx.policy, options));
}
