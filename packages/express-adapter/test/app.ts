import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createEngine, type Engine, type Logger } from '@cloudlink/engine';
import { createFakeClock, createMemoryStorage, createTestSecretBox, type MemoryStorage } from '@cloudlink/engine/testing';
import { createCloudlinkRestRouter, type Authenticate } from '../src/index.js';

/** Test authentication: `Authorization: Bearer <userId>`; `Bearer throw` makes the hook throw. */
export const testAuthenticate: Authenticate = (req) => {
  const header = req.headers.authorization ?? '';
  if (header === 'Bearer throw') throw new Error('token store unavailable');
  const match = /^Bearer ([1-9]\d*)$/.exec(header);
  return match ? { userId: Number(match[1]) } : null;
};

export interface TestApp {
  readonly url: string;
  readonly logged: { obj: object; msg?: string }[];
  request(method: string, path: string, init?: { body?: string | Buffer; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; text: string; json: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

/** Mount the router at /api in a fresh Express app on 127.0.0.1:0. */
export async function startApp(engine: Engine): Promise<TestApp> {
  const logged: { obj: object; msg?: string }[] = [];
  const logger: Logger = { debug() {}, info() {}, warn() {}, error: (obj, msg) => logged.push({ obj, msg }) };
  const app = express();
  app.use('/api', createCloudlinkRestRouter({ engine, authenticate: testAuthenticate, logger }));
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    logged,
    async request(method, path, init = {}) {
      const res = await fetch(`${url}${path}`, { method, headers: init.headers, body: init.body });
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, text, json };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A real engine over the in-memory reference storage, with a fake clock. */
export async function createMemoryEngine(): Promise<{ engine: Engine; storage: MemoryStorage }> {
  const storage = createMemoryStorage({ migrated: true });
  const engine = createEngine({
    storage,
    secrets: createTestSecretBox(),
    publicUrl: 'https://cloudlink.example.com',
    clock: createFakeClock(),
    aws: { accountId: '999999999999' },
  });
  return { engine, storage };
}
