import { describe, expectTypeOf, it } from 'vitest';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { HostResourceType } from '@cloudlink/engine';
import type { CloudlinkRouter } from '../src/index.js';

type In = inferRouterInputs<CloudlinkRouter>;
type Out = inferRouterOutputs<CloudlinkRouter>;

// Compile-time checks, run by `tsc` (`pnpm typecheck`; the `.test-d.ts` name keeps vitest from
// reporting them as runtime tests that could never fail): every group is typed from the engine,
// not the loose fallback, so a typed client sees real inputs and the documented bodies. A loose
// (`any`) procedure fails the `not.toBeAny()` lines: `toHaveProperty` alone accepts `any`.
describe('CloudlinkRouter types', () => {
  it('types inputs from the engine methods', () => {
    expectTypeOf<In['workspaces']['create']>().not.toBeAny();
    expectTypeOf<In['workspaces']['create']>().toHaveProperty('name').not.toBeAny();
    expectTypeOf<In['projects']['connectCloud']>().not.toBeAny();
    expectTypeOf<In['projects']['connectCloud']>().toHaveProperty('connectionId');
    expectTypeOf<In['cloudConnections']['complete']>().not.toBeAny();
    expectTypeOf<In['cloudConnections']['complete']>().toHaveProperty('workspaceSlug').toEqualTypeOf<string>();
    expectTypeOf<In['dns']['createZone']>().not.toBeAny();
    expectTypeOf<In['dns']['createZone']>().toHaveProperty('domainName');
    expectTypeOf<In['resources']['delete']>().not.toBeAny();
    expectTypeOf<In['resources']['delete']>().toHaveProperty('resourceId');
    expectTypeOf<In['resources']['register']>().not.toBeAny();
    expectTypeOf<In['resources']['register']>().toHaveProperty('dnsTarget');
    expectTypeOf<In['resources']['register']['resourceType']>().toEqualTypeOf<HostResourceType>();
    expectTypeOf<In['subdomains']['create']>().not.toBeAny();
    expectTypeOf<In['subdomains']['create']>().toHaveProperty('zoneId');
    expectTypeOf<In['subdomains']['get']>().toHaveProperty('id');
    expectTypeOf<In['subdomains']['delete']>().toHaveProperty('deleteFromCloud');
    expectTypeOf<In['resources']['update']>().toHaveProperty('dnsTarget');
    expectTypeOf<In['resourceConnections']['create']>().not.toBeAny();
    expectTypeOf<In['resourceConnections']['create']>().toHaveProperty('sourceId');
    expectTypeOf<In['resourceConnections']['update']>().toHaveProperty('targetId');
    expectTypeOf<In['resourceConnections']['update']>().toHaveProperty('dryRun');
    expectTypeOf<In['dns']['upsertRecords']>().toHaveProperty('force');
    expectTypeOf<In['resourceConnections']['list']>().toHaveProperty('resourceId');
  });

  it('types outputs as the documented REST bodies', () => {
    expectTypeOf<Out['workspaces']['create']['data']['slug']>().toEqualTypeOf<string>();
    expectTypeOf<Out['members']['list']['count']>().toEqualTypeOf<number>();
    expectTypeOf<Out['environments']['list']['count']>().toEqualTypeOf<number>();
    expectTypeOf<Out['cloudConnections']['list']>().toHaveProperty('summary');
    expectTypeOf<Out['dns']['listZones']['count']>().toEqualTypeOf<number>();
    expectTypeOf<Out['resources']['list']>().toHaveProperty('counts');
    expectTypeOf<Out['resources']['register']['data']['resourceType']>().toEqualTypeOf<string>();
    expectTypeOf<Out['subdomains']['list']['data'][number]['fqdn']>().toEqualTypeOf<string>();
    // A write that takes `dryRun` answers its body or the plan (docs/records.md#plan-before-apply).
    expectTypeOf<Exclude<Out['resourceConnections']['create'], { dryRun: true }>['data']['status']>().toEqualTypeOf<'pending' | 'active' | 'deleting'>();
    expectTypeOf<Extract<Out['resourceConnections']['create'], { dryRun: true }>['data']['summary']['existingRecordSets']>().toEqualTypeOf<number>();
    expectTypeOf<Extract<Out['dns']['upsertRecords'], { dryRun: true }>['data']['changes'][number]['action']>().toEqualTypeOf<'create' | 'update' | 'delete' | 'unchanged'>();
    expectTypeOf<Out['resourceConnections']['list']['nextCursor']>().toEqualTypeOf<string | null>();
    expectTypeOf<Out['resources']['update']['data']['resourceType']>().toEqualTypeOf<string>();
    expectTypeOf<Out['subdomains']['get']['data']['connection']>().toEqualTypeOf<{ id: number; targetId: number; status: 'pending' | 'active' | 'deleting' } | null>();
  });
});
