import { randomUUID } from 'node:crypto';

/** The header a request id travels in, both ways: read from the request, echoed on the response. */
export const REQUEST_ID_HEADER = 'X-Request-Id';
/** Longest request id kept; a longer (or non-printable) one is replaced, not cut. */
export const REQUEST_ID_MAX_CHARS = 128;

const PRINTABLE = /^[\x21-\x7e]+$/;

/**
 * The request id of an incoming call: the client's `X-Request-Id` when it is 1–128 printable ASCII
 * characters without spaces (so it can be logged and echoed safely), else a fresh UUID. Used by the
 * REST adapter and the tRPC handler alike.
 */
export function requestIdFrom(header: string | readonly string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value === 'string' && value.length > 0 && value.length <= REQUEST_ID_MAX_CHARS && PRINTABLE.test(value)) return value;
  return randomUUID();
}

/**
 * The id of an HTTP request: the one the host's own middleware already put on the response (so
 * its log lines and cloudlink's audit entries name the same request), else `requestIdFrom` the
 * client's header.
 */
export function requestIdOf(alreadySet: unknown, header: string | readonly string[] | undefined): string {
  return typeof alreadySet === 'string' && alreadySet !== '' ? alreadySet : requestIdFrom(header);
}
