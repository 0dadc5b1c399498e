import { RawNode, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { namespacePlugin, type Namespace } from './namespace.js';

/**
 * Table prefixes for the raw SQL of migrations (SQLite has no search_path: a migration's
 * `CREATE TABLE users …` must itself say `cl_users`). Migrations are forward-only text written
 * by us, so instead of asking each one to spell its names through a helper, their SQL is read
 * token by token and every name in a position that can only hold a table, index or trigger name
 * gets the prefix:
 *
 * - after `TABLE`, `INDEX`, `TRIGGER`, `VIEW`, `INTO`, `REFERENCES`, `FROM`, `JOIN`, `RENAME TO`
 *   (skipping `IF [NOT] EXISTS`), after a statement's `UPDATE`, and after the `ON` of a
 *   `CREATE INDEX` / `CREATE TRIGGER` header;
 * - a qualifier (`users.id`) whose name is one of the statement's tables.
 *
 * Literals, quoted strings and comments are never touched; columns never sit in those positions.
 * What it cannot tell apart it refuses (a schema-qualified name, a comma join), so a future
 * migration fails loudly in the prefixed test runs instead of touching a host's table. This runs
 * only while migrating, never on the query path.
 */
export function prefixTablesInSql(text: string, prefix: string): string {
  const tokens = tokenize(text);
  const sig = tokens.flatMap((t, i) => (t.kind === 'skip' ? [] : [i]));
  const upper = (k: number): string | null => {
    const t = tokens[sig[k] ?? -1];
    return t?.kind === 'word' ? t.text.toUpperCase() : null;
  };
  const textAt = (k: number): string | undefined => tokens[sig[k] ?? -1]?.text;
  const isName = (k: number): boolean => {
    const t = tokens[sig[k] ?? -1];
    return t !== undefined && (t.kind === 'quoted' || (t.kind === 'word' && !CLAUSE_WORDS.has(t.text.toUpperCase())));
  };
  const marked = new Set<number>();
  const tables = new Set<string>();
  const mark = (k: number, isTable: boolean): void => {
    if (!isName(k)) return;
    if (textAt(k + 1) === '.') throw new Error(`cannot prefix the schema-qualified name in: ${text.trim().slice(0, 200)}`);
    marked.add(k);
    if (isTable) tables.add(nameOf(tokens[sig[k]!]!));
  };
  const skipIfExists = (k: number): number => {
    if (upper(k) === 'IF' && upper(k + 1) === 'NOT' && upper(k + 2) === 'EXISTS') return k + 3;
    if (upper(k) === 'IF' && upper(k + 1) === 'EXISTS') return k + 2;
    return k;
  };

  let headerAwaitsOn = false;
  for (let k = 0; k < sig.length; k++) {
    const w = upper(k);
    if (w === null) continue;
    if (w === 'CREATE') {
      let j = k + 1;
      while (['UNIQUE', 'TEMP', 'TEMPORARY'].includes(upper(j) ?? '')) j++;
      headerAwaitsOn = upper(j) === 'INDEX' || upper(j) === 'TRIGGER';
    } else if (w === 'TABLE' || w === 'VIEW' || w === 'INTO' || w === 'REFERENCES') {
      mark(skipIfExists(k + 1), true);
    } else if (w === 'INDEX' || w === 'TRIGGER') {
      mark(skipIfExists(k + 1), false);
    } else if (w === 'FROM' || w === 'JOIN') {
      // `FROM json_each(…)` is a function, not a table.
      if (textAt(k + 2) === '(') continue;
      mark(k + 1, true);
      let after = k + 2;
      if (upper(after) === 'AS') after += 2;
      else if (isName(after)) after += 1;
      if (textAt(after) === ',') throw new Error(`cannot prefix a comma join (write JOIN) in: ${text.trim().slice(0, 200)}`);
    } else if (w === 'ON' && headerAwaitsOn) {
      headerAwaitsOn = false;
      mark(k + 1, true);
    } else if (w === 'UPDATE') {
      // `BEFORE UPDATE ON t`, `UPDATE OF col`, `DO UPDATE SET`: no table follows.
      const next = upper(k + 1);
      if (next === 'OR') mark(k + 3, true);
      else if (next !== 'ON' && next !== 'OF' && next !== 'SET') mark(k + 1, true);
    } else if (w === 'RENAME' && upper(k + 1) === 'TO') {
      mark(k + 2, true);
    }
  }
  for (let k = 0; k < sig.length; k++) {
    const t = tokens[sig[k]!]!;
    if ((t.kind === 'word' || t.kind === 'quoted') && textAt(k + 1) === '.' && textAt(k - 1) !== '.' && tables.has(nameOf(t))) marked.add(k);
  }
  const renamed = new Set([...marked].map((k) => sig[k]!));
  return tokens.map((t, i) => (renamed.has(i) ? withPrefix(t, prefix) : t.text)).join('');
}

/** Words that end a table reference, so they are never taken for a name or an alias. */
const CLAUSE_WORDS = new Set([
  'WHERE', 'ON', 'USING', 'JOIN', 'LEFT', 'RIGHT', 'INNER', 'OUTER', 'CROSS', 'FULL', 'NATURAL', 'GROUP', 'ORDER',
  'LIMIT', 'UNION', 'EXCEPT', 'INTERSECT', 'WINDOW', 'HAVING', 'RETURNING', 'SET', 'VALUES', 'DEFAULT', 'INDEXED',
  'NOT', 'END', 'WHEN', 'THEN', 'ELSE', 'AND', 'OR', 'SELECT', 'AS', 'BEGIN', 'FOR', 'EACH', 'ROW',
]);

interface Token {
  readonly kind: 'word' | 'quoted' | 'string' | 'skip' | 'other';
  readonly text: string;
}

/** SQLite compares names case-insensitively; a quoted name keeps its text. */
function nameOf(t: Token): string {
  return (t.kind === 'quoted' ? t.text.slice(1, -1) : t.text).toLowerCase();
}

function withPrefix(t: Token, prefix: string): string {
  return t.kind === 'quoted' ? `${t.text[0]}${prefix}${t.text.slice(1)}` : `${prefix}${t.text}`;
}

const isWordStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isWordPart = (c: string) => isWordStart(c) || (c >= '0' && c <= '9') || c === '$';
const isSpace = (c: string) => c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\f';

/** Split SQLite SQL into words, quoted names, string literals, comments and whitespace, other characters. */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const until = (from: number, close: string, doubled: boolean): number => {
    let j = from;
    for (;;) {
      const at = text.indexOf(close, j);
      if (at === -1) return text.length;
      if (doubled && text[at + 1] === close) {
        j = at + 2;
        continue;
      }
      return at + close.length;
    }
  };
  while (i < text.length) {
    const c = text[i]!;
    let end: number;
    let kind: Token['kind'];
    if (isSpace(c)) {
      end = i + 1;
      while (end < text.length && isSpace(text[end]!)) end++;
      kind = 'skip';
    } else if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      end = nl === -1 ? text.length : nl;
      kind = 'skip';
    } else if (c === '/' && text[i + 1] === '*') {
      end = until(i + 2, '*/', false);
      kind = 'skip';
    } else if (c === "'") {
      end = until(i + 1, "'", true);
      kind = 'string';
    } else if (c === '"' || c === '`') {
      end = until(i + 1, c, true);
      kind = 'quoted';
    } else if (c === '[') {
      end = until(i + 1, ']', false);
      kind = 'quoted';
    } else if (isWordStart(c)) {
      end = i + 1;
      while (end < text.length && isWordPart(text[end]!)) end++;
      kind = 'word';
    } else if (c >= '0' && c <= '9') {
      end = i + 1;
      while (end < text.length && (isWordPart(text[end]!) || text[end] === '.')) end++;
      kind = 'other';
    } else {
      end = i + 1;
      kind = 'other';
    }
    out.push({ kind, text: text.slice(i, end) });
    i = end;
  }
  return out;
}

/** Marks where a bound value sits between raw fragments while they are read as one text. */
const VALUE = '\u0000';

/**
 * The plugin migrations run under in a prefix namespace: raw SQL through `prefixTablesInSql`,
 * everything built with the query builder through the namespace's tree plugin.
 */
export function prefixMigrationPlugin(ns: Extract<Namespace, { kind: 'prefix' }>): KyselyPlugin {
  const tree = namespacePlugin(ns)!;
  const rewrite = (node: RawNode): RawNode => {
    const fragments = prefixTablesInSql(node.sqlFragments.join(VALUE), ns.prefix).split(VALUE);
    if (fragments.length !== node.sqlFragments.length) throw new Error('prefixTablesInSql changed the number of bound values');
    return { ...node, sqlFragments: Object.freeze(fragments), parameters: node.parameters.map((p) => (RawNode.is(p) ? rewrite(p) : p)) };
  };
  return {
    transformQuery(args) {
      const node = RawNode.is(args.node) ? (rewrite(args.node) as RootOperationNode) : args.node;
      return tree.transformQuery({ ...args, node });
    },
    transformResult: (args) => tree.transformResult(args),
  };
}
