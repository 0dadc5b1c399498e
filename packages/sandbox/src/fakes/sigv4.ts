import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { RecordedRequest } from '../http/fake-service.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const hmac = (key: Buffer | string, text: string): Buffer => createHmac('sha256', key).update(text).digest();

/** The parts of a SigV4 `Authorization` header. */
interface SigV4Header {
  readonly accessKeyId: string;
  readonly scope: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/([^,\s]+), ?SignedHeaders=([^,\s]+), ?Signature=([0-9a-f]{64})$/;

function parseAuthorization(header: string | undefined): SigV4Header | undefined {
  if (!header || header.length > 2048) return undefined;
  const m = AUTH.exec(header);
  if (!m) return undefined;
  return { accessKeyId: m[1] ?? '', scope: m[2] ?? '', signedHeaders: (m[3] ?? '').split(';'), signature: m[4] ?? '' };
}

/**
 * Whether `req` carries a valid AWS Signature Version 4 made with `secretAccessKey` (header form, as
 * the SDK sends it): the fakes recompute it so a test proves the caller held the secret, not just the key id.
 */
export function verifySigV4(req: RecordedRequest, secretAccessKey: string): boolean {
  const auth = parseAuthorization(req.headers.authorization);
  const amzDate = req.headers['x-amz-date'];
  if (!auth || !amzDate) return false;
  const [date = '', region = '', service = ''] = auth.scope.split('/');
  const url = new URL(req.url, 'http://fake');
  const query = [...url.searchParams.entries()]
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const headers = auth.signedHeaders.map((name) => `${name}:${(req.headers[name] ?? '').trim().replace(/ +/g, ' ')}\n`).join('');
  const payloadHash = req.headers['x-amz-content-sha256'] ?? sha256(req.body);
  const canonical = [req.method, url.pathname, query, headers, auth.signedHeaders.join(';'), payloadHash].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, auth.scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
  const expected = Buffer.from(createHmac('sha256', key).update(toSign).digest('hex'));
  const given = Buffer.from(auth.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** RFC 3986 encoding as SigV4 wants it. */
function encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
