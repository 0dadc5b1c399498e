import type { Request, RequestHandler } from 'express';
import { crossSiteRequest, ERROR_CODE_TABLE } from '@cloudlink/engine';

export interface SameOriginOptions {
  /**
   * Origins (`scheme://host[:port]`) whose pages may send writes besides the API's own origin,
   * e.g. `https://app.example.com` when the SPA and the API are on different hosts.
   */
  readonly allowedOrigins?: readonly string[];
}

/** Methods that never change anything: a cross-site page can trigger them but not read the answer. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function normalizeOrigin(origin: string): string {
  const url = URL.canParse(origin) ? new URL(origin) : undefined;
  // Anything but http(s) has the opaque origin "null", which would then let `Origin: null` in.
  if (url?.protocol !== 'https:' && url?.protocol !== 'http:') {
    throw new TypeError(`requireSameOrigin: allowedOrigins entry "${origin}" is not an http(s) origin`);
  }
  return url.origin;
}

/** `scheme://host` as the browser sees this server (`req.protocol` honours Express `trust proxy`). */
function ownOrigin(req: Request): string | undefined {
  const host = req.headers.host;
  return host ? `${req.protocol}://${host}`.toLowerCase() : undefined;
}

/**
 * Express middleware for hosts that authenticate with a cookie: refuses a write (any method but
 * GET/HEAD/OPTIONS) that a browser sent from another site, with 403 `Forbidden` "Cross-site request
 * refused: the Origin of this request is not allowed". Browsers attach cookies to cross-site form
 * posts and "simple" fetches, so the session alone does not show the user meant the request.
 *
 * A write passes when `Sec-Fetch-Site` is `same-origin` or `none` (typed by the user), or when its
 * `Origin` is the API's own origin or one of `allowedOrigins`. A request with neither header is
 * not from a current browser (curl, a server, a mobile app) and passes: those cannot ride on a
 * victim's cookie. `Origin: null` (sandboxed frames, some redirects) is refused.
 */
export function requireSameOrigin(options: SameOriginOptions = {}): RequestHandler {
  const allowed = new Set((options.allowedOrigins ?? []).map(normalizeOrigin));
  const status = ERROR_CODE_TABLE.FORBIDDEN.http;
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const fetchSite = req.headers['sec-fetch-site'];
    if (fetchSite === 'same-origin' || fetchSite === 'none') return next();
    const origin = req.headers.origin;
    if (origin !== undefined) {
      const lower = origin.toLowerCase();
      if (allowed.has(lower) || lower === ownOrigin(req)) return next();
    } else if (fetchSite === undefined) {
      return next();
    }
    res.status(status).json(crossSiteRequest().toBody());
  };
}
