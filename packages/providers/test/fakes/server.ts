import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A request as the fake saw it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A scripted misbehaviour for the next matching request(s). */
export interface Fault {
  /** Which requests it applies to; default all. */
  readonly match?: (req: RecordedRequest) => boolean;
  /** How many requests it applies to; default 1. */
  readonly times?: number;
  /** Wait this long before answering (or forever, if no status and no handler answer comes sooner). */
  readonly delayMs?: number;
  /** Answer with this instead of the normal handler. */
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export type Handler = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

/** A running fake: its base URL, every request it received, fault injection, close. */
export interface FakeServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Queue a fault (timeouts, 5xx, throttling) ahead of the normal behaviour. */
  fault(fault: Fault): void;
  close(): Promise<void>;
}

/**
 * Start a fake API on 127.0.0.1, port 0 (http, or https with `tls`), recording every request.
 * Faults are checked in queue order before the handler runs.
 */
export async function startFakeServer(handler: Handler, tls?: { key: string; cert: string }): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const faults: { fault: Fault; left: number }[] = [];
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      void respond(recorded, res);
    });
  };
  async function respond(req: RecordedRequest, res: ServerResponse): Promise<void> {
    const slot = faults.find((f) => f.left > 0 && (f.fault.match?.(req) ?? true));
    if (slot) {
      slot.left--;
      const { fault } = slot;
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (res.destroyed) return;
      if (fault.status !== undefined) {
        res.writeHead(fault.status, fault.headers ?? {});
        res.end(fault.body ?? '');
        return;
      }
    }
    try {
      await handler(req, res);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake failed: ${(e as Error).message}`);
    }
  }
  const server: Server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, listener) : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    fault: (fault) => faults.push({ fault, left: fault.times ?? 1 }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Write a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
