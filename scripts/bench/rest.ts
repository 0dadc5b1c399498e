import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  autocannon,
  createApp,
  createEngine,
  createJwtAuth,
  createLogger,
  createSecretBox,
  createSqliteStorage,
  express,
  parseEncryptionKeys,
} from '../../examples/standalone-server/bench/deps.js';
import type { BenchRow } from './measure.js';

type Listening = { url: string; close(): Promise<void> };

function listen(app: ReturnType<typeof express>): Promise<Listening> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/**
 * Requests per second of the full server stack (request ids, logging at `warn`, Bearer JWT, access
 * pipeline, SQLite file) for `GET /api/workspaces/:slug` and its tRPC twin, against a plain Express
 * route answering a body of the same shape, all on 127.0.0.1 with autocannon for `seconds` each.
 */
export async function benchRest(seconds: number): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cloudlink-bench-'));
  const storage = createSqliteStorage({ filename: path.join(dir, 'bench.db') });
  await storage.migrate();
  const engine = createEngine({
    storage,
    secrets: createSecretBox({ keys: parseEncryptionKeys(`b1:${Buffer.alloc(32, 5).toString('base64')}`) }),
    publicUrl: 'http://localhost:3000',
  });
  const auth = createJwtAuth({ secret: 'bench-secret-0123456789abcdef0123456789' });
  const { user } = await engine.operator.seed({ workspace: 'acme', project: 'shop', environment: 'prod', email: 'bench@example.com', role: 'owner' });
  const headers = { authorization: `Bearer ${await auth.issue({ id: user.id })}` };
  const body = await engine.workspaces.get({ userId: user.id }, { workspaceSlug: 'acme' });

  const full = await listen(createApp({ engine, auth, logger: createLogger({ level: 'warn' }) }));
  const plainApp = express();
  plainApp.get('/plain', (_req, res) => {
    res.json(body);
  });
  const plain = await listen(plainApp);
  const run = async (url: string) => {
    const r = await autocannon({ url, connections: 10, duration: seconds, headers });
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
    return r.requests.average;
  };
  try {
    const baseline = await run(`${plain.url}/plain`);
    const rest = await run(`${full.url}/api/workspaces/acme`);
    const trpc = await run(`${full.url}/trpc/workspaces.get?input=${encodeURIComponent(JSON.stringify({ workspaceSlug: 'acme' }))}`);
    return [
      { name: 'REST GET /api/workspaces/acme (SQLite)', unit: 'req/s', value: rest, baselineName: 'plain express', baseline, better: 'higher' },
      { name: 'tRPC workspaces.get (SQLite)', unit: 'req/s', value: trpc, baselineName: 'plain express', baseline, better: 'higher' },
    ];
  } finally {
    await Promise.all([full.close(), plain.close()]);
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
