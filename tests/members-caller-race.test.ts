import { createEngine, type UserIdActor as Actor, type Engine, type Storage, type StorageTx } from '@cloudlink/engine';
import { createFakeClock, createTestSecretBox } from '@cloudlink/engine/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../test-support/wait.js';
import { attachPostgresStorage, createBackendStorage, type TestStorage } from './harness/backends.js';

/**
 * Two app instances (own engine and pg pool each) on one Postgres database. Instance B demotes
 * owner Dan while instance A runs Dan's request to make Carl an owner; the interleaving is forced:
 * B holds the workspace lock, A passes its pre-checks (Dan still an owner then) and queues on the
 * lock, then B commits. A must decide on the role Dan has once it holds the lock.
 */
describe('members on Postgres: a demotion committed while the caller waits for the workspace lock wins', () => {
  let main: TestStorage;
  let other: TestStorage;
  let probe: pg.Client;

  beforeAll(async () => {
    main = await createBackendStorage('postgres');
    other = attachPostgresStorage(main.url!);
    probe = new pg.Client({ connectionString: main.url });
    await probe.connect();
  });
  afterAll(async () => {
    await probe?.end();
    await other?.cleanup();
    await main?.cleanup();
  });

  const engineOver = (storage: Storage): Engine => createEngine({ storage, secrets: createTestSecretBox(), publicUrl: 'https://cloudlink.example.com', clock: createFakeClock(), providers: {} });

  /** `storage` whose transactions, once they hold the workspace lock, wait for `gate` before going on. */
  function heldAtLock(storage: Storage, gate: Promise<void>, locked: () => void): Storage {
    const transaction = <T>(fn: (tx: StorageTx) => Promise<T>) =>
      storage.transaction((tx) =>
        fn(
          new Proxy(tx, {
            get: (target, key, receiver) =>
              key === 'lockWorkspace'
                ? async (workspaceId: number) => {
                    await target.lockWorkspace(workspaceId);
                    locked();
                    await gate;
                  }
                : Reflect.get(target, key, receiver),
          }),
        ),
      );
    return new Proxy(storage, { get: (target, key, receiver) => (key === 'transaction' ? transaction : Reflect.get(target, key, receiver)) });
  }

  async function waitForLockWaiters(count: number): Promise<void> {
    await waitFor(async () => {
      const { rows } = await probe.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      return rows[0]!.n >= count;
    }, 'instance A to queue on the workspace lock');
  }

  it('refuses the grant with 403 and leaves Carl a dev', async () => {
    const a = engineOver(main.storage);
    const now = new Date();
    const user = async (email: string): Promise<Actor> => {
      const u = await main.storage.users.createUser({ email, name: null, now });
      return { userId: u.id, email: u.email };
    };
    const ann = await user('ann@example.com');
    const dan = await user('dan@example.com');
    const carl = await user('carl@example.com');
    const { data: ws } = await a.workspaces.create(ann, { name: 'Race' });
    const pro = await main.storage.plans.getPlanBySlug('pro');
    await main.storage.workspaces.setWorkspacePlan({ workspaceId: ws.id, planId: pro!.id, now });
    await a.members.add(ann, { workspaceSlug: ws.slug, email: 'dan@example.com', role: 'owner' });
    await a.members.add(ann, { workspaceSlug: ws.slug, email: 'carl@example.com', role: 'dev' });

    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let locked!: () => void;
    const bHoldsLock = new Promise<void>((r) => (locked = r));
    const b = engineOver(heldAtLock(other.storage, gate, () => locked()));

    const demotion = b.members.updateRole(ann, { workspaceSlug: ws.slug, userId: dan.userId, role: 'admin' });
    await bHoldsLock;
    const grant = a.members.updateRole(dan, { workspaceSlug: ws.slug, userId: carl.userId, role: 'owner' }).then(
      () => 'granted',
      (e: { toBody?: () => unknown }) => (e.toBody ? e.toBody() : Promise.reject(e)),
    );
    await waitForLockWaiters(1);
    open();
    expect((await demotion).data.role).toBe('admin');
    expect(await grant).toEqual({ error: 'Forbidden', message: 'Only an owner can grant or remove the owner role' });
    const roles = await probe.query<{ email: string; code: string }>(
      `SELECT u.email, r.code FROM workspace_members m JOIN users u ON u.id = m.user_id JOIN roles r ON r.id = m.role_id
        WHERE m.workspace_id = $1 AND m.is_active ORDER BY u.email`,
      [ws.id],
    );
    expect(roles.rows).toEqual([
      { email: 'ann@example.com', code: 'owner' },
      { email: 'carl@example.com', code: 'dev' },
      { email: 'dan@example.com', code: 'admin' },
    ]);
  });
});
