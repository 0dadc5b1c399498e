import { withRetry } from '@cloudlink/engine';
import type { Clock, Random, RetryPolicy } from '@cloudlink/engine';
import type { Route53Client } from '@aws-sdk/client-route-53';
import { toRoute53Error } from './route53-errors.js';

/** What every Route 53 call needs: the SDK client and the retry policy's inputs. */
export interface Route53CallContext {
  readonly client: Route53Client;
  readonly clock: Pick<Clock, 'now' | 'sleep'>;
  readonly random: Pick<Random, 'fraction'>;
  readonly policy: RetryPolicy;
}

/** Send one SDK command with the caller's signal, classifying its failure (no retry). */
export async function sendOnce<T>(ctx: Route53CallContext, call: string, command: unknown, signal?: AbortSignal): Promise<T> {
  try {
    // The command classes share `send`'s overloads; the caller states the output type.
    return (await ctx.client.send(command as never, signal ? { abortSignal: signal } : {})) as T;
  } catch (e) {
    throw toRoute53Error(call, e, ctx.clock.now(), signal);
  }
}

/** Send one SDK command under the one retry policy (docs/batching.md). */
export function sendWithRetry<T>(
  ctx: Route53CallContext,
  call: string,
  command: () => unknown,
  options: { safeToResend: boolean; signal?: AbortSignal | undefined },
): Promise<T> {
  return withRetry(() => sendOnce<T>(ctx, call, command(), options.signal), {
    clock: ctx.clock,
    random: ctx.random,
    policy: ctx.policy,
    safeToResend: options.safeToResend,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
