import { describe, expect, it } from 'vitest';
import type { ExistingZone } from '../../../ports/dns.js';
import type { DnsConformanceContext } from './context.js';

const byId = (zones: readonly ExistingZone[]) => [...zones].sort((a, b) => (a.info.hostedZoneId < b.info.hostedZoneId ? -1 : 1));

/** `findZonesByName`, where the session has it: exact names, public zones only, with their caller references. */
export function describeZonesByName(ctx: DnsConformanceContext): void {
  describe('zones by name', () => {
    it('finds the zone a CreateHostedZone made, with its caller reference, and nothing for a domain without a zone', async (test) => {
      const find = ctx.session.findZonesByName?.bind(ctx.session);
      if (!find) return test.skip();
      const domainName = `found.${ctx.zone.domainName}`;
      const zone = await ctx.session.createOrImportZone({ domainName, callerReference: 'found-by-name' });
      expect(await find(domainName)).toEqual([{ info: zone, callerReference: 'found-by-name' }]);
      expect(await find(`nothing.${ctx.zone.domainName}`)).toEqual([]);
    });

    it('lists every public zone of exactly that name, leaving out private zones and neighbouring names', async (test) => {
      const find = ctx.session.findZonesByName?.bind(ctx.session);
      const add = ctx.under.addExistingZone;
      if (!find || !add) return test.skip();
      const domainName = `shared.${ctx.zone.domainName}`;
      const ours = await ctx.session.createOrImportZone({ domainName, callerReference: 'ours' });
      await add(domainName, { callerReference: 'someone-else', private: false });
      await add(domainName, { callerReference: 'private-one', private: true });
      for (const neighbour of [`a.${domainName}`, `shared-${ctx.zone.domainName}`, `sharee.${ctx.zone.domainName}`, `sharedd.${ctx.zone.domainName}`]) {
        await add(neighbour, { callerReference: `n-${neighbour}`, private: false });
      }
      const found = byId(await find(domainName));
      expect(found.map((z) => z.callerReference).sort()).toEqual(['ours', 'someone-else']);
      expect(found.every((z) => z.info.domainName === domainName)).toBe(true);
      expect(found.find((z) => z.callerReference === 'ours')?.info).toEqual(ours);
      expect(await find(`${domainName}.`)).toEqual(await find(domainName));
    });
  });
}
