import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { NO_ANSWER, headerRecord } from './fake-service.js';
import type { FakeService } from './fake-service.js';

/** A fake listening on a port. */
export interface ListeningFake {
  readonly url: string;
  close(): Promise<void>;
}

export interface ListenOptions {
  /** Serve https with this key and certificate. */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** Default 0 (any free port). */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
}

/**
 * Serve a fake on a real port, for black-box tests (a spawned server process talks to it). Answers
 * the handler never gives keep the connection open until `close()`.
 */
export async function listen(service: FakeService, options: ListenOptions = {}): Promise<ListeningFake> {
  const scheme = options.tls ? 'https' : 'http';
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = headerRecord(req.headers);
      const recorded = { method: req.method ?? 'GET', url: req.url ?? '/', origin: `${scheme}://${headers.host ?? '127.0.0.1'}`, headers, body: Buffer.concat(chunks).toString('utf8') };
      service.handle(recorded, abort.signal).then(
        (reply) => {
          if (reply === NO_ANSWER || res.destroyed) return;
          res.writeHead(reply.status, reply.headers ?? {});
          res.end(reply.body ?? '');
        },
        () => res.destroy(),
      );
    });
  };
  const server: Server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://${options.host ?? '127.0.0.1'}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
