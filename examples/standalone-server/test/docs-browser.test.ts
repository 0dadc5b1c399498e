import { REST_ROUTES } from '@cloudlink/express-adapter';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnServer, testEnv, type SpawnedServer } from './support/spawn-server.js';

/**
 * Chromium from Debian (scripts/ensure-system-deps.sh installs it before `pnpm test`), with every
 * background service that could call home switched off: any request the page makes is its own.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The built server in sandbox mode, as `pnpm start:sandbox` runs it (the bundle resolved from dist). */
let server: SpawnedServer;
let base = '';
let browser: Browser;
let context: BrowserContext;
let token = '';
/** Every request the page tried to send anywhere but this server (aborted before it left). */
const foreign: string[] = [];
const pageErrors: string[] = [];
const cspViolations: string[] = [];

beforeAll(async () => {
  const env = testEnv({ CLOUDLINK_SANDBOX: 'true' });
  server = await spawnServer(env);
  base = server.url;
  const seeded = await runCli(['seed', '--workspace', 'acme', '--project', 'shop', '--environment', 'prod', '--email', 'docs@example.com', '--role', 'owner'], env);
  expect(seeded.code, seeded.stderr).toBe(0);
  token = (JSON.parse(seeded.stdout) as { token: string }).token;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  context = await browser.newContext();
  // On the context, so requests from workers and every page are seen too.
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (new URL(url).origin === base) return route.continue();
    foreign.push(url);
    return route.abort('blockedbyclient');
  });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function openDocs(hash = ''): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && m.text().includes('Content Security Policy')) cspViolations.push(m.text());
  });
  await page.goto(`${base}/docs${hash}`);
  return page;
}

/** `METHOD /path/{param}` of every REST route (the OpenAPI spelling the page shows). */
function expectedOperations(): string[] {
  return REST_ROUTES.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
}

// A 3.5 MB bundle rendering ~50 operations: seconds on a busy 2-core CI machine.
describe('GET /docs (Scalar) in a browser', { timeout: 90_000 }, () => {
  it('serves the renderer from this server, under a CSP that allows nothing remote', async () => {
    const res = await fetch(`${base}/docs`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/https?:|\*/);
    const html = await res.text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toEqual(['/docs/scalar-api-reference.js', '/docs/init.js']);
    // fetch() asks for gzip and decodes it: the body is the whole bundle either way.
    const bundle = await fetch(`${base}${scripts[0]}`);
    expect([bundle.status, bundle.headers.get('content-type'), bundle.headers.get('content-encoding')]).toEqual([200, 'text/javascript; charset=utf-8', 'gzip']);
    const text = await bundle.text();
    expect(text).toContain('createApiReference');
    const plain = await fetch(`${base}${scripts[0]}`, { headers: { 'accept-encoding': 'identity' } });
    expect([plain.headers.get('content-encoding'), await plain.text()]).toEqual([null, text]);
    // A revalidation as a browser sends it (fetch() would add `Cache-Control: no-cache` otherwise).
    const again = await fetch(`${base}${scripts[0]}`, { headers: { 'if-none-match': bundle.headers.get('etag')!, 'cache-control': 'max-age=0' } });
    expect(again.status).toBe(304);
  });

  it('lists every REST route, with request examples, and makes no request to another host', async () => {
    const page = await openDocs();
    const expected = expectedOperations();
    expect(expected.length).toBeGreaterThan(40);
    // Each tag's "Operations" card lists its operations as method + path.
    const listed = async () =>
      page.$$eval('a.endpoint', (els) =>
        els.map((e) => `${e.querySelector('.endpoint-method')!.textContent!.trim().toUpperCase()} ${e.querySelector('.endpoint-path')!.textContent!.trim()}`),
      );
    await expect.poll(async () => (await listed()).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(expected.length);
    const onPage = await listed();
    for (const op of expected) expect(onPage, op).toContain(op);

    // A request example of a documented route: its curl snippet, with the path and a JSON body.
    await page.goto(`${base}/docs#tag/cloudconnections/POST/cloud-connections/{workspaceSlug}/connect-aws`);
    const snippet = page.locator('.scalar-code-block', { hasText: 'connect-aws' }).first();
    await expect.poll(async () => (await snippet.count()) > 0, { timeout: 20_000 }).toBe(true);
    const example = (await snippet.textContent()) ?? '';
    expect(example).toContain(`curl '${base}/api/cloud-connections/{workspaceSlug}/connect-aws'`);
    expect(example).toContain('--request POST');
    expect(example).toContain("--header 'Content-Type: application/json'");
    expect(example).toContain("--header 'Authorization: Bearer");
    // The body example is built from the document's request schema (or its examples).
    expect(example).toMatch(/--data '\{[^']*"region"/);

    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
    expect(foreign).toEqual([]);
    await page.close();
  });

  it('sends a try-it request to this server with the pasted Bearer token and shows the 200 answer', async () => {
    const page = await openDocs('#tag/workspaces/GET/workspaces/{workspaceSlug}');
    await page.locator('button', { hasText: 'Test Request(get /workspaces/{workspaceSlug})' }).click();
    const client = page.getByRole('dialog');
    await client.locator('input[placeholder="Token"]').fill(token);
    // The path parameter's value cell (a code editor) in the Variables table.
    const slugRow = client.locator('tr', { has: page.locator('.cm-line', { hasText: /^workspaceSlug$/ }) });
    const slugCell = slugRow.locator('.cm-content').nth(1);
    await slugCell.fill('acme');
    // The editor commits its value to the request after a pause: wait until the request's own
    // code snippet (the client's "Code Snippet" section) carries it, as a user would see it.
    await client.getByRole('button', { name: /^Code Snippet/ }).click();
    const requestSnippet = client.locator('.scalar-code-block', { hasText: 'curl' });
    await expect.poll(async () => requestSnippet.textContent(), { timeout: 10_000 }).toContain(`${base}/api/workspaces/acme`);
    const sent = page.waitForResponse((r) => r.url().startsWith(`${base}/api/workspaces/`));
    await client.getByRole('button', { name: /^Send/ }).first().click();
    const response = await sent;
    expect(response.url()).toBe(`${base}/api/workspaces/acme`);
    expect(response.request().headers().authorization).toBe(`Bearer ${token}`);
    // What the user sees: the status and the body in the client's response panel.
    const status = client.locator('[aria-live="polite"]', { hasText: 'Status:' });
    await expect.poll(async () => status.textContent(), { timeout: 10_000 }).toContain('200 OK');
    await expect.poll(async () => client.locator('.cm-content', { hasText: 'Workspace retrieved successfully' }).count(), { timeout: 10_000 }).toBe(1);

    // The token was used, not stored: nothing later served on this origin can read it back.
    const stored = await page.evaluate(() => {
      const web = globalThis as unknown as Record<'localStorage' | 'sessionStorage', Record<string, string>>;
      return JSON.stringify([{ ...web.localStorage }, { ...web.sessionStorage }]);
    });
    expect(stored).not.toContain(token);

    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
    expect(foreign).toEqual([]);
    await page.close();
  });
});
