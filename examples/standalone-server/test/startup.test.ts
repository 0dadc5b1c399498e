import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createRuntime } from '../src/runtime.js';
import { startServer } from '../src/server.js';
import { SERVER_DIR, testEnv } from './support/spawn-server.js';

describe('server start-up', () => {
  it('refuses to start on malformed variables, naming each one, before touching the database', async () => {
    const env = testEnv({ PORT: 'http', CLOUDLINK_AWS_ACCOUNT_ID: 'abc', CLOUDLINK_SANDBOX: 'maybe', DATABASE_URL: 'mysql://db' });
    const child = spawn(process.execPath, ['dist/main.js'], { cwd: SERVER_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(1);
    for (const name of ['PORT', 'CLOUDLINK_AWS_ACCOUNT_ID', 'CLOUDLINK_SANDBOX', 'DATABASE_URL']) expect(stderr).toContain(`- ${name} `);
  });
});

describe('server start-up window', () => {
  it('answers 503 "not ready" while the runtime is still being built, then serves the app', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cloudlink-startup-'));
    const config = loadConfig({ PORT: '0', CLOUDLINK_DATA_DIR: dataDir }, dataDir);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let listening!: (url: string) => void;
    const bound = new Promise<string>((r) => (listening = r));
    const logger = pino({ level: 'silent' });
    const started = startServer(config, logger, {
      createRuntime: async (cfg, log) => {
        listening(cfg.publicUrl.replace('localhost', '127.0.0.1'));
        await gate;
        return createRuntime(cfg, log);
      },
    });
    try {
      const url = await bound;
      const early = await fetch(`${url}/readyz`);
      expect(early.status).toBe(503);
      expect(early.headers.get('retry-after')).toBe('1');
      expect(await early.json()).toEqual({ status: 'not ready', message: 'starting' });
      release();
      const server = await started;
      try {
        const ready = await fetch(`${server.url}/readyz`);
        expect(ready.status).toBe(200);
        expect(await ready.json()).toEqual({ status: 'ready' });
      } finally {
        await server.close();
      }
    } finally {
      release();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('receive limits', () => {
  it('answers 408 and closes the socket when a client trickles its body past the request timeout', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cloudlink-slow-'));
    const config = loadConfig({ PORT: '0', CLOUDLINK_DATA_DIR: dataDir, CLOUDLINK_SANDBOX: 'true' }, dataDir);
    const server = await startServer(config, pino({ level: 'silent' }), { receiveLimits: { headersTimeoutMs: 500, requestTimeoutMs: 800 } });
    const { port } = new URL(server.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    try {
      await once(socket, 'connect');
      let answer = '';
      socket.on('data', (c: Buffer) => (answer += c.toString('utf8')));
      const closed = once(socket, 'close');
      // A public route that reads its body before answering, so nothing is answered before the bound.
      socket.write('POST /api/cloud-connections/azure-setup-callback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
      // One byte every 100 ms: the socket is never idle, so only the whole-request bound can end it.
      const drip = setInterval(() => socket.writable && socket.write(' '), 100);
      const started = Date.now();
      await closed;
      clearInterval(drip);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      // Ended by the bound, not by the body finishing (1 000 bytes would take 100 s).
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      socket.destroy();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
