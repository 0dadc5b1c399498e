/**
 * The core every fake is built on: a request handler that works on plain values (method, path,
 * headers, body → status, headers, body), so the same fake answers in-process through an SDK's own
 * seam (see adapters.ts) or on a real port (see listen.ts).
 */

/** A request as a fake sees it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  /** `scheme://host[:port]` the caller addressed; fakes that put their own URLs in answers use it. */
  readonly origin: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/** An answer. */
export interface FakeReply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Returned by a handler that performed the request but never answers it (a lost answer). */
export const NO_ANSWER = Symbol('no answer');
export type HandlerResult = FakeReply | typeof NO_ANSWER;

export type Handler = (req: RecordedRequest) => HandlerResult | Promise<HandlerResult>;

/** A scripted misbehaviour for the next matching request(s). */
export interface Fault {
  /** Which requests it applies to; default all. */
  readonly match?: (req: RecordedRequest) => boolean;
  /** How many requests it applies to; default 1. */
  readonly times?: number;
  /** Wait this long before answering (or forever, if no status is given: the caller's deadline fires). */
  readonly delayMs?: number;
  /** Answer with this instead of the normal handler. */
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** A fake API: every request it received, fault injection, and the in-process entry point. */
export interface FakeService {
  readonly requests: RecordedRequest[];
  /** Queue a fault (timeouts, 5xx, throttling) ahead of the normal behaviour. */
  fault(fault: Fault): void;
  /** Delay before every answer, in ms (default 0): lets tests overlap requests at the fake. */
  latencyMs: number;
  /** Answer one request; `signal` ends a wait early (the caller gave up). */
  handle(req: RecordedRequest, signal?: AbortSignal): Promise<HandlerResult>;
}

/** Wrap a handler with request recording, fault injection and the "fake failed" 500. */
export function createFakeService(handler: Handler): FakeService {
  const requests: RecordedRequest[] = [];
  const faults: { fault: Fault; left: number }[] = [];
  const service: FakeService = {
    requests,
    latencyMs: 0,
    fault: (fault) => void faults.push({ fault, left: fault.times ?? 1 }),
    async handle(req, signal) {
      requests.push(req);
      if (service.latencyMs > 0) await wait(service.latencyMs, signal);
      const slot = faults.find((f) => f.left > 0 && (f.fault.match?.(req) ?? true));
      if (slot) {
        slot.left--;
        const { fault } = slot;
        if (fault.delayMs) await wait(fault.delayMs, signal);
        if (fault.status !== undefined) return { status: fault.status, headers: fault.headers ?? {}, body: fault.body ?? '' };
      }
      try {
        return await handler(req);
      } catch (e) {
        return { status: 500, headers: { 'content-type': 'text/plain' }, body: `fake failed: ${(e as Error).message}` };
      }
    },
  };
  return service;
}

/** A JSON answer. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): FakeReply {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

/** An XML answer. */
export function xml(status: number, body: string, headers: Record<string, string> = {}): FakeReply {
  return { status, headers: { 'content-type': 'text/xml', ...headers }, body };
}

/** Sleep `ms`, or until `signal` aborts (then reject with its reason). */
export function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolve never; reject when `signal` aborts. */
export function never(signal?: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    signal?.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
  });
}

function abortReason(signal: AbortSignal | undefined): unknown {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  return Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
}

/** Lower-case a header bag of any common shape. */
export function headerRecord(headers: Iterable<[string, string]> | Readonly<Record<string, string | string[] | undefined>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  const entries = Symbol.iterator in headers ? [...(headers as Iterable<[string, string]>)] : Object.entries(headers);
  for (const [k, v] of entries) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}
