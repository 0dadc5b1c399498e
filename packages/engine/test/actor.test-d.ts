import { describe, expectTypeOf, it } from 'vitest';
import type { AccessControl, Actor, Engine, ExternalIdActor, ProvisionedUser, UserIdActor } from '../src/index.js';

// Compile-time checks, run by `tsc` (`pnpm typecheck`): an actor names its user by exactly one of
// cloudlink's id or the host's, every engine operation takes either, and a host's AccessControl
// receives the resolved form with `userId` always present.
describe('Actor types', () => {
  it('is a user id or an external id, never neither', () => {
    expectTypeOf<{ userId: number }>().toExtend<Actor>();
    expectTypeOf<{ externalId: string; requestId: string }>().toExtend<Actor>();
    expectTypeOf<{ userId: number; externalId: string }>().toExtend<Actor>();
    expectTypeOf<{ requestId: string }>().not.toExtend<Actor>();
    expectTypeOf<{ externalId: number }>().not.toExtend<Actor>();
    expectTypeOf<ExternalIdActor['userId']>().toEqualTypeOf<undefined>();
  });

  it('every operation takes an external-id actor; AccessControl gets a user id; provision answers the user', () => {
    expectTypeOf<ExternalIdActor>().toExtend<Parameters<Engine['workspaces']['create']>[0]>();
    expectTypeOf<ExternalIdActor>().toExtend<Parameters<Engine['dns']['upsertRecords']>[0]>();
    expectTypeOf<Parameters<AccessControl['membership']>[0]>().toEqualTypeOf<UserIdActor>();
    expectTypeOf<Awaited<ReturnType<Engine['users']['provision']>>>().toEqualTypeOf<ProvisionedUser>();
    expectTypeOf<ProvisionedUser['user']['externalId']>().toEqualTypeOf<string | null>();
  });
});
