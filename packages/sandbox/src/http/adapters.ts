import { createHttpHeaders } from '@azure/core-rest-pipeline';
import type { HttpClient, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import { NO_ANSWER, headerRecord, never } from './fake-service.js';
import type { FakeReply, FakeService, RecordedRequest } from './fake-service.js';

/**
 * The seams through which the real SDKs reach a fake in-process, with no socket: a `fetch`
 * (Cloudflare, google-auth-library, our own GCP calls), an AWS SDK v3 `requestHandler`, and an
 * Azure `HttpClient`. Each turns the SDK's request into a {@link RecordedRequest} and the fake's
 * {@link FakeReply} back into the SDK's response type.
 */

/** One fake for every URL, or a choice by URL (several hosts, like GCP's three APIs). */
export type FakeRoute = FakeService | ((url: URL) => FakeService | undefined);

function serviceFor(route: FakeRoute, url: URL): FakeService {
  const service = typeof route === 'function' ? route(url) : route;
  if (!service) throw new TypeError(`no fake answers ${url.origin}`);
  return service;
}

async function answer(route: FakeRoute, url: URL, req: Omit<RecordedRequest, 'url' | 'origin'>, signal?: AbortSignal): Promise<FakeReply> {
  const result = await serviceFor(route, url).handle({ ...req, url: `${url.pathname}${url.search}`, origin: url.origin }, signal);
  if (result === NO_ANSWER) return never(signal);
  return result;
}

async function bodyText(body: unknown): Promise<string> {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  if (body instanceof ArrayBuffer) return Buffer.from(body).toString('utf8');
  if (typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const c of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c));
    return Buffer.concat(chunks).toString('utf8');
  }
  return new Response(body as ConstructorParameters<typeof Response>[0]).text();
}

/** A `fetch` answered by the fake(s). */
export function fakeFetch(route: FakeRoute): typeof fetch {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request ? request.url : String(input));
    const signal = init?.signal ?? request?.signal ?? undefined;
    const headers = headerRecord(new Headers(init?.headers ?? request?.headers).entries());
    const body = init?.body !== undefined ? await bodyText(init.body) : request ? await request.text() : '';
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    const reply = await answer(route, url, { method, headers, body }, signal ?? undefined);
    const empty = reply.status === 204 || reply.status === 304;
    return new Response(empty ? null : (reply.body ?? ''), { status: reply.status, headers: reply.headers ?? {} });
  };
}

/** What the AWS SDK v3 hands a request handler (the fields we read of @smithy's HttpRequest). */
interface AwsHttpRequest {
  readonly method: string;
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number;
  readonly path: string;
  readonly query?: Readonly<Record<string, string | readonly string[] | null>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** The shape of @smithy's HttpResponse (the SDK checks it structurally). */
export interface AwsHttpResponse {
  readonly statusCode: number;
  readonly reason?: string;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

/** An AWS SDK v3 `requestHandler` (the `handle` contract of @smithy/protocol-http) answered by the fake. */
export interface FakeAwsRequestHandler {
  handle(request: AwsHttpRequest, options?: { abortSignal?: AbortSignal | { aborted: boolean } }): Promise<{ response: AwsHttpResponse }>;
  updateHttpClientConfig(): void;
  httpHandlerConfigs(): Record<string, never>;
  destroy(): void;
}

export function fakeAwsRequestHandler(route: FakeRoute): FakeAwsRequestHandler {
  return {
    async handle(request, options) {
      const query = Object.entries(request.query ?? {}).flatMap(([k, v]) =>
        v === null ? [encodeURIComponent(k)] : (typeof v === 'string' ? [v] : v).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`),
      );
      const port = request.port ? `:${request.port}` : '';
      const url = new URL(`${request.protocol}//${request.hostname}${port}${request.path}${query.length ? `?${query.join('&')}` : ''}`);
      const signal = options?.abortSignal instanceof AbortSignal ? options.abortSignal : undefined;
      const reply = await answer(route, url, { method: request.method, headers: headerRecord(request.headers), body: await bodyText(request.body) }, signal);
      return { response: { statusCode: reply.status, headers: headerRecord(reply.headers), body: Buffer.from(reply.body ?? '', 'utf8') } };
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    destroy: () => undefined,
  };
}

/** An Azure core-rest-pipeline `HttpClient` answered by the fake(s). */
export function fakeAzureHttpClient(route: FakeRoute): HttpClient {
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const url = new URL(request.url);
      const headers = headerRecord(request.headers.toJSON());
      const body = typeof request.body === 'function' ? '' : await bodyText(request.body);
      const signal = request.abortSignal instanceof AbortSignal ? request.abortSignal : undefined;
      const reply = await answer(route, url, { method: request.method, headers, body }, signal);
      return { request, status: reply.status, headers: createHttpHeaders(reply.headers ?? {}), bodyAsText: reply.body ?? '' };
    },
  };
}
