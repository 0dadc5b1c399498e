import { validationFailed } from '../errors/index.js';
import { formatPath } from './parse.js';

/**
 * The path of the first string holding U+0000 inside `value` (plain objects and arrays walked),
 * or `null`. Iterative, so a deeply nested body cannot overflow the stack; each value is visited
 * once, so the cost is linear in the input.
 */
export function findNulCharacter(value: unknown): string | null {
  // Each node points at its parent instead of carrying a copy of its path, so a deep input costs
  // one node per value (a copied path would make a 100 000-level nesting quadratic).
  interface Node { readonly value: unknown; readonly key?: PropertyKey; readonly parent?: Node }
  const stack: Node[] = [{ value }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const current = node.value;
    if (typeof current === 'string') {
      if (!current.includes('\u0000')) continue;
      const path: PropertyKey[] = [];
      for (let n: Node | undefined = node; n?.parent; n = n.parent) path.unshift(n.key!);
      return formatPath(path);
    }
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], key: i, parent: node });
    } else if (current !== null && typeof current === 'object' && !ArrayBuffer.isView(current)) {
      const entries = Object.entries(current);
      for (let i = entries.length - 1; i >= 0; i--) stack.push({ value: entries[i]![1], key: entries[i]![0], parent: node });
    }
  }
  return null;
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
