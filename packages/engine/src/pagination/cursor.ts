import type { z } from 'zod';
import { invalidField } from '../errors/index.js';

/** The lists that issue cursors; a cursor of one is refused by every other. */
export type CursorList =
  | 'audit'
  | 'connections'
  | 'environments'
  | 'members'
  | 'projects'
  | 'resources'
  | 'subdomains'
  | 'zones'
  | 'records'
  | 'resourceConnections'
  | 'workspaces';

const BASE64URL = /^[\w-]+$/;
const refused = () => invalidField('cursor', 'is not a cursor of this list');

/**
 * An opaque cursor: base64url JSON naming the list, its scope (the workspace, project, environment
 * or zone id; the user for the list of their own workspaces) and the position after which the next
 * page starts. Not a secret and not signed: the position is re-checked on decode, and every read
 * stays filtered by the caller's scope.
 */
export function encodeCursor(list: CursorList, scope: number, after: unknown): string {
  return Buffer.from(JSON.stringify({ l: list, s: scope, a: after }), 'utf8').toString('base64url');
}

/**
 * The position a cursor carries, or undefined without one. A malformed cursor, one of another list
 * or scope, or one whose position fails `after` → 400 `Validation failed` at `cursor`.
 */
export function decodeCursor<T>(raw: string | undefined, list: CursorList, scope: number, after: z.ZodType<T>): T | undefined {
  if (raw === undefined) return undefined;
  if (!BASE64URL.test(raw)) throw refused();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw refused();
  }
  const body = parsed as { l?: unknown; s?: unknown; a?: unknown } | null;
  if (typeof body !== 'object' || body === null || body.l !== list || body.s !== scope) throw refused();
  const position = after.safeParse(body.a);
  if (!position.success) throw refused();
  return position.data;
}
