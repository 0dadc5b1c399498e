import { createSqliteStorage, createEngine, createSecretBox, parseEncryptionKeys } from '../../examples/standalone-server/bench/deps.js';
const s = createSqliteStorage({ filename: '/tmp/prof/data/cloudlink.db' });
const engine = createEngine({ storage: s, secrets: createSecretBox({ keys: parseEncryptionKeys(`b1:${Buffer.alloc(32, 7).toString('base64')}`) }), publicUrl: 'http://localhost:3000' });
const time = async (label: string, fn: () => unknown) => {
  for (let i = 0; i < 2000; i++) await fn();
  const t = performance.now(); const n = 20000;
  for (let i = 0; i < n; i++) await fn();
  console.log(label.padEnd(30), ((performance.now() - t) * 1000 / n).toFixed(1), 'µs');
};
const actor = { userId: 2 };
await time('engine connections list', () => engine.cloudConnections.list(actor, { workspaceSlug: 'acme' }));
await time('engine zones list', () => engine.dns.listZones(actor, { projectSlug: 'acme-shop', environmentSlug: 'prod' }));
await time('getMember', () => s.members.getMember(2, 2));
await time('countByStatus', () => s.connections.countConnectionsByStatus(2));
await time('getWorkspaceBySlug', () => s.workspaces.getWorkspaceBySlug('acme'));
await time('JSON', () => JSON.stringify({ a: 1 }));
