import type { IncomingMessage } from 'node:http';
import express from 'express';
import type { Request, Response } from 'express';
import { invalidField, MAX_BODY_BYTES, payloadTooLarge, unsupportedMediaType, zoneFileTooLarge } from '@cloudlink/engine';

export { MAX_BODY_BYTES };

const JSON_TYPE = /^application\/json\s*(?:;|$)/i;

/** Whether the request declares a JSON body: `application/json`, with any parameters. */
export function isJsonRequest(req: Pick<IncomingMessage, 'headers'>): boolean {
  return JSON_TYPE.test(req.headers['content-type'] ?? '');
}

// body-parser's raw reader gives us the 5 MB limit (checked on Content-Length up front and while
// streaming), gzip/deflate/br and charset-agnostic bytes; we parse the JSON ourselves so that the
// errors are the documented ones rather than body-parser's.
const readRaw = express.raw({ type: isJsonRequest, limit: MAX_BODY_BYTES });

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** Whether the request carries a body at all (RFC 9112 §6.3: Transfer-Encoding, or Content-Length > 0). */
export function hasBody(req: Pick<IncomingMessage, 'headers'>): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  // Node's parser has already refused a malformed Content-Length.
  return Number(req.headers['content-length'] ?? 0) > 0;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The request body as the engine's input object: parsed only when the Content-Type is
 * `application/json` (any parameters); no body and no Content-Type, or an empty JSON body → `{}`.
 * A write (POST/PUT/PATCH/DELETE) with a body or a Content-Type of any other type → 415
 * `Unsupported media type`: those are what a cross-site HTML form sends without a CORS preflight,
 * so they are refused rather than read as `{}`. A read's non-JSON body is ignored. Throws the documented 413 (over 5 MB) and
 * 400 `Validation failed` (`body: malformed JSON`, or `body: must be a JSON object` for arrays and
 * scalars, which cannot be merged with path and query parameters).
 */
export async function readJsonBody(req: Request, res: Response): Promise<Record<string, unknown>> {
  if (!isJsonRequest(req)) {
    // A Content-Type is refused even on an empty body: an HTML form always sends one (an empty
    // form too), while clients sending no body at all (DELETE, body-less POSTs) send none.
    if (WRITE_METHODS.has(req.method) && (hasBody(req) || req.headers['content-type'] !== undefined)) throw unsupportedMediaType();
    return {};
  }
  // A host app may already have parsed the body (e.g. a global `express.json()`): take its object.
  if (isPlainObject(req.body)) return req.body;
  await new Promise<void>((resolve, reject) => {
    readRaw(req, res, (err?: unknown) => (err ? reject(err) : resolve()));
  }).catch((err: unknown) => {
    const type = (err as { type?: unknown } | null)?.type;
    if (type === 'entity.too.large') throw payloadTooLarge();
    throw invalidField('body', 'malformed JSON');
  });
  const raw: unknown = req.body;
  if (!Buffer.isBuffer(raw)) return {};
  const text = raw.toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidField('body', 'malformed JSON');
  }
  if (!isPlainObject(parsed)) throw invalidField('body', 'must be a JSON object');
  return parsed;
}

/** Whether the request's Content-Type is `type` (any parameters, case-insensitive). */
export function hasMediaType(req: Pick<IncomingMessage, 'headers'>, type: string): boolean {
  const header = (req.headers['content-type'] ?? '').toLowerCase();
  const bare = header.split(';', 1)[0]!.trim();
  return bare === type.toLowerCase();
}

/**
 * A text body (a zone file, `text/dns`) as `{ [field]: text }`. The limit is checked on
 * Content-Length up front and while streaming, so an oversized body answers 413 before anything
 * reads it. `text/dns` is not a type an HTML form can send, so taking it keeps the cross-site
 * refusal of `readJsonBody`; `text/plain` (which a form can send) stays refused.
 */
export async function readTextBody(req: Request, res: Response, spec: { readonly contentType: string; readonly field: string; readonly limit: number }): Promise<Record<string, unknown>> {
  const reader = express.raw({ type: (r) => hasMediaType(r, spec.contentType), limit: spec.limit });
  await new Promise<void>((resolve, reject) => {
    reader(req, res, (err?: unknown) => (err ? reject(err) : resolve()));
  }).catch((err: unknown) => {
    const type = (err as { type?: unknown } | null)?.type;
    if (type === 'entity.too.large') throw zoneFileTooLarge();
    throw invalidField('body', 'unreadable body');
  });
  const raw: unknown = req.body;
  return { [spec.field]: Buffer.isBuffer(raw) ? raw.toString('utf8') : '' };
}
