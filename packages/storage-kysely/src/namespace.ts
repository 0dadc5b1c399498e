import {
  AliasNode,
  IdentifierNode,
  JoinNode,
  ListNode,
  OperationNodeTransformer,
  RawNode,
  SchemableIdentifierNode,
  TableNode,
  UsingNode,
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryId,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';

/**
 * Where cloudlink's tables live inside a database (see docs/storage-namespaces.md):
 * - `default`: unqualified names, resolved as they always were (Postgres: the connection's
 *   `search_path`, normally `public`; SQLite: `main`);
 * - `schema`: a Postgres schema of its own; every statement names it explicitly;
 * - `prefix`: every table, index and trigger name starts with `prefix` (SQLite, one file).
 */
export type Namespace =
  | { readonly kind: 'default' }
  | { readonly kind: 'schema'; readonly schema: string }
  | { readonly kind: 'prefix'; readonly prefix: string };

export const DEFAULT_NAMESPACE: Namespace = Object.freeze({ kind: 'default' });

/**
 * Lower-case letters, digits and `_`: names that need no quoting in a host's own SQL (an unquoted
 * `cloudlink.users` folds to lower case). 56 characters at most, so `<schema>_pgboss` still fits
 * Postgres' 63-byte identifiers; `pg_` names are reserved for the system.
 */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,55}$/;
/** A prefix starts a table name, so it must start like one; 32 characters are plenty. */
const TABLE_PREFIX = /^[a-z][a-z0-9_]{0,31}$/;

/** The namespace of Postgres schema `schema`, validated (a `TypeError` names the option). */
export function schemaNamespace(schema: string): Namespace {
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema) || schema.startsWith('pg_')) {
    throw new TypeError(
      `schema must be 1-56 lower-case letters, digits or underscores, not starting with a digit or pg_ (got ${JSON.stringify(schema)})`,
    );
  }
  return Object.freeze({ kind: 'schema', schema });
}

/** The namespace of SQLite table prefix `prefix`, validated (a `TypeError` names the option). */
export function prefixNamespace(prefix: string): Namespace {
  if (typeof prefix !== 'string' || !TABLE_PREFIX.test(prefix)) {
    throw new TypeError(`tablePrefix must be 1-32 lower-case letters, digits or underscores, starting with a letter (got ${JSON.stringify(prefix)})`);
  }
  return Object.freeze({ kind: 'prefix', prefix });
}

/** The name a cloudlink table, index or trigger has in the database (schema aside). */
export function objectName(ns: Namespace, name: string): string {
  return ns.kind === 'prefix' ? `${ns.prefix}${name}` : name;
}

/** The cloudlink name of a database object name: the prefix stripped (null when it lacks it). */
export function localName(ns: Namespace, name: string): string | null {
  if (ns.kind !== 'prefix') return name;
  return name.startsWith(ns.prefix) ? name.slice(ns.prefix.length) : null;
}

/** How the namespace reads in messages and logs. */
export function describeNamespace(ns: Namespace): string {
  if (ns.kind === 'schema') return `schema "${ns.schema}"`;
  if (ns.kind === 'prefix') return `table prefix "${ns.prefix}"`;
  return 'default namespace';
}

/**
 * The Kysely plugin that puts every query built with the query builder (or with `sql.table`) in
 * the namespace; undefined for the default namespace, whose SQL stays exactly as it was. It works
 * on the operation tree, so it costs one tree walk when a query is compiled and nothing on the
 * compiled reads, which are compiled once per storage (compiled.ts).
 */
export function namespacePlugin(ns: Namespace): KyselyPlugin | undefined {
  if (ns.kind === 'default') return undefined;
  const transformer = new NamespaceTransformer(ns);
  return {
    transformQuery: (args: PluginTransformQueryArgs): RootOperationNode => transformer.transformNode(args.node, args.queryId),
    transformResult: async (args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> => args.result,
  };
}

/** Root nodes: each one is a statement whose own tables are collected before it is rewritten. */
const ROOTS = new Set([
  'AlterTableNode', 'CreateIndexNode', 'CreateSchemaNode', 'CreateTableNode', 'CreateTypeNode', 'CreateViewNode',
  'RefreshMaterializedViewNode', 'DeleteQueryNode', 'DropIndexNode', 'DropSchemaNode', 'DropTableNode', 'DropTypeNode',
  'DropViewNode', 'InsertQueryNode', 'RawNode', 'SelectQueryNode', 'UpdateQueryNode', 'MergeQueryNode',
]);

/**
 * Renames tables the way Kysely's own `WithSchemaPlugin` decides what a table is: names in
 * FROM/INTO/JOIN/USING/table positions of a statement are tables; any other qualifier (`u.id`
 * where `u` is an alias, a CTE name) is left alone. Two additions: a `sql.table()` inside raw SQL
 * is a table too (raw SQL has no FROM the plugin could read), and in prefix mode index names get
 * the prefix, since SQLite index names are unique per database.
 */
class NamespaceTransformer extends OperationNodeTransformer {
  readonly #tables = new Set<string>();
  readonly #ctes = new Set<string>();
  /**
   * Nodes this transformer produced. A builder used inside another one (a subquery as a value) is
   * transformed when it is embedded and again with the outer query; a schema is only added where
   * none is, but a prefix would be added twice without this.
   */
  readonly #renamed = new WeakSet<object>();

  constructor(private readonly ns: Exclude<Namespace, { kind: 'default' }>) {
    super();
  }

  #rename(node: SchemableIdentifierNode): SchemableIdentifierNode {
    const renamed: SchemableIdentifierNode =
      this.ns.kind === 'schema'
        ? { ...node, schema: IdentifierNode.create(this.ns.schema) }
        : { ...node, identifier: IdentifierNode.create(`${this.ns.prefix}${node.identifier.name}`) };
    this.#renamed.add(renamed);
    return renamed;
  }

  protected override transformNodeImpl<T extends OperationNode>(node: T, queryId?: QueryId): T {
    if (!ROOTS.has(node.kind)) return super.transformNodeImpl(node, queryId);
    const ctes = new Set<string>();
    const tables = new Set<string>();
    const w = (node as { with?: { expressions: readonly { name: { table: TableNode } }[] } }).with;
    for (const e of w?.expressions ?? []) {
      const id = e.name.table.table.identifier.name;
      if (!this.#ctes.has(id)) ctes.add(id);
    }
    for (const c of ctes) this.#ctes.add(c);
    this.#collect(node, tables);
    for (const t of tables) this.#tables.add(t);
    try {
      return super.transformNodeImpl(node, queryId);
    } finally {
      for (const t of tables) this.#tables.delete(t);
      for (const c of ctes) this.#ctes.delete(c);
    }
  }

  #collect(node: OperationNode, into: Set<string>): void {
    const n = node as {
      name?: OperationNode;
      from?: { froms: readonly OperationNode[] };
      into?: OperationNode;
      table?: OperationNode;
      joins?: readonly JoinNode[];
      using?: OperationNode;
    };
    if (n.name && SchemableIdentifierNode.is(n.name)) this.#add(n.name, into);
    for (const from of n.from?.froms ?? []) this.#collectTableExpr(from, into);
    if (n.into) this.#collectTableExpr(n.into, into);
    if (n.table) this.#collectTableExpr(n.table, into);
    for (const join of n.joins ?? []) this.#collectTableExpr(join.table, into);
    if (n.using) this.#collectTableExpr(JoinNode.is(n.using) ? n.using.table : n.using, into);
    if (RawNode.is(node)) this.#collectRaw(node, into);
  }

  /** Every `sql.table()` inside raw SQL, however deeply nested in other raw fragments. */
  #collectRaw(node: RawNode, into: Set<string>): void {
    for (const p of node.parameters) {
      if (TableNode.is(p)) this.#add(p.table, into);
      else if (AliasNode.is(p) && TableNode.is(p.node)) this.#add(p.node.table, into);
      else if (RawNode.is(p)) this.#collectRaw(p, into);
    }
  }

  #collectTableExpr(node: OperationNode, into: Set<string>): void {
    if (TableNode.is(node)) this.#add(node.table, into);
    else if (AliasNode.is(node) && TableNode.is(node.node)) this.#add(node.node.table, into);
    else if (ListNode.is(node)) for (const item of node.items) this.#collectTableExpr(item, into);
    else if (UsingNode.is(node)) for (const item of node.tables) this.#collectTableExpr(item, into);
  }

  #add(node: SchemableIdentifierNode, into: Set<string>): void {
    if (this.#renamed.has(node)) return;
    const id = node.identifier.name;
    if (!node.schema && !this.#tables.has(id) && !this.#ctes.has(id)) into.add(id);
  }

  protected override transformSchemableIdentifier(node: SchemableIdentifierNode, queryId?: QueryId): SchemableIdentifierNode {
    if (this.#renamed.has(node)) return node;
    const transformed = super.transformSchemableIdentifier(node, queryId);
    if (transformed.schema || !this.#tables.has(node.identifier.name)) return transformed;
    return this.#rename(transformed);
  }

  // A foreign key names a table outside any FROM: always one of ours.
  protected override transformReferences(node: Parameters<OperationNodeTransformer['transformReferences']>[0], queryId?: QueryId) {
    const transformed = super.transformReferences(node, queryId);
    // Already renamed when the statement's own table (a self-reference) was collected.
    const table = node.table.table;
    if (transformed.table.table.schema || this.#renamed.has(table) || this.#tables.has(table.identifier.name)) return transformed;
    return { ...transformed, table: { ...transformed.table, table: this.#rename(transformed.table.table) } };
  }

  protected override transformCreateIndex(node: Parameters<OperationNodeTransformer['transformCreateIndex']>[0], queryId?: QueryId) {
    const transformed = super.transformCreateIndex(node, queryId);
    if (this.ns.kind !== 'prefix' || this.#renamed.has(node.name)) return transformed;
    const name = IdentifierNode.create(`${this.ns.prefix}${transformed.name.name}`);
    this.#renamed.add(name);
    return { ...transformed, name };
  }
}
