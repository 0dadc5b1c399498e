import fc from 'fast-check';
import type { RestRoute } from '@cloudlink/express-adapter';
import type { Exchange } from './guard.js';
import { encoding, wireBody, type Encoding } from './http.js';
import { SEEDS, targetId, type Seed } from './seeds.js';
import { encodeJson, mutated, PROTO_KEYS } from './values.js';
import type { World } from './world.js';

/**
 * Generated requests: path parameters, query strings, bodies, content types and callers, built
 * around each operation's valid seed so most requests get past authentication and routing.
 */

export type ParamChoice = { kind: 'valid' } | { kind: 'foreign' } | { kind: 'raw'; text: string };
export type TokenChoice = 'owner' | 'viewer' | 'outsider' | 'none' | 'garbage';

/** Path segments sent verbatim (already URL-encoded where they contain `%`). */
const RAW_SEGMENTS = [
  '0',
  '-1',
  '1e3',
  '01',
  '1.5',
  '+1',
  '0x1f',
  '%201',
  '99999999999999999999',
  '999999999999999',
  '9007199254740993',
  '%00',
  'acme%00',
  '%2F',
  '%E0%A4%A',
  '%',
  '%25',
  '%ZZ',
  'abc',
  'ACME',
  '%F0%9F%98%80',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'a'.repeat(2_000),
];

const paramChoice: fc.Arbitrary<ParamChoice> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ kind: 'valid' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'foreign' as const }) },
  {
    weight: 3,
    arbitrary: fc.oneof(fc.constantFrom(...RAW_SEGMENTS), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map(encodeURIComponent)).map((text) => ({ kind: 'raw' as const, text })),
  },
);

export const tokenChoice: fc.Arbitrary<TokenChoice> = fc.oneof(
  { weight: 10, arbitrary: fc.constant('owner' as const) },
  { weight: 1, arbitrary: fc.constantFrom('viewer' as const, 'outsider' as const, 'none' as const, 'garbage' as const) },
);

export function authHeader(w: World, t: TokenChoice): Record<string, string> {
  switch (t) {
    case 'owner':
      return { authorization: `Bearer ${w.owner.token}` };
    case 'viewer':
      return { authorization: `Bearer ${w.viewer.token}` };
    case 'outsider':
      return { authorization: `Bearer ${w.outsider.token}` };
    case 'garbage':
      return { authorization: `Bearer ${w.owner.token.split('.').slice(0, 2).join('.')}.` };
    case 'none':
      return {};
  }
}

/** The names of `:params` in an Express path, in order. */
export function paramNames(path: string): string[] {
  return [...path.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
}

/** The value of path parameter `name` for a valid or a foreign (tenant beta) request. */
export function paramValue(w: World, seed: Seed, name: string, choice: 'valid' | 'foreign'): string | number {
  const foreign = choice === 'foreign';
  switch (name) {
    case 'workspaceSlug':
      return foreign ? 'beta' : 'acme';
    case 'projectSlug':
      return foreign ? 'other' : 'shop';
    case 'environmentSlug':
      return 'master';
    case 'userId':
      return foreign ? w.outsider.id : w.viewer.id;
    case 'connectionId':
      return foreign ? w.foreign.connectionId : targetId(w, seed.target);
    case 'id':
    case 'resourceId':
      return foreign ? w.foreign.zoneId : targetId(w, seed.target);
    default:
      throw new Error(`fuzz: no fixture for path parameter :${name}; add it to paramValue`);
  }
}

/** Query keys some route documents, plus keys that would pollute a merged object. */
const QUERY_KEYS = ['deleteFromCloud', 'type', 'region', 'status', 'state', 'connection', 'include_inactive', 'provider', 'limit', 'cursor', 'email', 'role', 'name', 'zoneId', 'resourceId'];
const queryValue = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('', 'true', 'false', '1', '0', '-1', '1e3', '99999999999999999999', 'admin', 'owner', '%00', '\u0000', '😀') },
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  // Past Node's 16 KB header limit now and then (431 from the HTTP parser, before any app code).
  { weight: 1, arbitrary: fc.constantFrom(2_000, 20_000).map((n) => 'q'.repeat(n)) },
);

export type QueryPairs = readonly (readonly [string, string])[];

export function queryPairs(extraKeys: readonly string[]): fc.Arbitrary<QueryPairs> {
  const key = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...QUERY_KEYS, ...extraKeys, ...PROTO_KEYS, '__proto__[polluted]', 'constructor[prototype][polluted]', 'a[b]', 'a[]', 'a[b][c]') },
    { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
  );
  const repeated = fc.tuple(key, fc.array(fc.constantFrom('1', 'true', 'x', ''), { minLength: 2, maxLength: 300 })).map(([k, vs]) => vs.map((v) => [k, v] as const));
  return fc.oneof(
    { weight: 4, arbitrary: fc.array(fc.tuple(key, queryValue), { maxLength: 6 }) },
    { weight: 1, arbitrary: repeated },
  );
}

export function queryString(pairs: QueryPairs): string {
  return pairs.length ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}` : '';
}

/** Methods a route does not serve (404 `Not found`, or Express's own OPTIONS/HEAD answers). */
const OTHER_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

export interface RestCase {
  /** Another method on the route's path, now and then. */
  readonly method?: (typeof OTHER_METHODS)[number];
  readonly params: Record<string, ParamChoice>;
  readonly keepSeedQuery: boolean;
  readonly query: QueryPairs;
  readonly body?: { readonly value: unknown; readonly encoding: Encoding };
  readonly token: TokenChoice;
}

export function restCase(w: World, route: RestRoute): fc.Arbitrary<RestCase> {
  const seed = SEEDS[route.operation](w);
  const names = paramNames(route.path);
  const body = fc.record({ value: mutated(seed.body ?? {}), encoding });
  return fc.record({
    method: fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) }),
    params: fc.record(Object.fromEntries(names.map((n) => [n, paramChoice]))) as fc.Arbitrary<Record<string, ParamChoice>>,
    keepSeedQuery: fc.boolean(),
    query: queryPairs(Object.keys(seed.body ?? {})),
    body: route.method === 'GET' ? fc.constant(undefined) : seed.body ? body : fc.option(body, { nil: undefined }),
    token: route.public ? fc.constantFrom('none' as const, 'owner' as const, 'garbage' as const) : tokenChoice,
  });
}

/** The request of a generated case; `foreign` says whether it names an object of another tenant. */
export function restExchange(w: World, route: RestRoute, c: RestCase): { exchange: Exchange; foreign: boolean } {
  const seed = SEEDS[route.operation](w);
  let foreign = false;
  const path = route.path.replace(/:(\w+)/g, (_m, name: string) => {
    const p = c.params[name] ?? { kind: 'valid' };
    if (p.kind === 'raw') return p.text;
    if (p.kind === 'foreign' && name !== 'environmentSlug') foreign = true;
    return encodeURIComponent(String(paramValue(w, seed, name, p.kind)));
  });
  const pairs: (readonly [string, string])[] = c.keepSeedQuery ? Object.entries(seed.query ?? {}) : [];
  pairs.push(...c.query);
  const wire = c.body ? wireBody(c.body.value, c.body.encoding) : undefined;
  return {
    exchange: { method: c.method ?? route.method, path: `/api${path}${queryString(pairs)}`, headers: { ...authHeader(w, c.token), ...(wire?.headers ?? {}) }, body: wire?.bytes },
    foreign,
  };
}

export type TrpcTransport = 'native' | 'batch' | 'wrong-method';

export interface TrpcCase {
  readonly params: Record<string, ParamChoice>;
  /** Ids as JSON numbers (what the typed client sends) or as strings. */
  readonly idsAsNumbers: boolean;
  readonly input: unknown;
  readonly transport: TrpcTransport;
  readonly encoding: Encoding;
  readonly token: TokenChoice;
}

export function trpcCase(w: World, route: RestRoute): fc.Arbitrary<TrpcCase> {
  const seed = SEEDS[route.operation](w);
  const base = { ...(seed.query ?? {}), ...(seed.body ?? {}) };
  return fc.record({
    params: fc.record(Object.fromEntries(paramNames(route.path).map((n) => [n, paramChoice]))) as fc.Arbitrary<Record<string, ParamChoice>>,
    idsAsNumbers: fc.boolean(),
    input: mutated(base),
    transport: fc.oneof({ weight: 8, arbitrary: fc.constant('native' as const) }, { weight: 1, arbitrary: fc.constantFrom('batch' as const, 'wrong-method' as const) }),
    encoding,
    token: tokenChoice,
  });
}

/** The request of a generated tRPC case: path parameters become input fields, as the router expects. */
export function trpcExchange(w: World, route: RestRoute, name: string, kind: 'query' | 'mutation', c: TrpcCase): { exchange: Exchange; foreign: boolean } {
  const seed = SEEDS[route.operation](w);
  let foreign = false;
  const params: Record<string, unknown> = {};
  for (const n of paramNames(route.path)) {
    const p = c.params[n] ?? { kind: 'valid' };
    if (p.kind === 'foreign' && n !== 'environmentSlug') foreign = true;
    const v = p.kind === 'raw' ? safeDecode(p.text) : paramValue(w, seed, n, p.kind);
    params[n] = typeof v === 'number' && !c.idsAsNumbers ? String(v) : v;
  }
  const input = c.input !== null && typeof c.input === 'object' && !Array.isArray(c.input) ? mergeOwn(params, c.input as Record<string, unknown>) : c.input;
  const auth = authHeader(w, c.token);
  const asGet = (kind === 'query') !== (c.transport === 'wrong-method');
  if (c.transport === 'batch') {
    const batch = { 0: input, 1: input };
    if (asGet) return { exchange: { method: 'GET', path: `/trpc/${name},${name}?batch=1&input=${encodeURIComponent(encodeJson(batch))}`, headers: auth }, foreign };
    const wire = wireBody(batch, c.encoding);
    return { exchange: { method: 'POST', path: `/trpc/${name},${name}?batch=1`, headers: { ...auth, ...wire.headers }, body: wire.bytes }, foreign };
  }
  if (asGet) return { exchange: { method: 'GET', path: `/trpc/${name}?input=${encodeURIComponent(encodeJson(input))}`, headers: auth }, foreign };
  const wire = wireBody(input, c.encoding);
  return { exchange: { method: 'POST', path: `/trpc/${name}`, headers: { ...auth, ...wire.headers }, body: wire.bytes }, foreign };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `{ ...a, ...b }` that keeps `__proto__` of `b` as an own key, as JSON.parse would. */
function mergeOwn(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const k of Object.keys(b)) Object.defineProperty(out, k, { value: b[k], enumerable: true, configurable: true, writable: true });
  return out;
}
