import type { AddressInfo } from 'node:net';
import { createEngine, createSecretBox, parseEncryptionKeys } from '@cloudlink/engine';
import { createSqliteStorage } from '@cloudlink/storage-sqlite';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createJwtAuth } from '../src/auth.js';
import { createLogger } from '../src/logging.js';

/** Chromium from Debian (scripts/ensure-system-deps.sh installs it before `pnpm test`). */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const storage = createSqliteStorage({ filename: ':memory:' });
const engine = createEngine({ storage, secrets: createSecretBox({ keys: parseEncryptionKeys(`k:${Buffer.alloc(32, 3).toString('base64')}`) }), publicUrl: 'http://localhost:3000' });
const app = createApp({ engine, auth: createJwtAuth({ secret: 'docs-test-secret-0123456789abcdef012345' }), logger: createLogger({ level: 'silent' }) });
let server: ReturnType<typeof app.listen>;
let base = '';
let browser: Browser;

beforeAll(async () => {
  await storage.migrate();
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server.close(r));
  await engine.close();
});

describe('GET /docs in a browser', () => {
  it('renders every operation of the OpenAPI document, with no request leaving the server', async () => {
    const spec = (await (await fetch(`${base}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const expected = Object.entries(spec.paths).flatMap(([p, ops]) =>
      Object.keys(ops).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((m) => `${m} ${p}`),
    );
    expect(expected.length).toBeGreaterThan(10);

    const page = await browser.newPage();
    const foreign: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(base)) foreign.push(r.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/docs`);
    await page.waitForSelector('#ops[data-count]');
    const listed = await page.$$eval('details.op summary', (els) =>
      els.map((e) => `${e.querySelector('.method')!.textContent} ${e.querySelector('.path')!.textContent}`),
    );
    expect(listed.sort()).toEqual(expected.sort());
    // Spot checks of documented endpoints, independent of the document itself.
    for (const route of ['post /cloud-connections/{workspaceSlug}/connect-aws', 'post /cloud-connections/{workspaceSlug}/{connectionId}/complete', 'get /{projectSlug}/{environmentSlug}/dns/{id}/records', 'patch /projects/{projectSlug}/connect-cloud/{connectionId}']) {
      expect(listed, route).toContain(route);
    }

    // The filter narrows the list client-side.
    await page.fill('#filter', 'connect-aws');
    const visible = await page.$$eval('details.op', (els) => els.filter((e) => (e as unknown as { style: { display: string } }).style.display !== 'none').length);
    expect(visible).toBeGreaterThanOrEqual(1);
    expect(visible).toBeLessThan(listed.length);
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    await page.close();
  });
});
