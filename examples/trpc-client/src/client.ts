import type { CloudlinkRouter } from '@cloudlink/trpc-router';
import { createTRPCClient, httpBatchLink } from '@trpc/client';

/** A loop, not `/\/+$/`: a search for that pattern rescans a run of slashes from each of them. */
function trimTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url[end - 1] === '/') end--;
  return url.slice(0, end);
}

/**
 * A `@trpc/client` for a cloudlink server's `/trpc` endpoint. Every procedure's input and output
 * type comes from `CloudlinkRouter`, i.e. from the engine itself: a misspelled field or a wrong
 * type is a compile error, and results are the documented REST success bodies.
 */
export function createCloudlinkClient(options: { url: string; token: string }) {
  return createTRPCClient<CloudlinkRouter>({
    // maxItems: the server answers 400 to a batch of more than 10 calls (the trpc-router's default).
    links: [httpBatchLink({ url: `${trimTrailingSlashes(options.url)}/trpc`, maxItems: 10, headers: { authorization: `Bearer ${options.token}` } })],
  });
}

export type CloudlinkClient = ReturnType<typeof createCloudlinkClient>;
