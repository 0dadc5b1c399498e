import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { encodeJson } from './values.js';

/** How a generated body travels: the Content-Type it claims and the bytes it really is. */
export const ENCODINGS = ['json', 'json-charset', 'json-upper', 'form', 'text', 'none', 'multipart', 'empty', 'malformed', 'gzip', 'gzip-bomb'] as const;
export type Encoding = (typeof ENCODINGS)[number];

export const encoding: fc.Arbitrary<Encoding> = fc.oneof(
  { weight: 12, arbitrary: fc.constant('json' as const) },
  { weight: 1, arbitrary: fc.constantFrom(...ENCODINGS.filter((e) => e !== 'json')) },
);

export interface WireBody {
  readonly headers: Record<string, string>;
  readonly bytes: Buffer;
}

function formOf(value: unknown): string {
  if (value === null || typeof value !== 'object') return `value=${encodeURIComponent(encodeJson(value))}`;
  return Object.keys(value)
    .map((k) => {
      const v = (value as Record<string, unknown>)[k];
      return `${encodeURIComponent(k)}=${encodeURIComponent(typeof v === 'string' ? v : encodeJson(v))}`;
    })
    .join('&');
}

/** The bytes and headers of `value` sent with `enc`. */
export function wireBody(value: unknown, enc: Encoding): WireBody {
  const json = () => Buffer.from(encodeJson(value));
  switch (enc) {
    case 'json':
      return { headers: { 'content-type': 'application/json' }, bytes: json() };
    case 'json-charset':
      return { headers: { 'content-type': 'application/json; charset=utf-8' }, bytes: json() };
    case 'json-upper':
      return { headers: { 'content-type': 'APPLICATION/JSON;Charset=UTF-8' }, bytes: json() };
    case 'form':
      return { headers: { 'content-type': 'application/x-www-form-urlencoded' }, bytes: Buffer.from(formOf(value)) };
    case 'text':
      return { headers: { 'content-type': 'text/plain' }, bytes: json() };
    case 'none':
      return { headers: {}, bytes: json() };
    case 'multipart':
      return {
        headers: { 'content-type': 'multipart/form-data; boundary=fuzz' },
        bytes: Buffer.from(`--fuzz\r\nContent-Disposition: form-data; name="body"\r\n\r\n${encodeJson(value)}\r\n--fuzz--\r\n`),
      };
    case 'empty':
      return { headers: { 'content-type': 'application/json' }, bytes: Buffer.alloc(0) };
    case 'malformed': {
      const text = encodeJson(value);
      return { headers: { 'content-type': 'application/json' }, bytes: Buffer.from(text.length > 1 ? text.slice(0, -1) : '{"a":') };
    }
    case 'gzip':
      return { headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, bytes: gzipSync(json()) };
    case 'gzip-bomb':
      // ~20 MB of JSON in a few kilobytes: the limit must apply to what the body inflates to.
      return { headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, bytes: gzipSync(Buffer.from(`{"name":"${'x'.repeat(20 * 1024 * 1024)}"}`)) };
  }
}

export interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  /** Parsed when the reply is JSON. */
  readonly json: unknown;
}

/** One raw HTTP request (no helper in between that could fix up what the fuzzer sends). */
export async function send(baseUrl: string, method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<Reply> {
  const init: RequestInit = { method, headers, signal: AbortSignal.timeout(60_000) };
  if (body !== undefined && method !== 'GET' && method !== 'HEAD') init.body = body;
  const res = await fetch(`${baseUrl}${path}`, init);
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  let json: unknown;
  if (/json/i.test(contentType)) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: res.status, contentType, text, json };
}

/** A short, printable account of a request and its reply for a failure message. */
export function describeExchange(method: string, path: string, headers: Record<string, string>, body: Buffer | undefined, reply: Reply | undefined): string {
  const shortPath = path.length > 300 ? `${path.slice(0, 300)}… (${path.length} chars)` : path;
  const shown = body === undefined ? '(none)' : body.length > 400 ? `${JSON.stringify(body.subarray(0, 400).toString('latin1'))}… (${body.length} bytes)` : JSON.stringify(body.toString('latin1'));
  const h = Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'authorization'));
  const auth = headers.authorization ? ' (authenticated)' : '';
  const res = reply ? `→ ${reply.status} ${reply.contentType} ${reply.text.slice(0, 600)}` : '→ (no reply)';
  return `${method} ${shortPath}${auth}\nheaders ${JSON.stringify(h)}\nbody ${shown}\n${res}`;
}
