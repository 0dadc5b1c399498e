import fc from 'fast-check';

/**
 * Generated JSON values, including the ones a JS value cannot hold or print cheaply: a string of
 * megabytes (`Huge`), nesting deeper than `JSON.stringify` recurses (`Deep`) and literal JSON text
 * (`RawJson`, e.g. `1e400`). `encodeJson` writes them out; fast-check prints them by their recipe,
 * so a counterexample stays readable.
 */

export const BODY_LIMIT = 5 * 1024 * 1024;

export class Huge {
  constructor(
    readonly unit: string,
    readonly bytes: number,
  ) {}
  get text(): string {
    return this.unit.repeat(Math.max(1, Math.floor(this.bytes / Buffer.byteLength(this.unit))));
  }
  [fc.toStringMethod](): string {
    return `Huge(${JSON.stringify(this.unit)} × ${this.bytes} bytes)`;
  }
}

export class Deep {
  constructor(
    readonly kind: 'array' | 'object',
    readonly depth: number,
  ) {}
  get text(): string {
    return this.kind === 'array' ? '['.repeat(this.depth) + ']'.repeat(this.depth) : '{"a":'.repeat(this.depth) + '{}' + '}'.repeat(this.depth);
  }
  [fc.toStringMethod](): string {
    return `Deep(${this.kind} × ${this.depth})`;
  }
}

export class RawJson {
  constructor(readonly text: string) {}
  [fc.toStringMethod](): string {
    return `RawJson(${this.text})`;
  }
}

/** JSON text of a generated value: own keys only (so `__proto__` given as an own key is sent as one). */
export function encodeJson(value: unknown): string {
  if (value instanceof Huge) return JSON.stringify(value.text);
  if (value instanceof Deep || value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(encodeJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .map((k) => `${JSON.stringify(k)}:${encodeJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Keys that pollute prototypes when an input is merged or copied carelessly. */
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'] as const;

const NASTY_STRINGS = [
  '',
  ' ',
  '0',
  '-1',
  '1e3',
  '99999999999999999999',
  '9007199254740993',
  '\u0000',
  'a\u0000b',
  '%00',
  '__proto__',
  'constructor',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "'; DROP TABLE users; --",
  '\uD800',
  'ＡＣＭＥ',
  'İstanbul',
  'straße',
  '\u202Egnp.exe',
  'xn--',
  '*.',
  '@',
  '.',
  '"',
  '\\',
  '\r\n',
  '0 issue "ca.example"',
  '10 mail.example.com.',
  '1 2 3 target.example.',
  '192.0.2.1',
  '2001:db8::1',
  '127.0.0.1',
];

/** A string that is huge: one repeated unit, up to just past the body limit. */
export const hugeString: fc.Arbitrary<Huge> = fc
  .tuple(fc.constantFrom('x', ' ', 'é', '😀', '\u0000', '"', '\\', '.'), fc.constantFrom(4_096, 70_000, 1_000_000, BODY_LIMIT - 4_096, BODY_LIMIT + 4_096))
  .map(([unit, bytes]) => new Huge(unit, bytes));

export const deepValue: fc.Arbitrary<Deep> = fc.tuple(fc.constantFrom('array' as const, 'object' as const), fc.constantFrom(64, 5_000, 200_000)).map(([k, d]) => new Deep(k, d));

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, 999_999_999_999_999, 1e15, -0) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constantFrom('1e400', '-1e400', '1E-400', '123456789012345678901234567890', '0.1e1').map((t) => new RawJson(t)) },
);

/** Any value a field could be sent: wrong types, unicode, NUL, out-of-range numbers, huge, deep. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: scalar },
  { weight: 2, arbitrary: fc.array(scalar, { maxLength: 4 }) },
  { weight: 2, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ maxLength: 8 })), scalar, { maxKeys: 3 }) },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: deepValue },
);

type Path = readonly (string | number)[];

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object' && !(value instanceof Huge || value instanceof Deep || value instanceof RawJson)) {
    for (const k of Object.keys(value)) out.push(...pathsOf((value as Record<string, unknown>)[k], [...prefix, k]));
  }
  return out;
}

function setAt(value: unknown, path: Path, next: unknown | typeof REMOVE): unknown {
  if (path.length === 0) return next === REMOVE ? undefined : next;
  const [head, ...rest] = path as [string | number, ...Path];
  if (Array.isArray(value)) {
    const copy = [...value];
    if (next === REMOVE && rest.length === 0) copy.splice(head as number, 1);
    else copy[head as number] = setAt(copy[head as number], rest, next);
    return copy;
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if (next === REMOVE && rest.length === 0) delete copy[head as string];
  else Object.defineProperty(copy, head as string, { value: setAt(copy[head as string], rest, next), enumerable: true, configurable: true, writable: true });
  return copy;
}

const REMOVE = Symbol('remove');

/** One edit of a valid input: replace any node, drop a key, add a (prototype) key, repeat an array item. */
type Edit = { kind: 'set'; at: number; value: unknown } | { kind: 'remove'; at: number } | { kind: 'add'; key: string; value: unknown } | { kind: 'repeat'; at: number; times: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: nastyValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('add' as const), key: fc.oneof(fc.constantFrom(...PROTO_KEYS, 'workspaceSlug', 'projectSlug', 'id', 'userId', 'role', 'isActive'), fc.string({ maxLength: 12 })), value: nastyValue }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), times: fc.constantFrom(2, 100, 10_000) }) },
);

function applyEdit(value: unknown, e: Edit): unknown {
  const paths = pathsOf(value);
  if (e.kind === 'add') {
    const objects = paths.filter((p) => {
      const node = p.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], value);
      return node !== null && typeof node === 'object' && !Array.isArray(node) && !(node instanceof Huge || node instanceof Deep || node instanceof RawJson);
    });
    const target = objects[0];
    return target ? setAt(value, [...target, e.key], e.value) : value;
  }
  const at = paths[e.at % paths.length] as Path;
  if (e.kind === 'set') return setAt(value, at, e.value);
  if (e.kind === 'remove') return at.length === 0 ? value : setAt(value, at, REMOVE);
  const arrays = paths.filter((p) => Array.isArray(p.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], value)));
  const arr = arrays[e.at % Math.max(1, arrays.length)];
  if (!arr) return value;
  const items = arr.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], value) as unknown[];
  return setAt(value, arr, Array.from({ length: e.times }, (_, i) => items[i % Math.max(1, items.length)] ?? null));
}

/** A valid input (`seed`), sent as is, edited 1–3 times, or replaced by something that is not an object. */
export function mutated(seed: Record<string, unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(seed) },
    { weight: 8, arbitrary: fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => edits.reduce<unknown>(applyEdit, seed)) },
    { weight: 1, arbitrary: nastyValue },
  );
}
