import { describe, expect, it } from 'vitest';
import { isStorageConflict } from '../../ports/storage.js';
import { createMemoryStorage } from './memory-storage.js';

const now = new Date('2024-01-15T10:30:00.000Z');

/** Memory-only rules the conformance suite cannot express for every storage. */
describe('createMemoryStorage', () => {
  it('refuses calls before migrate() and reports the pending migration', async () => {
    const storage = createMemoryStorage();
    await expect(storage.plans.getPlanById(1)).rejects.toThrow('memory storage: not migrated; call migrate() first');
    expect(await storage.health()).toEqual({ ok: false, reason: 'pending migrations: 0001_initial, 0002_write_intents, 0003_resource_connections, 0004_audit_log, 0005_connection_health, 0006_user_external_id, 0007_connection_auth_mode' });
    await storage.migrate();
    expect((await storage.plans.getPlanById(4))?.slug).toBe('ultimate');
  });

  it('can start migrated', async () => {
    const storage = createMemoryStorage({ migrated: true });
    expect(await storage.health()).toEqual({ ok: true });
    expect(await storage.migrate()).toEqual({ applied: [] });
    expect(await storage.peek.rows('roles')).toHaveLength(6);
  });

  it('rejects lockWorkspace outside a transaction and tx after its transaction', async () => {
    const storage = createMemoryStorage({ migrated: true });
    await expect(storage.lockWorkspace(1)).rejects.toThrow(/only valid inside transaction/);
    const leaked = await storage.transaction(async (tx) => tx);
    await expect(leaked.users.getUserById(1)).rejects.toThrow(/after its transaction ended/);
  });

  it('enforces foreign keys with a plain error, not a conflict', async () => {
    const storage = createMemoryStorage({ migrated: true });
    const error = await storage.workspaces.createWorkspace({ name: 'x', slug: 'x', description: null, planId: 99, now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isStorageConflict(error)).toBe(false);
    expect(String(error)).toMatch(/FOREIGN KEY constraint failed: workspaces.plan_id/);
    expect(await storage.peek.rows('workspaces')).toEqual([]);
  });

  it('hands out copies: editing a result or a peeked row changes nothing stored', async () => {
    const storage = createMemoryStorage({ migrated: true });
    const mine = new Date(now);
    const user = await storage.users.createUser({ email: 'copy@example.com', name: 'C', now: mine });
    user.createdAt.setTime(0);
    mine.setTime(1);
    const rows = await storage.peek.rows('users');
    rows[0]!.email = 'changed@example.com';
    expect((await storage.users.getUserById(user.id))?.createdAt).toEqual(now);
    expect((await storage.peek.rows('users'))[0]!.email).toBe('copy@example.com');
  });

  it('fails every call after close', async () => {
    const storage = createMemoryStorage({ migrated: true });
    await storage.close();
    await expect(storage.users.getUserById(1)).rejects.toThrow('memory storage is closed');
    await expect(storage.transaction(async () => 1)).rejects.toThrow('memory storage is closed');
    await expect(storage.migrate()).rejects.toThrow('memory storage is closed');
    expect(await storage.health()).toEqual({ ok: false, reason: 'storage is closed' });
  });
});
