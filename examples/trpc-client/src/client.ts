import type { CloudlinkRouter } from '@cloudlink/trpc-router';
import { createTRPCClient, httpBatchLink } from '@trpc/client';

/**
 * A `@trpc/client` for a cloudlink server's `/trpc` endpoint. Every procedure's input and output
 * type comes from `CloudlinkRouter`, i.e. from the engine itself: a misspelled field or a wrong
 * type is a compile error, and results are the documented REST success bodies.
 */
/** A loop, not `/\/+$/`: a search for that pattern rescans a run of slashes from each of them. */
function trimTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url[end - 1] === '/') end--;
  return url.slice(0, end);
}

export function createCloudlinkClient(options: { url: string; token: string }) {
  return createTRPCClient<CloudlinkRouter>({
    links: [httpBatchLink({ url: `${trimTrailingSlashes(options.url)}/trpc`, headers: { authorization: `Bearer ${options.token}` } })],
  });
}

export type CloudlinkClient = ReturnType<typeof createCloudlinkClient>;
