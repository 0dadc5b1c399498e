import { describe, expect, it } from 'vitest';
import type { DnsAuth } from '@cloudlink/engine';
import { createInstantClock, createSandboxProviders, halfRandom } from '../src/index.js';

const SUB = '00000000-0000-0000-0000-0000000000aa';

async function azureSandbox() {
  const sandbox = createSandboxProviders({ clock: createInstantClock(), random: halfRandom });
  const token = await sandbox.providers.azure.getToken({ tenantId: 't', subscriptionId: SUB, clientId: 'app', clientSecret: 's' });
  const auth: DnsAuth = { provider: 'azuredns', subscriptionId: SUB, resourceGroup: 'cloudlink-dns', accessToken: async () => token };
  return { sandbox, session: sandbox.providers.dns.azuredns.session(auth) };
}

describe('sandbox Azure DNS', () => {
  it('resolves the TXT sets written through the real provider, and keeps its zones across snapshot/restore', async () => {
    const { sandbox, session } = await azureSandbox();
    const zone = await session.createOrImportZone({ domainName: 'app.example', callerReference: 'r' });
    await session.applyChanges(zone, [{ action: 'UPSERT', recordSet: { name: '_gateways_app.app.example.', type: 'TXT', ttl: 60, values: ['"token=abc" "more"'] } }]);
    expect(await sandbox.resolver.resolveTxt('_gateways_app.app.example')).toEqual([['token=abc', 'more']]);

    const state = JSON.parse(JSON.stringify(sandbox.snapshot())) as ReturnType<typeof sandbox.snapshot>;
    const { sandbox: fresh, session: freshSession } = await azureSandbox();
    fresh.restore(state);
    expect((await freshSession.getRecordSet(zone, '_gateways_app.app.example.', 'TXT'))?.values).toEqual(['"token=abc" "more"']);
    // A state saved before the sandbox had Azure DNS restores with no zones.
    const { azuredns: _dropped, ...older } = state;
    fresh.restore(older);
    expect(await freshSession.getZone(zone.hostedZoneId)).toBeNull();
  });

  it('refuses a token its Entra never issued (401 → unauthorized), and an unknown resource group (404)', async () => {
    const { sandbox } = await azureSandbox();
    const forged = sandbox.providers.dns.azuredns.session({ provider: 'azuredns', subscriptionId: SUB, resourceGroup: 'cloudlink-dns', accessToken: async () => ({ token: 'forged', expiresAt: new Date(Date.now() + 60_000) }) });
    await expect(forged.createOrImportZone({ domainName: 'app.example', callerReference: 'r' })).rejects.toMatchObject({ kind: 'unauthorized', providerCode: 'InvalidAuthenticationToken' });
    const token = await sandbox.providers.azure.getToken({ tenantId: 't', subscriptionId: SUB, clientId: 'app', clientSecret: 's' });
    const elsewhere = sandbox.providers.dns.azuredns.session({ provider: 'azuredns', subscriptionId: SUB, resourceGroup: 'other-group', accessToken: async () => token });
    await expect(elsewhere.createOrImportZone({ domainName: 'app.example', callerReference: 'r' })).rejects.toMatchObject({ kind: 'not-found', providerCode: 'ResourceGroupNotFound' });
  });
});

describe('sandbox Azure DNS ETags (in-process)', () => {
  it('refuses a write over a change made in the portal since the read (`conflict`), keeping that change', async () => {
    const { sandbox, session } = await azureSandbox();
    const zone = await session.createOrImportZone({ domainName: 'app.example', callerReference: 'r' });
    const set = { name: 'www.app.example.', type: 'A', ttl: 300, values: ['192.0.2.1'] };
    await session.applyChanges(zone, [{ action: 'UPSERT', recordSet: set }]);
    const read = (await session.getRecordSet(zone, set.name, 'A'))!;
    const held = sandbox.fakes.azuredns.zone(SUB, 'cloudlink-dns', 'app.example')!;
    sandbox.fakes.azuredns.putRecordSet(held, 'www', 'A', { TTL: 60, ARecords: [{ ipv4Address: '198.51.100.1' }] });
    await expect(session.applyChanges(zone, [{ action: 'UPSERT', recordSet: { ...read, values: ['192.0.2.2'] } }])).rejects.toMatchObject({ kind: 'conflict', providerCode: 'PreconditionFailed' });
    expect((await session.getRecordSet(zone, set.name, 'A'))?.values).toEqual(['198.51.100.1']);
  });
});
