import { validationFailed } from '../errors/index.js';
import { formatPath } from './parse.js';

/**
 * The path of the first string holding U+0000 inside `value` (plain objects and arrays walked),
 * or `null`. Iterative, so a deeply nested body cannot overflow the stack; each value is visited
 * once, so the cost is linear in the input.
 */
export function findNulCharacter(value: unknown): string | null {
  // Node i of the walk has key keys[i] inside parent parents[i]; the path is rebuilt from these only
  // on a hit. Flat arrays instead of a path per value (quadratic on deep input) or an object per
  // value (allocation-bound): the walk costs about as much as the JSON.parse that made the input.
  const keys: PropertyKey[] = [''];
  const parents: number[] = [-1];
  const pending: unknown[] = [value];
  const pendingIds: number[] = [0];
  while (pending.length > 0) {
    const current = pending.pop();
    const id = pendingIds.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return formatPath(pathOf(id, keys, parents));
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) push(current[i], i, id);
    } else if (current !== null && typeof current === 'object' && !ArrayBuffer.isView(current)) {
      const names = Object.keys(current);
      for (let i = names.length - 1; i >= 0; i--) push((current as Record<string, unknown>)[names[i]!], names[i]!, id);
    }
  }
  return null;

  function push(child: unknown, key: PropertyKey, parent: number): void {
    // Only containers and strings can hold a NUL; numbers, booleans and null need no node.
    if (child === null || (typeof child !== 'string' && typeof child !== 'object')) return;
    pendingIds.push(keys.length);
    keys.push(key);
    parents.push(parent);
    pending.push(child);
  }
}

function pathOf(id: number, keys: readonly PropertyKey[], parents: readonly number[]): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let n = id; n > 0; n = parents[n]!) path.push(keys[n]!);
  return path.reverse();
}

type ServiceGroup = Record<string, unknown>;

/**
 * Wrap every operation of every service group so that an argument holding a NUL character is
 * refused with 400 `Validation failed` (`<path>: must not contain NUL characters`) before the
 * operation runs. No field of ours can hold U+0000 — Postgres text cannot store it at all, and on
 * SQLite it would silently cut names and slugs — so it is refused once, here, for every transport
 * and every embedding, rather than in each schema and each lookup.
 */
export function refuseNulCharacters<T extends Record<string, ServiceGroup>>(groups: T): T {
  const guarded: Record<string, ServiceGroup> = {};
  for (const [name, group] of Object.entries(groups)) {
    const wrapped: ServiceGroup = {};
    for (const [key, member] of Object.entries(group)) {
      if (typeof member !== 'function') {
        wrapped[key] = member;
        continue;
      }
      wrapped[key] = (...args: unknown[]) => {
        for (const arg of args) {
          const path = findNulCharacter(arg);
          // Every operation is async: refuse the same way (a rejected promise, never a synchronous throw).
          if (path !== null) return Promise.reject(validationFailed([{ path, message: 'must not contain NUL characters' }]));
        }
        return (member as (...a: unknown[]) => unknown).apply(group, args);
      };
    }
    guarded[name] = wrapped;
  }
  return guarded as T;
}
