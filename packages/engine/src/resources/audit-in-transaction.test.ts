import { describe, expect, it } from 'vitest';
import type { Storage, StorageTx } from '../ports/storage.js';
import { createMemoryStorage } from '../testing/storage/index.js';
import { createDnsTestbed } from '../testing/dns/dns-testbed.js';

/**
 * The audit entry of every resource, subdomain and resource-connection mutation commits in the
 * same transaction as the change it records (docs/audit.md): each transaction's storage calls are
 * logged, and the one appending an operation's entry must also hold that operation's change.
 */

/** A storage whose transactions log `<repo>.<method>` calls (and `op:<operation>` for audit appends). */
function recordingStorage(inner: Storage): { storage: Storage; transactions: string[][] } {
  const transactions: string[][] = [];
  const logged = (tx: StorageTx, log: string[]): StorageTx =>
    new Proxy(tx, {
      get(target, repo) {
        const value: unknown = Reflect.get(target, repo);
        if (typeof value === 'function') return (value as (...a: unknown[]) => unknown).bind(target);
        if (typeof value !== 'object' || value === null) return value;
        return new Proxy(value, {
          get(r, method) {
            const fn: unknown = Reflect.get(r, method);
            if (typeof fn !== 'function') return fn;
            return (...args: unknown[]) => {
              log.push(`${String(repo)}.${String(method)}`);
              if (method === 'appendAudit') log.push(`op:${(args[0] as { operation: string }).operation}`);
              return (fn as (...a: unknown[]) => unknown).apply(r, args);
            };
          },
        });
      },
    });
  const storage = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'transaction') {
        return <T>(fn: (tx: StorageTx) => Promise<T>) =>
          target.transaction((tx) => {
            const log: string[] = [];
            transactions.push(log);
            return fn(logged(tx, log));
          });
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { storage, transactions };
}

describe('audit entries of resources, subdomains and resource connections', () => {
  it('commit with the change they record', async () => {
    const { storage, transactions } = recordingStorage(createMemoryStorage({ migrated: true }));
    const t = await createDnsTestbed({ storage });
    await t.linkAws();
    const zone = (await t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName: 'myapp.com' })).data;
    const web = (await t.engine.resources.register(t.owner, { ...t.env, resourceType: 'instance', name: 'web', dnsTarget: { addresses: ['192.0.2.10'] } })).data;
    const api = (await t.engine.resources.register(t.owner, { ...t.env, resourceType: 'instance', name: 'api', dnsTarget: { addresses: ['192.0.2.11'] } })).data;
    const www = (await t.engine.subdomains.create(t.owner, { ...t.env, zoneId: zone.id, name: 'www' })).data;
    const app = (await t.engine.subdomains.create(t.owner, { ...t.env, zoneId: zone.id, name: 'app' })).data;
    const c1 = (await t.engine.resourceConnections.create(t.owner, { ...t.env, sourceId: www.id, targetId: web.id })).data;
    await t.engine.resourceConnections.create(t.owner, { ...t.env, sourceId: app.id, targetId: web.id });
    await t.engine.resourceConnections.update(t.owner, { ...t.env, id: c1.id, targetId: api.id });
    await t.engine.resources.update(t.owner, { ...t.env, resourceId: web.id, dnsTarget: { addresses: ['192.0.2.20'] } });
    await t.engine.resourceConnections.delete(t.owner, { ...t.env, id: c1.id });
    await t.engine.subdomains.delete(t.owner, { ...t.env, id: www.id });
    await t.engine.resources.delete(t.owner, { ...t.env, resourceId: api.id });
    await t.engine.resources.delete(t.owner, { ...t.env, resourceId: zone.id });

    const entryOf = (operation: string) => {
      const holding = transactions.filter((log) => log.includes(`op:${operation}`));
      return holding;
    };
    const expectations: [string, number, string][] = [
      ['resourceConnections.create', 2, 'resourceConnections.updateResourceConnection'],
      ['resourceConnections.update', 1, 'resourceConnections.updateResourceConnection'],
      ['resources.update', 1, 'resources.updateResource'],
      ['resourceConnections.delete', 1, 'resourceConnections.softDeleteResourceConnection'],
      ['subdomains.delete', 1, 'resources.softDeleteResource'],
      ['resources.delete', 2, 'resources.softDeleteResource'],
    ];
    for (const [operation, count, change] of expectations) {
      const holding = entryOf(operation);
      expect(holding, operation).toHaveLength(count);
      for (const log of holding) expect(log, operation).toContain(change);
    }
  });
});
