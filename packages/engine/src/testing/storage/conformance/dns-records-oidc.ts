import { describe, expect, it } from 'vitest';
import type { StoredRecordSet } from '../../../domain/records.js';
import { T0, at, expectConflict, raw, type StorageConformanceContext } from './context.js';
import { fixtures } from './fixtures.js';

const set = (name: string, type: string, values: string[], extra: Partial<StoredRecordSet> = {}): StoredRecordSet => ({
  name,
  type,
  ttl: 300,
  values,
  managed: true,
  providerIds: null,
  ...extra,
});

/** dnsRecords.* and oidcKeys.*. */
export function describeDnsRecordsAndOidcKeys(ctx: StorageConformanceContext): void {
  async function zones() {
    const s = await fixtures(ctx.storage).scope();
    const zone = await fixtures(ctx.storage).resource(s, { domainName: 'example.com' });
    const other = await fixtures(ctx.storage).resource(s, { domainName: 'example.org' });
    return { zone: zone.id, other: other.id };
  }

  describe('dnsRecords.putRecordSets', () => {
    it('inserts record sets with their columns', async () => {
      const { zone } = await zones();
      await ctx.storage.dnsRecords.putRecordSets(
        zone,
        [set('www.example.com.', 'A', ['192.0.2.1', '192.0.2.2'], { ttl: 60, providerIds: ['r1', 'r2'] }), set('example.com.', 'TXT', ['"v=spf1 -all"'], { ttl: null, managed: false })],
        T0,
      );
      const rows = await ctx.rows('dns_records');
      expect(rows).toHaveLength(2);
      const www = rows.find((r) => r.name === 'www.example.com.')!;
      expect([raw.num(www.zone_resource_id), www.type, raw.num(www.ttl), raw.json(www.values), raw.bool(www.managed), raw.json(www.provider_ids)]).toEqual([
        zone, 'A', 60, ['192.0.2.1', '192.0.2.2'], true, ['r1', 'r2'],
      ]);
      const txt = rows.find((r) => r.name === 'example.com.')!;
      expect([txt.ttl, raw.json(txt.values), raw.bool(txt.managed), txt.provider_ids]).toEqual([null, ['"v=spf1 -all"'], false, null]);
    });

    it('replaces the set with the same (zone, name, type) in place', async () => {
      const { zone } = await zones();
      await ctx.storage.dnsRecords.putRecordSets(zone, [set('a.example.com.', 'A', ['192.0.2.1'])], T0);
      await ctx.storage.dnsRecords.putRecordSets(zone, [set('a.example.com.', 'A', ['192.0.2.9'], { ttl: 900 }), set('a.example.com.', 'AAAA', ['2001:db8::1'])], at(1));
      const rows = await ctx.rows('dns_records');
      expect(rows.map((r) => [r.name, r.type, raw.json(r.values), raw.num(r.ttl)])).toEqual([
        ['a.example.com.', 'A', ['192.0.2.9'], 900],
        ['a.example.com.', 'AAAA', ['2001:db8::1'], 300],
      ]);
    });
  });

  describe('dnsRecords.listRecordSets', () => {
    it('lists the zone sets ordered by name, then type; [] for another zone', async () => {
      const { zone, other } = await zones();
      await ctx.storage.dnsRecords.putRecordSets(
        zone,
        [set('www.example.com.', 'TXT', ['"t"']), set('api.example.com.', 'A', ['192.0.2.3']), set('www.example.com.', 'A', ['192.0.2.1']), set('mail.example.com.', 'MX', ['10 mx.example.com.'])],
        T0,
      );
      await ctx.storage.dnsRecords.putRecordSets(other, [set('x.example.org.', 'A', ['192.0.2.7'])], T0);
      const list = await ctx.storage.dnsRecords.listRecordSets(zone);
      expect(list.map((r) => `${r.name} ${r.type}`)).toEqual(['api.example.com. A', 'mail.example.com. MX', 'www.example.com. A', 'www.example.com. TXT']);
      expect(list[0]).toEqual(set('api.example.com.', 'A', ['192.0.2.3']));
      expect(await ctx.storage.dnsRecords.listRecordSets(zone + 1000)).toEqual([]);
    });
  });

  describe('dnsRecords.getRecordSet', () => {
    it('finds one set; null when missing', async () => {
      const { zone, other } = await zones();
      const stored = set('cf.example.com.', 'CNAME', ['target.example.net.'], { providerIds: ['abc'] });
      await ctx.storage.dnsRecords.putRecordSets(zone, [stored], T0);
      expect(await ctx.storage.dnsRecords.getRecordSet(zone, 'cf.example.com.', 'CNAME')).toEqual(stored);
      expect(await ctx.storage.dnsRecords.getRecordSet(zone, 'cf.example.com.', 'A')).toBeNull();
      expect(await ctx.storage.dnsRecords.getRecordSet(other, 'cf.example.com.', 'CNAME')).toBeNull();
    });
  });

  describe('dnsRecords.deleteRecordSets', () => {
    it('deletes the named sets of the zone only', async () => {
      const { zone, other } = await zones();
      await ctx.storage.dnsRecords.putRecordSets(zone, [set('a.example.com.', 'A', ['192.0.2.1']), set('a.example.com.', 'TXT', ['"x"']), set('b.example.com.', 'A', ['192.0.2.2'])], T0);
      await ctx.storage.dnsRecords.putRecordSets(other, [set('a.example.com.', 'A', ['192.0.2.1'])], T0);
      await ctx.storage.dnsRecords.deleteRecordSets(zone, [{ name: 'a.example.com.', type: 'A' }, { name: 'b.example.com.', type: 'A' }, { name: 'zzz.example.com.', type: 'A' }]);
      const rows = await ctx.rows('dns_records');
      expect(rows.map((r) => [raw.num(r.zone_resource_id), r.name, r.type])).toEqual([
        [zone, 'a.example.com.', 'TXT'],
        [other, 'a.example.com.', 'A'],
      ]);
    });
  });

  describe('dnsRecords.replaceRecordSets', () => {
    it("replaces the zone's whole stored copy and leaves other zones alone", async () => {
      const { zone, other } = await zones();
      await ctx.storage.dnsRecords.putRecordSets(zone, [set('old.example.com.', 'A', ['192.0.2.1']), set('keep.example.com.', 'A', ['192.0.2.2'])], T0);
      await ctx.storage.dnsRecords.putRecordSets(other, [set('o.example.org.', 'A', ['192.0.2.3'])], T0);
      await ctx.storage.dnsRecords.replaceRecordSets(zone, [set('keep.example.com.', 'A', ['192.0.2.20'], { managed: false }), set('new.example.com.', 'A', ['192.0.2.4'])], at(1));
      expect((await ctx.storage.dnsRecords.listRecordSets(zone)).map((r) => [r.name, r.values, r.managed])).toEqual([
        ['keep.example.com.', ['192.0.2.20'], false],
        ['new.example.com.', ['192.0.2.4'], true],
      ]);
      const rows = await ctx.rows('dns_records');
      expect(rows.filter((r) => raw.num(r.zone_resource_id) === zone).map((r) => r.name).sort()).toEqual(['keep.example.com.', 'new.example.com.']);
      expect(rows.filter((r) => raw.num(r.zone_resource_id) === other)).toHaveLength(1);
    });

    it('empties the zone when given nothing', async () => {
      const { zone } = await zones();
      await ctx.storage.dnsRecords.putRecordSets(zone, [set('x.example.com.', 'A', ['192.0.2.1'])], T0);
      await ctx.storage.dnsRecords.replaceRecordSets(zone, [], at(1));
      expect(await ctx.rows('dns_records')).toEqual([]);
    });
  });

  describe('dnsRecords.deleteAllRecordSets', () => {
    it("deletes only that zone's sets", async () => {
      const { zone, other } = await zones();
      await ctx.storage.dnsRecords.putRecordSets(zone, [set('a.example.com.', 'A', ['192.0.2.1']), set('b.example.com.', 'A', ['192.0.2.2'])], T0);
      await ctx.storage.dnsRecords.putRecordSets(other, [set('c.example.org.', 'A', ['192.0.2.3'])], T0);
      await ctx.storage.dnsRecords.deleteAllRecordSets(zone);
      expect((await ctx.rows('dns_records')).map((r) => r.name)).toEqual(['c.example.org.']);
    });
  });

  const key = (kid: string, signingFrom = T0) => ({
    kid,
    alg: 'RS256' as const,
    publicJwk: { kty: 'RSA', n: 'abc', e: 'AQAB', kid, alg: 'RS256', use: 'sig' },
    privateKey: `v1:k1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA:${kid}`,
    signingFrom,
    signingUntil: null,
    publishedUntil: null,
  });

  describe('oidcKeys.insertOidcKey', () => {
    it('stores the key; private_key exactly as given', async () => {
      const inserted = await ctx.storage.oidcKeys.insertOidcKey({ ...key('kid-1'), now: T0 });
      expect(inserted).toEqual({ id: inserted.id, ...key('kid-1'), createdAt: T0 });
      const row = await ctx.row('oidc_signing_keys', inserted.id);
      expect([row.kid, row.alg, row.private_key, raw.time(row.signing_from), row.signing_until, row.published_until]).toEqual([
        'kid-1', 'RS256', key('kid-1').privateKey, T0.getTime(), null, null,
      ]);
      expect(raw.json(row.public_jwk)).toEqual(key('kid-1').publicJwk);
    });

    it('refuses a duplicate kid: oidc_signing_keys.kid', async () => {
      await ctx.storage.oidcKeys.insertOidcKey({ ...key('same'), now: T0 });
      await expectConflict(ctx.storage.oidcKeys.insertOidcKey({ ...key('same'), now: at(1) }), 'oidc_signing_keys.kid');
    });
  });

  describe('oidcKeys.listOidcKeys', () => {
    it('lists every key id ascending; [] when none', async () => {
      expect(await ctx.storage.oidcKeys.listOidcKeys()).toEqual([]);
      const b = await ctx.storage.oidcKeys.insertOidcKey({ ...key('b', at(10)), now: T0 });
      const a = await ctx.storage.oidcKeys.insertOidcKey({ ...key('a', at(5)), now: at(1) });
      expect((await ctx.storage.oidcKeys.listOidcKeys()).map((k) => k.id)).toEqual([b.id, a.id]);
    });
  });

  describe('oidcKeys.updateOidcKey', () => {
    it('writes signing_until, published_until and private_key', async () => {
      const k = await ctx.storage.oidcKeys.insertOidcKey({ ...key('rot'), now: T0 });
      await ctx.storage.oidcKeys.updateOidcKey(k.id, { signingUntil: at(60), publishedUntil: at(120) });
      let row = await ctx.row('oidc_signing_keys', k.id);
      expect([raw.time(row.signing_until), raw.time(row.published_until), row.private_key]).toEqual([at(60).getTime(), at(120).getTime(), key('rot').privateKey]);
      await ctx.storage.oidcKeys.updateOidcKey(k.id, { privateKey: 'v1:k2:resealed' });
      row = await ctx.row('oidc_signing_keys', k.id);
      expect([row.private_key, raw.time(row.signing_until)]).toEqual(['v1:k2:resealed', at(60).getTime()]);
      expect((await ctx.storage.oidcKeys.listOidcKeys())[0]).toMatchObject({ signingUntil: at(60), publishedUntil: at(120), privateKey: 'v1:k2:resealed' });
    });
  });
}
