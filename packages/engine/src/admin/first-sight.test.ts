import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine.js';
import { isEngineError } from '../errors/index.js';
import { createMemoryStorage, createTestSecretBox } from '../testing/storage/index.js';
import { provisionOnFirstSight } from './first-sight.js';
import type { ProvisionUserInput } from './users.js';

/** `provisionOnFirstSight` over a real engine on the memory storage, counting the provisions it makes. */
async function setup(maxEntries?: number) {
  const storage = createMemoryStorage({ migrated: true });
  const engine = createEngine({ storage, secrets: createTestSecretBox(), publicUrl: 'http://localhost:3000' });
  const calls: string[] = [];
  const counted = { users: { provision: (input: ProvisionUserInput) => (calls.push(input.externalId), engine.users.provision(input)) } };
  return { storage, engine, calls, actorFor: provisionOnFirstSight(counted, maxEntries === undefined ? {} : { maxEntries }) };
}

describe('provisionOnFirstSight', () => {
  it('provisions once per identity as it is, again when email or name change; carries the request id', async () => {
    const { actorFor, calls, storage } = await setup();
    expect(await actorFor({ externalId: 'a', email: 'a@example.com', requestId: 'r1' })).toEqual({ externalId: 'a', requestId: 'r1' });
    expect(await actorFor({ externalId: 'a', email: 'a@example.com' })).toEqual({ externalId: 'a' });
    await actorFor({ externalId: 'a', email: 'a@example.com', name: 'A' });
    await actorFor({ externalId: 'a', email: 'a2@example.com', name: 'A' });
    await actorFor({ externalId: 'a', email: 'a2@example.com', name: 'A' });
    expect(calls).toEqual(['a', 'a', 'a']);
    expect(await storage.users.getUserByExternalId('a')).toMatchObject({ email: 'a2@example.com', name: 'A' });
  });

  it('does not remember a refused provision: the next request tries again', async () => {
    const { actorFor, calls, storage } = await setup();
    const taken = await storage.users.createUser({ email: 'taken@example.com', name: null, now: new Date() });
    const refused = await actorFor({ externalId: 'b', email: 'taken@example.com' }).catch((e: unknown) => e);
    expect(isEngineError(refused) && refused.error).toBe('Email already in use');
    await storage.users.updateUser(taken.id, { email: 'moved@example.com' }, new Date());
    expect(await actorFor({ externalId: 'b', email: 'taken@example.com' })).toEqual({ externalId: 'b' });
    expect(calls).toEqual(['b', 'b']);
  });

  it('forgets the least recently seen identity beyond maxEntries; refuses a bad bound', async () => {
    const { actorFor, calls } = await setup(2);
    for (const id of ['x', 'y', 'x', 'z', 'x', 'y']) await actorFor({ externalId: id, email: `${id}@example.com` });
    // x stays (seen again before z pushed the oldest out); y was the oldest when z came.
    expect(calls).toEqual(['x', 'y', 'z', 'y']);
    expect(() => provisionOnFirstSight({ users: { provision: () => Promise.reject(new Error('unused')) } }, { maxEntries: 0 })).toThrow(/maxEntries/);
  });
});
