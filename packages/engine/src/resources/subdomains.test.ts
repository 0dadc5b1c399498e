import { describe, expect, it } from 'vitest';
import { createDnsTestbed } from '../testing/dns/dns-testbed.js';
import { engineError } from '../testing/engine-error.js';
import { createMemoryStorage } from '../testing/storage/index.js';

/** The zone lock of a subdomain create (the REST behaviour is tested in tests/subdomains.test.ts). */
describe('subdomains.create under the zone lock', () => {
  it('a zone forgotten while the create waited for its lock → 404 DNS zone not found, nothing written', async () => {
    const t = await createDnsTestbed();
    const zone = await t.engine.dns.createZone(t.owner, { ...t.env, name: 'cf', domainName: 'cf.com', cloudflareApiToken: 'tok' });
    let release!: () => void;
    let locked!: () => void;
    const held = new Promise<void>((resolve) => (locked = resolve));
    // What a zone delete does: hold the lock, then forget the zone.
    const deleting = t.storage.withZoneLock(
      zone.data.id,
      async () => {
        locked();
        await new Promise<void>((resolve) => (release = resolve));
        await t.storage.resources.softDeleteResource(zone.data.id, t.clock.now());
      },
      { timeoutMs: 5_000 },
    );
    await held;
    const creating = engineError(t.engine.subdomains.create(t.owner, { ...t.env, zoneId: zone.data.id, name: 'www' }));
    // Time for the create to read the zone and reach the lock. The outcome does not depend on it:
    // a create that did not wait would finish here and write its row.
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await deleting;
    expect((await creating).toBody()).toEqual({ error: 'DNS zone not found', message: 'The specified DNS zone does not exist' });
    expect((await t.engine.subdomains.list(t.owner, t.env)).count).toBe(0);
    expect((await t.engine.resources.list(t.owner, t.env)).counts.total).toBe(0);
  });

  it('waiting longer than the lock timeout → 503 Failed to create subdomain with retryAfter', async () => {
    const t = await createDnsTestbed({ zoneLockTimeoutMs: 50 });
    const zone = await t.engine.dns.createZone(t.owner, { ...t.env, name: 'cf', domainName: 'cf.com', cloudflareApiToken: 'tok' });
    let release!: () => void;
    let locked!: () => void;
    const held = new Promise<void>((resolve) => (locked = resolve));
    const holding = t.storage.withZoneLock(
      zone.data.id,
      async () => {
        locked();
        await new Promise<void>((resolve) => (release = resolve));
      },
      { timeoutMs: 5_000 },
    );
    await held;
    const err = await engineError(t.engine.subdomains.create(t.owner, { ...t.env, zoneId: zone.data.id, name: 'www' }));
    release();
    await holding;
    expect(err.toBody()).toEqual({ error: 'Failed to create subdomain', message: 'Another change to this DNS zone is in progress; try again shortly' });
    expect(err.retryAfter).toBe(5);
    // Free again: the create goes through.
    expect((await t.engine.subdomains.create(t.owner, { ...t.env, zoneId: zone.data.id, name: 'www' })).data.fqdn).toBe('www.cf.com');
  });
});

describe('subdomains.create: the unique index has the last word', () => {
  it('a duplicate the pre-check did not see → 409 Subdomain already exists from the storage conflict', async () => {
    const memory = createMemoryStorage({ migrated: true });
    // A pre-check that sees nothing, as when a concurrent create committed just after it read.
    const blind = { ...memory, resources: { ...memory.resources, listResources: async () => [] } };
    const t = await createDnsTestbed({ storage: blind });
    const zone = await t.engine.dns.createZone(t.owner, { ...t.env, name: 'cf', domainName: 'cf.com', cloudflareApiToken: 'tok' });
    await t.engine.subdomains.create(t.owner, { ...t.env, zoneId: zone.data.id, name: 'www' });
    const err = await engineError(t.engine.subdomains.create(t.owner, { ...t.env, zoneId: zone.data.id, name: 'WWW.cf.com.' }));
    expect(err.toBody()).toEqual({ error: 'Subdomain already exists', message: 'A subdomain www.cf.com already exists in this zone' });
  });
});
