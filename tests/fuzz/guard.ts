import { afterAll, beforeAll } from 'vitest';
import type { Backend } from '../harness/index.js';
import { announceSeed } from './config.js';
import { describeExchange, send, type Reply } from './http.js';
import { knownDefectOf } from './known-defects.js';
import { BODY_LIMIT } from './values.js';
import { snapshot, startWorld, TABLES, type World } from './world.js';

/** Keys an error body may carry besides `error` and `message` (validation, plan limits, partial writes). */
const ERROR_EXTRAS = new Set(['details', 'data', 'currentValue', 'limit', 'upgradeRequired']);

/** Why `body` is not a documented error body (`{ error, message }` + documented extras), or null. */
export function errorBodyProblem(body: unknown): string | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'error body is not a JSON object';
  const { error, message, ...extra } = body as Record<string, unknown>;
  if (typeof error !== 'string' || error === '') return '`error` is not a non-empty string';
  if (typeof message !== 'string' || message === '') return '`message` is not a non-empty string';
  const unknown = Object.keys(extra).filter((k) => !ERROR_EXTRAS.has(k));
  return unknown.length ? `undocumented keys in the error body: ${unknown.join(', ')}` : null;
}

/** One tRPC response item: `{ result }` or `{ error: { message, code, data: { httpStatus, cloudlink } } }`. */
interface TrpcItem {
  result?: unknown;
  error?: { message?: unknown; data?: { httpStatus?: unknown; cloudlink?: unknown } };
}

function trpcItems(reply: Reply): TrpcItem[] | string {
  let json = reply.json;
  if (json === undefined) {
    // tRPC answers its own 415 (content type it cannot read) with a JSON body labelled text/plain.
    try {
      json = JSON.parse(reply.text);
    } catch {
      return `tRPC reply is not JSON (${reply.contentType}): ${reply.text.slice(0, 200)}`;
    }
  }
  const items = Array.isArray(json) ? json : [json];
  return items as TrpcItem[];
}

/**
 * Rejections that record themselves by design: a failed connection test stores the failure on the
 * connection (`connectionStatus: failed`, `failureReason`) and answers it in `data`.
 */
const DOCUMENTED_ERROR_WRITES: Readonly<Record<string, readonly string[]>> = {
  'Connection test failed': ['cloud_connections'],
};

export interface Verdict {
  /** Every part of the request was refused: nothing may have been written. */
  readonly rejected: boolean;
  /** The `error` strings of the reply. */
  readonly errors: string[];
  /** Violations of the error contract (5xx, body shape). */
  readonly problems: string[];
}

/** REST: the status decides; an error must carry the documented body. */
export function judgeRest(reply: Reply, method: string): Verdict {
  const problems: string[] = [];
  if (reply.status >= 500) problems.push(`server error ${reply.status}`);
  // 431 is Node's own HTTP parser refusing an over-long head before any application code runs;
  // a HEAD reply has no body by definition.
  if (reply.status >= 400 && reply.status !== 431 && method !== 'HEAD') {
    const p = errorBodyProblem(reply.json);
    if (p) problems.push(p);
  }
  const error = (reply.json as { error?: unknown } | undefined)?.error;
  return { rejected: reply.status >= 400, errors: typeof error === 'string' ? [error] : [], problems };
}

/** tRPC: every item of a (batched) reply is checked; the request is rejected when every item failed. */
export function judgeTrpc(reply: Reply): Verdict {
  const problems: string[] = [];
  if (reply.status >= 500) problems.push(`server error ${reply.status}`);
  if (reply.status === 431) return { rejected: true, errors: [], problems };
  const items = trpcItems(reply);
  if (typeof items === 'string') return { rejected: reply.status >= 400, errors: [], problems: [...problems, items] };
  const errors: string[] = [];
  for (const item of items) {
    if (!item.error) continue;
    const status = Number(item.error.data?.httpStatus);
    if (status >= 500) problems.push(`procedure failed with ${status}`);
    const p = errorBodyProblem(item.error.data?.cloudlink);
    if (!p) errors.push((item.error.data?.cloudlink as { error: string }).error);
    if (p) problems.push(`data.cloudlink: ${p}`);
    else if (item.error.message !== (item.error.data?.cloudlink as { message: string }).message) problems.push('error.message differs from data.cloudlink.message');
  }
  return { rejected: items.every((i) => i.error !== undefined), errors, problems };
}

/** Node's default limit on the request head (request line + headers). */
const MAX_HEAD_BYTES = 16 * 1024;

function oversized(x: Exchange): boolean {
  return Buffer.byteLength(x.path) > MAX_HEAD_BYTES || (x.body?.length ?? 0) > BODY_LIMIT;
}

function isReset(e: unknown): boolean {
  const code = String((e as { cause?: { code?: unknown } }).cause?.code ?? '');
  return ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(code);
}

export interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
}

/** Tables a rejected request may append to (never change). */
const APPEND_ONLY: ReadonlySet<string> = new Set(['audit_log']);

function tableDiff(before: string, after: string, allowed: ReadonlySet<string>): string {
  const a = JSON.parse(before) as Record<string, unknown[]>;
  const b = JSON.parse(after) as Record<string, unknown[]>;
  const lines: string[] = [];
  for (const t of TABLES) {
    if (allowed.has(t)) continue;
    const was = (a[t] ?? []).map((r) => JSON.stringify(r));
    const now = (b[t] ?? []).map((r) => JSON.stringify(r));
    const gone = was.filter((r) => !now.includes(r));
    // The audit log only grows, and a refused request may add its failure entry (docs/audit.md):
    // only a changed or vanished entry counts here; tests/audit.test.ts checks the entries themselves.
    const added = APPEND_ONLY.has(t) ? [] : now.filter((r) => !was.includes(r));
    if (gone.length || added.length) lines.push(`${t}: - ${gone.join('\n  - ').slice(0, 800)}\n  + ${added.join('\n  + ').slice(0, 800)}`);
  }
  return lines.join('\n');
}

/**
 * Sends requests one at a time and holds every reply to the contract: never 5xx, errors in the
 * documented shape, and a rejected request leaves every table exactly as it was. The database is
 * snapshotted after each request; a successful write lets `World.repair` restore the fixtures.
 */
export class Guard {
  private baseline: string | undefined;
  /** How often each known defect (known-defects.ts) was reproduced instead of failing the run. */
  readonly tolerated = new Map<string, number>();
  /** Replies per status and error, for `FUZZ_STATS=1` (is the fuzzer getting past the first checks?). */
  readonly stats = new Map<string, number>();

  constructor(private readonly world: World) {}

  async exchange(x: Exchange, options: { transport: 'rest' | 'trpc'; write: boolean; mustFail?: string; label?: string; strict?: boolean }): Promise<Reply> {
    const { server } = this.world;
    this.baseline ??= await snapshot(server);
    let reply: Reply;
    let cutOff = false;
    try {
      reply = await send(server.baseUrl, x.method, x.path, x.headers, x.body);
    } catch (e) {
      if (!oversized(x) || !isReset(e)) {
        throw new Error(`request failed: ${(e as Error).message} ${String((e as { cause?: unknown }).cause ?? '')}\n${describeExchange(x.method, x.path, x.headers, x.body, undefined)}`);
      }
      // Node refuses an over-long head (431) or the app a body past the limit (413) and closes the
      // socket while the client is still writing megabytes: the client sees a reset, not the reply.
      cutOff = true;
      reply = { status: 431, contentType: '', text: '(connection closed by the server while the request was being sent)', json: undefined };
    }
    const verdict = cutOff ? { rejected: true, errors: [], problems: [] } : options.transport === 'rest' ? judgeRest(reply, x.method) : judgeTrpc(reply);
    const key = `${options.label ?? ''} ${reply.status} ${verdict.errors.join(',')}`;
    this.stats.set(key, (this.stats.get(key) ?? 0) + 1);
    const before = this.baseline;
    const after = await snapshot(server);
    const problems = [...verdict.problems];
    if (verdict.rejected && after !== before) {
      const allowed = new Set(verdict.errors.flatMap((e) => DOCUMENTED_ERROR_WRITES[e] ?? []));
      const diff = tableDiff(before, after, allowed);
      if (diff) problems.push(`a rejected request changed rows:\n${diff}`);
    }
    if (options.mustFail && !verdict.rejected) problems.push(options.mustFail);
    if (!verdict.rejected && options.write) {
      await this.world.repair();
      this.baseline = await snapshot(server);
    } else {
      this.baseline = after;
    }
    const known = verdict.problems.length && !options.strict ? knownDefectOf(this.world.backend, x, reply) : undefined;
    if (known && problems.length === verdict.problems.length) {
      this.tolerated.set(known.id, (this.tolerated.get(known.id) ?? 0) + 1);
      return reply;
    }
    if (problems.length) throw new Error(`${problems.join('; ')}\n${describeExchange(x.method, x.path, x.headers, x.body, reply)}`);
    return reply;
  }
}

/**
 * The world and guard of one fuzz suite on `backend`, started before its tests and closed after,
 * reporting tolerated known defects (and, with FUZZ_STATS, status counts) at the end.
 */
export function useFuzzWorld(backend: Backend): { readonly world: () => World; readonly guard: () => Guard } {
  let w: World | undefined;
  let guard: Guard | undefined;
  beforeAll(async () => {
    announceSeed();
    w = await startWorld(backend);
    guard = new Guard(w);
  });
  afterAll(async () => {
    if (guard?.tolerated.size) console.warn(`fuzz [${backend}] reproduced known defects:`, Object.fromEntries(guard.tolerated));
    if (guard && process.env.FUZZ_STATS) console.warn([...guard.stats].sort().map(([k, n]) => `${n}\t${k}`).join('\n'));
    await w?.close();
  });
  return { world: () => w!, guard: () => guard! };
}
