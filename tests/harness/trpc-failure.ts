import { TRPCClientError } from '@trpc/client';

/** The documented error body (see docs/errors.md) a tRPC failure carries in `data.cloudlink`; any other outcome fails the test. */
export async function trpcFailure(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof TRPCClientError) return (e.data as { cloudlink: Record<string, unknown> }).cloudlink;
    throw e;
  }
  throw new Error('expected a tRPC failure');
}
