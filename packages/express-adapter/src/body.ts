import type { IncomingMessage } from 'node:http';
import express from 'express';
import type { Request, Response } from 'express';
import { invalidField, payloadTooLarge } from '@cloudlink/engine';

/** SPEC §1.3: request bodies are at most 5 MB. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

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

/**
 * The request body as the engine's input object (SPEC §1.3): parsed only when the Content-Type is
 * `application/json`; empty or of another type → `{}`. Throws the documented 413 (over 5 MB) and
 * 400 `Validation failed` (`body: malformed JSON`, or `body: must be a JSON object` for arrays and
 * scalars, which cannot be merged with path and query parameters).
 */
export async function readJsonBody(req: Request, res: Response): Promise<Record<string, unknown>> {
  // A host app may already have parsed the body (e.g. a global `express.json()`): take its object.
  if (isPlainObject(req.body)) return isJsonRequest(req) ? req.body : {};
  if (!isJsonRequest(req)) return {};
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
