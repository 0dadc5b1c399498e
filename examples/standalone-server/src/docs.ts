import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import express, { type Request, type Response, type Router } from 'express';

/**
 * The pinned API reference renderer: Scalar's self-contained browser bundle (Vue, its styles and
 * the request client inlined), from the `@scalar/api-reference` npm package. Resolved through the
 * package's main entry because its `exports` map does not list the bundle (nor `package.json`).
 */
function scalarBundlePath(): string {
  const main = createRequire(import.meta.url).resolve('@scalar/api-reference');
  return path.join(path.dirname(main), 'browser', 'standalone.js');
}

/** The bundle as served: as is, and gzipped (3.5 MB → about 1 MB) for browsers that accept it. */
interface Bundle {
  readonly raw: Buffer;
  readonly gzipped: Buffer;
  /** Of the file's content: it changes only with the pinned package version. */
  readonly tag: string;
}

/**
 * Read and compress the bundle once, on the first request for it (a server whose /docs nobody
 * opens never loads it); a failed load is retried by the next request.
 */
function bundleLoader(): () => Promise<Bundle> {
  let loading: Promise<Bundle> | undefined;
  return () => {
    loading ??= (async () => {
      const raw = await readFile(scalarBundlePath());
      const gzipped = await promisify(gzip)(raw, { level: 9 });
      return { raw, gzipped, tag: createHash('sha256').update(raw).digest('base64url').slice(0, 32) };
    })().catch((e: unknown) => {
      loading = undefined;
      throw e;
    });
    return loading;
  };
}

/** Where the page loads its scripts from, under the page's own path (so one mount serves all). */
const BUNDLE_FILE = 'scalar-api-reference.js';
const INIT_FILE = 'init.js';

/**
 * Scalar's options. Everything that would reach another host is off: no web fonts (they come from
 * Scalar's font server), no request proxy (try-it calls go straight to this server, same origin),
 * no telemetry, no AI agent, no "open in Scalar's client app" button, no MCP hints. The document's
 * own `servers` entry (`/api`) is what try-it calls.
 */
function scalarConfiguration(openApiPath: string): Record<string, unknown> {
  return {
    url: openApiPath,
    withDefaultFonts: false,
    telemetry: false,
    hideClientButton: true,
    showDeveloperTools: 'never',
    agent: { disabled: true },
    mcp: { disabled: true },
    documentDownloadType: 'json',
    // The pasted token lives in the page only: persisting it would leave a 7-day Bearer token in
    // local storage, readable by anything later served on this origin.
    persistAuth: false,
    authentication: { preferredSecurityScheme: 'bearerAuth' },
    defaultOpenAllTags: false,
    orderRequiredPropertiesFirst: true,
    metaData: { title: 'cloudlink API reference' },
  };
}

/**
 * The page's only script besides the bundle: read the configuration from the page (a JSON data
 * block, not executed) and mount the reference. A separate file so the CSP needs no inline script.
 */
const INIT_SCRIPT = `(function () {
  var config = JSON.parse(document.getElementById('cloudlink-docs-config').textContent);
  window.Scalar.createApiReference('#app', config);
})();
`;

/**
 * Scripts from this server only, connections to this server only (the document and try-it calls),
 * nothing framed, no plugin content. Scalar injects its stylesheet as a `<style>` element and sets
 * style attributes, hence `'unsafe-inline'` for styles (styles cannot run code). Images and fonts
 * may be `data:` URLs (icons inlined in the bundle).
 */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function page(basePath: string, openApiPath: string): string {
  // `<` escaped so no value of the configuration can close the data block.
  const config = JSON.stringify(scalarConfiguration(openApiPath)).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cloudlink API reference</title>
</head>
<body>
<noscript>The API reference needs JavaScript; the OpenAPI document itself is at <a href="${openApiPath}">${openApiPath}</a>.</noscript>
<div id="app"></div>
<script type="application/json" id="cloudlink-docs-config">${config}</script>
<script src="${basePath}/${BUNDLE_FILE}"></script>
<script src="${basePath}/${INIT_FILE}"></script>
</body>
</html>
`;
}

export interface DocsOptions {
  /** Where the app mounts the router (the page's own path); default `/docs`. */
  readonly basePath?: string;
  /** The OpenAPI document the page renders; default `/api/openapi.json`. */
  readonly openApiPath?: string;
}

/**
 * `GET /docs`: the API reference of the REST API, rendered in the browser by Scalar from
 * `/api/openapi.json`: every operation with its parameters, bodies, responses and request examples
 * in several languages, and a "Test Request" panel that calls this server (paste a Bearer token,
 * e.g. from `cloudlink seed`, under Authentication). The renderer's bundle is served by this
 * server (`/docs/scalar-api-reference.js`): no CDN, because servers running this often have no
 * internet access, and the page's CSP lets it reach nothing but this server.
 *
 * Mount it at `basePath`: `app.use('/docs', docsRouter())`.
 */
export function docsRouter(options: DocsOptions = {}): Router {
  const basePath = options.basePath ?? '/docs';
  const html = page(basePath, options.openApiPath ?? '/api/openapi.json');
  const bundle = bundleLoader();
  const router = express.Router({ strict: false });
  router.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  router.get('/', (_req: Request, res: Response) => {
    res.status(200).setHeader('Content-Type', 'text/html; charset=utf-8').setHeader('Content-Security-Policy', CSP).setHeader('Cache-Control', 'no-cache').send(html);
  });
  router.get(`/${BUNDLE_FILE}`, async (req: Request, res: Response) => {
    const { raw, gzipped, tag } = await bundle();
    const gz = req.acceptsEncodings('gzip', 'identity') === 'gzip';
    // A day of caching, then revalidated by ETag (res.send answers 304 when it still matches).
    res.status(200).setHeader('Content-Type', 'text/javascript; charset=utf-8').setHeader('Cache-Control', 'public, max-age=86400').setHeader('Vary', 'Accept-Encoding');
    res.setHeader('ETag', `"${tag}${gz ? '-gz' : ''}"`);
    if (gz) res.setHeader('Content-Encoding', 'gzip');
    res.send(gz ? gzipped : raw);
  });
  router.get(`/${INIT_FILE}`, (_req: Request, res: Response) => {
    res.status(200).setHeader('Content-Type', 'text/javascript; charset=utf-8').setHeader('Cache-Control', 'no-cache').send(INIT_SCRIPT);
  });
  return router;
}
