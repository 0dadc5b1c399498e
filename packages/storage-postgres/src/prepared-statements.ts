import { createHash } from 'node:crypto';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

export interface PreparedStatementLimits {
  /**
   * Named statements kept per connection. Past it the least recently used ones are deallocated, so
   * a stream of distinct texts cannot grow the server's (or pg's) per-connection cache. Default 256.
   */
  readonly maxPerConnection?: number;
  /**
   * Statements with more bound parameters run unnamed: their text varies with the data (multi-row
   * writes, long `IN` lists), so a name would rarely be used twice. Default 64.
   */
  readonly maxParameters?: number;
}

/** The parts of a node-postgres `Client` this relies on (absent on other clients: those run unnamed). */
interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<PostgresQueryResult<unknown>>;
  getTransactionStatus(): string | null;
  connection: { parsedStatements: Record<string, string | undefined> };
}

/** Only plain DML is named; anything else (DDL, transaction control, SET) keeps running unnamed. */
const NAMEABLE = /^\s*(?:select|insert|update|delete|with)\b/i;
/** Statements that cannot change what a prepared statement returns; any other one may (DDL, SET). */
const SCHEMA_SAFE = /^\s*(?:select|insert|update|delete|with|values|table|begin|start|commit|end|abort|rollback|savepoint|release|show|lock|explain)\b/i;
/** Statements that drop prepared statements behind pg's back. */
const DROPS_STATEMENTS = /^\s*(?:deallocate|discard)\b/i;
/** A longer text is not worth keeping (nor hashing) on every connection. */
const MAX_TEXT_LENGTH = 16_384;
/** SQLSTATE of "cached plan must not change result type" (the table changed under a prepared statement). */
const PLAN_RESULT_CHANGED = '0A000';
/** SQLSTATE of "prepared statement … does not exist". */
const STATEMENT_MISSING = '26000';

/** Tags of `withPreparedStatements` wrappers, so no two share a statement name. */
let nextTag = 0;

/** Hashes of recent texts: Kysely compiles a fresh string per call, hashing it each time costs more than a lookup. */
const hashes = new Map<string, string>();
function textHash(text: string): string {
  let hash = hashes.get(text);
  if (hash === undefined) {
    // 80 bits: distinct texts never share a name in practice (pg rejects a name reused for another text).
    hash = createHash('sha1').update(text).digest('hex').slice(0, 20);
    if (hashes.size >= 4096) hashes.clear();
    hashes.set(text, hash);
  }
  return hash;
}

/**
 * `pool`, but its node-postgres clients run plain DML as named prepared statements (`{ name, text,
 * values }`), so Postgres parses and plans each distinct query text once per connection instead of
 * on every call. The name is a hash of the text; pg remembers per connection which names it has
 * parsed (`connection.parsedStatements`) and then only sends Bind/Execute.
 *
 * Kept correct by:
 * - a failed statement: pg records a name only once Postgres confirmed the parse, so a parse
 *   error leaves nothing behind and the next call parses again; an execution error leaves a
 *   usable statement. A failure inside pg (a parameter it cannot serialise) makes pg close the
 *   statement on the server while still listing it as parsed: the name is not reused until
 *   `pg_prepared_statements` says whether it still exists. A server answering "does not exist"
 *   (`26000`) anyway gets the statement parsed again (retried once outside a transaction);
 * - schema changes: a statement on these connections that may change a table (anything but
 *   DML/transaction control) retires every connection's names before its next query; a change
 *   made elsewhere shows up as `0A000` (cached plan must not change result type): the connection's
 *   names are retired and, outside a transaction, the query is retried once;
 * - bounds: texts with many parameters are not named, and each connection keeps at most
 *   `maxPerConnection` names (least recently used out). Retired names are deallocated in one round
 *   trip the next time the connection is used outside a transaction (a failing `DEALLOCATE` inside
 *   one would abort it); until then they are not reused, and each retirement of a whole
 *   connection's names moves it to a fresh name prefix (an epoch), so a stale name never clashes.
 */
export function withPreparedStatements(pool: PostgresPool, limits: PreparedStatementLimits = {}): PostgresPool {
  const maxPerConnection = Math.max(1, limits.maxPerConnection ?? 256);
  const maxParameters = limits.maxParameters ?? 64;
  // Bumped by schema-changing statements run through this pool: every connection retires its names.
  const schema = { generation: 0 };
  const wrapped = new WeakMap<PostgresPoolClient, PostgresPoolClient>();
  // Names of this wrapper only: several storages (other namespaces, or the host's own) may share
  // one pool and so one client, whose `parsedStatements` pg keeps per client. Each tracks, retires
  // and deallocates its own names; one never drops or reuses a statement of another.
  const tag = (nextTag++).toString(36);
  return {
    async connect() {
      const client = await pool.connect();
      let named = wrapped.get(client);
      if (!named) {
        // One wrapper per pg client: Kysely keeps its connection per client object.
        named = namingClient(client, { tag, maxPerConnection, maxParameters, schema });
        wrapped.set(client, named);
      }
      return named;
    },
    end: () => pool.end(),
  };
}

function isPgClient(client: unknown): client is PgClient {
  const c = client as Partial<PgClient>;
  return typeof c.getTransactionStatus === 'function' && typeof c.connection?.parsedStatements === 'object';
}

function namingClient(
  client: PostgresPoolClient,
  config: { tag: string; maxPerConnection: number; maxParameters: number; schema: { generation: number } },
): PostgresPoolClient {
  if (!isPgClient(client)) return client;
  const pg: PgClient = client;
  const parsed = pg.connection.parsedStatements;
  let generation = config.schema.generation;
  let epoch = 0;
  // Names Postgres holds for this connection, least recently used first.
  const live = new Map<string, string>();
  // Names to deallocate (not to be used again until then).
  const retired = new Set<string>();
  // Names whose query failed inside pg, not on the server: pg may have closed the statement (a
  // parameter it could not serialise) yet still lists it as parsed. Looked up before any reuse.
  const doubtful = new Set<string>();

  const outsideTransaction = () => pg.getTransactionStatus() === 'I';

  function retireAll(): void {
    for (const name of live.keys()) retired.add(name);
    live.clear();
    epoch += 1;
  }

  /** After a named query settled: pg knows whether Postgres parsed it; mirror that, most recent last. */
  function settled(name: string, text: string): void {
    live.delete(name);
    if (parsed[name] !== undefined) live.set(name, text);
  }

  /**
   * Room for one more name, counting those not yet deallocated: the least recently used go, in a
   * batch so a churning workload pays one DEALLOCATE round trip per batch rather than per query.
   * False inside a transaction when nothing can be deallocated yet: the query then runs unnamed.
   */
  async function makeRoom(): Promise<boolean> {
    const held = () => live.size + retired.size + doubtful.size;
    if (held() < config.maxPerConnection) return true;
    let out = Math.max(Math.ceil(config.maxPerConnection / 8), held() + 1 - config.maxPerConnection);
    for (const old of live.keys()) {
      if (out-- <= 0) break;
      live.delete(old);
      retired.add(old);
    }
    if (outsideTransaction()) await maintain();
    return held() < config.maxPerConnection;
  }

  /**
   * Deallocate retired names, look up doubtful ones. One at a time per connection; names leave
   * their set only once settled, so a concurrent query on the connection never takes them meanwhile.
   */
  let maintaining: Promise<void> | null = null;
  function maintain(): Promise<void> {
    maintaining ??= (async () => {
      try {
        if (doubtful.size > 0) await settleDoubtful();
        if (retired.size > 0) await deallocateRetired();
      } finally {
        maintaining = null;
      }
    })();
    return maintaining;
  }

  async function deallocateRetired(): Promise<void> {
    const names = [...retired];
    try {
      // Several statements in one simple-protocol query: one round trip.
      await client.query(names.map((name) => `DEALLOCATE ${name}`).join('; '), []);
    } catch {
      // Some may still exist on the server: never use a name of this epoch again.
      for (const name of live.keys()) retired.add(name);
      live.clear();
      epoch += 1;
    } finally {
      for (const name of names) {
        retired.delete(name);
        delete parsed[name];
      }
    }
  }

  /** Whether the server still holds the doubtful names: those it does are usable again, the rest forgotten. */
  async function settleDoubtful(): Promise<void> {
    const names = [...doubtful];
    try {
      const { rows } = await client.query<{ name: string }>('SELECT name FROM pg_prepared_statements WHERE name = ANY($1)', [names]);
      const held = new Set(rows.map((r) => r.name));
      for (const name of names) {
        doubtful.delete(name);
        const text = parsed[name];
        if (!held.has(name)) delete parsed[name];
        else if (text !== undefined) live.set(name, text);
        else retired.add(name);
      }
    } catch {
      // Unknown: never use a name of this epoch again.
      for (const name of names) {
        doubtful.delete(name);
        delete parsed[name];
      }
      retireAll();
    }
  }

  async function run<R>(text: string, values: unknown[], retried: boolean): Promise<PostgresQueryResult<R>> {
    if (values.length > config.maxParameters || text.length > MAX_TEXT_LENGTH || !NAMEABLE.test(text) || text.includes(';')) {
      try {
        return await client.query<R>(text, values);
      } finally {
        if (!SCHEMA_SAFE.test(text)) config.schema.generation += 1;
        if (DROPS_STATEMENTS.test(text)) {
          // DEALLOCATE ALL / DISCARD ALL: what pg believes parsed is gone; start a fresh epoch.
          for (const name of [...live.keys(), ...retired, ...doubtful]) delete parsed[name];
          live.clear();
          retired.clear();
          doubtful.clear();
          epoch += 1;
        }
      }
    }
    if (generation !== config.schema.generation) {
      generation = config.schema.generation;
      retireAll();
    }
    if ((retired.size > 0 || doubtful.size > 0) && outsideTransaction()) await maintain();
    const name = `cl${config.tag}_${epoch.toString(36)}_${textHash(text)}`;
    if (!live.has(name) && (retired.has(name) || doubtful.has(name) || !(await makeRoom()))) return client.query<R>(text, values);
    let result: PostgresQueryResult<unknown>;
    try {
      result = await pg.query({ name, text, values });
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code !== 'string') {
        live.delete(name);
        doubtful.add(name);
        throw e;
      }
      const prepared = parsed[name] !== undefined;
      settled(name, text);
      if (code === PLAN_RESULT_CHANGED && prepared) {
        // The table changed under the statement (DDL from another process): re-prepare everything.
        retireAll();
        if (!retried && outsideTransaction()) return run(text, values, true);
      } else if (code === STATEMENT_MISSING) {
        // pg and the server disagree (something dropped it behind pg's back): parse it again.
        delete parsed[name];
        live.delete(name);
        if (!retried && outsideTransaction()) return run(text, values, true);
      }
      throw e;
    }
    settled(name, text);
    return result as PostgresQueryResult<R>;
  }

  function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  function query<R>(sqlOrCursor: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>) {
    if (typeof sqlOrCursor !== 'string') return client.query(sqlOrCursor);
    return run<R>(sqlOrCursor, (parameters ?? []) as unknown[], false);
  }
  return { query, release: () => client.release() };
}
