/**
 * The hand-written baseline of `pnpm bench`'s read benchmarks: the two documented list routes
 * written the way a team would write them without cloudlink, as fast as that gets. Plain
 * JavaScript run by plain `node`, so neither a loader nor a build stands between it and the
 * measurement.
 *
 *   node scripts/bench/baseline-server.mjs <express|http> <sqlite-file|postgres-url>
 *
 * Each route verifies the same HS256 Bearer token as the product (keeping verified tokens, as the
 * product does), runs one query for user + workspace (or project + environment) + membership +
 * role flags, then the product's own list statement (and for connections its status summary), and
 * answers the same JSON body, byte for byte (the benchmark compares the bodies before timing). Prints `listening <port>`
 * on stdout when ready. Environment: CLOUDLINK_JWT_SECRET.
 */
/* global process, console, Buffer, TextEncoder */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The root package has no runtime dependencies: resolve them where the server example has them.
const require = createRequire(path.join(path.dirname(fileURLToPath(import.meta.url)), '../../examples/standalone-server/package.json'));
const { jwtVerify } = require('jose');

const [framework, target] = process.argv.slice(2);
if (!['express', 'http'].includes(framework ?? '') || !target) {
  console.error('usage: node scripts/bench/baseline-server.mjs <express|http> <sqlite-file|postgres-url>');
  process.exit(2);
}

const PAGE = 1000;
const PROVIDERS = {
  aws: { id: 1, name: 'aws', displayName: 'Amazon Web Services' },
  gcp: { id: 2, name: 'gcp', displayName: 'Google Cloud Platform' },
  azure: { id: 3, name: 'azure', displayName: 'Microsoft Azure' },
};

const WORKSPACE_ACCESS = `
  SELECT u.id AS user_id, w.id AS workspace_id, m.permissions AS scope, r.permissions AS flags
  FROM users u
  LEFT JOIN workspaces w ON w.slug = $1 AND w.is_active = $3
  LEFT JOIN workspace_members m ON m.workspace_id = w.id AND m.user_id = u.id AND m.is_active = $3
  LEFT JOIN roles r ON r.id = m.role_id
  WHERE u.id = $2`;
const ENVIRONMENT_ACCESS = `
  SELECT u.id AS user_id, p.id AS project_id, e.id AS environment_id, m.permissions AS scope, r.permissions AS flags
  FROM users u
  LEFT JOIN projects p ON p.slug = $1 AND p.is_active = $4
  LEFT JOIN workspaces w ON w.id = p.workspace_id AND w.is_active = $4
  LEFT JOIN workspace_members m ON m.workspace_id = w.id AND m.user_id = u.id AND m.is_active = $4
  LEFT JOIN roles r ON r.id = m.role_id
  LEFT JOIN environments e ON e.project_id = p.id AND e.slug = $2 AND e.is_active = $4
  WHERE u.id = $3`;
const CONNECTIONS = `
  SELECT c.*, cp.name AS provider_name
  FROM cloud_connections c JOIN cloud_providers cp ON cp.id = c.cloud_provider_id
  WHERE c.workspace_id = $1 AND c.is_active = $2 AND c.connection_status = 'connected'
  ORDER BY c.id LIMIT ${PAGE + 1}`;
const SUMMARY = `
  SELECT connection_status, count(*) AS n FROM cloud_connections
  WHERE workspace_id = $1 AND is_active = $2 GROUP BY connection_status`;
const ZONES = `
  SELECT * FROM resources WHERE environment_id = $1 AND is_active = $2 AND resource_type = 'dns'
  ORDER BY id LIMIT ${PAGE + 1}`;

/** `query(name, sql, params)` → rows, for either database; booleans and JSON as each stores them. */
async function openDatabase() {
  if (/^postgres(?:ql)?:/.test(target)) {
    const pg = require('pg');
    const pool = new pg.Pool({ connectionString: target, max: 10 });
    return {
      yes: true,
      query: async (name, text, values) => (await pool.query({ name, text, values })).rows,
      json: (v) => v,
      iso: (v) => (v === null ? null : v.toISOString()),
    };
  }
  const Database = require('better-sqlite3');
  const db = new Database(target, { readonly: true });
  const statements = new Map();
  return {
    yes: 1,
    query: async (name, text, values) => {
      let s = statements.get(name);
      if (!s) {
        // `$n` placeholders become `?` in order of appearance, each taking the n-th value.
        const order = [...text.matchAll(/\$\d+/g)].map((m) => Number(m[0].slice(1)) - 1);
        s = { statement: db.prepare(text.replace(/\$\d+/g, '?')), order };
        statements.set(name, s);
      }
      return s.statement.all(...s.order.map((i) => values[i]));
    },
    json: (v) => (v === null ? null : JSON.parse(v)),
    iso: (v) => (v === null ? null : new Date(v).toISOString()),
  };
}
const db = await openDatabase();

const secret = new TextEncoder().encode(process.env.CLOUDLINK_JWT_SECRET ?? '');
const verified = new Map();
/** The user id of a valid Bearer token, else null. */
async function userOf(header) {
  const token = /^Bearer\s+([\w-]+\.[\w-]*\.[\w-]*)\s*$/i.exec(header ?? '')?.[1];
  if (!token) return null;
  const hit = verified.get(token);
  if (hit && hit.exp > Date.now()) return hit.userId;
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] });
    const userId = Number(payload.sub);
    verified.set(token, { userId, exp: payload.exp * 1000 });
    return userId;
  } catch {
    return null;
  }
}

const fail = (status, error, message) => ({ status, body: { error, message } });
const allows = (row, flag, project, env) => {
  const flags = db.json(row.flags);
  if (!flags?.[flag]) return false;
  const scope = db.json(row.scope)?.projectPermissions ?? '*';
  return scope === '*' || scope.includes(`${project}/*`) || (env !== undefined && scope.includes(`${project}/${env}`));
};

async function listConnections(authorization, workspaceSlug) {
  const userId = await userOf(authorization);
  if (userId === null) return fail(401, 'Unauthorized', 'Authentication required');
  const [row] = await db.query('baseline_ws_access', WORKSPACE_ACCESS, [workspaceSlug, userId, db.yes]);
  if (!row) return fail(401, 'Unauthorized', 'Authentication required');
  if (row.workspace_id === null) return fail(404, 'Not found', 'Workspace not found');
  if (row.flags === null) return fail(403, 'Forbidden', 'You do not have access to this workspace');
  if (!allows(row, 'canViewResources')) return fail(403, 'Forbidden', 'Permission denied: canViewResources');
  const [rows, counts] = await Promise.all([
    db.query('baseline_connections', CONNECTIONS, [row.workspace_id, db.yes]),
    db.query('baseline_summary', SUMMARY, [row.workspace_id, db.yes]),
  ]);
  if (rows.length > PAGE) throw new Error('the baseline answers one page only');
  const byStatus = { connected: 0, pending: 0, failed: 0, disconnected: 0 };
  for (const c of counts) byStatus[c.connection_status] = Number(c.n);
  const data = rows.map((c) => ({
    id: Number(c.id),
    cloudProvider: PROVIDERS[c.provider_name],
    accountId: c.account_id,
    accountName: c.account_name,
    region: c.region,
    connectionStatus: c.connection_status,
    mode: c.provider_name === 'gcp' || c.auth_mode === 'oidc' ? 'oidc' : c.provider_name === 'aws' ? 'role' : 'secret',
    connectedAt: db.iso(c.connected_at),
    failureReason: c.failure_reason,
    isActive: Boolean(c.is_active),
    createdAt: db.iso(c.created_at),
    updatedAt: db.iso(c.updated_at),
    lastVerifiedAt: db.iso(c.last_verified_at),
    lastVerificationError: c.last_verification_error,
  }));
  const total = byStatus.connected + byStatus.pending + byStatus.failed + byStatus.disconnected;
  return {
    status: 200,
    body: { message: 'Cloud connections retrieved successfully', summary: { total, byStatus }, count: data.length, data, nextCursor: null },
  };
}

async function listZones(authorization, projectSlug, environmentSlug) {
  const userId = await userOf(authorization);
  if (userId === null) return fail(401, 'Unauthorized', 'Authentication required');
  const [row] = await db.query('baseline_env_access', ENVIRONMENT_ACCESS, [projectSlug, environmentSlug, userId, db.yes]);
  if (!row) return fail(401, 'Unauthorized', 'Authentication required');
  if (row.project_id === null) return fail(404, 'Not found', 'Project not found');
  if (row.flags === null) return fail(403, 'Forbidden', 'You do not have access to this project');
  if (row.environment_id === null) return fail(404, 'Not found', 'Environment not found');
  if (!allows(row, 'canViewResources', projectSlug, environmentSlug)) return fail(403, 'Forbidden', 'Permission denied: canViewResources');
  const rows = await db.query('baseline_zones', ZONES, [row.environment_id, db.yes]);
  if (rows.length > PAGE) throw new Error('the baseline answers one page only');
  const data = rows.map((z) => {
    const m = db.json(z.metadata);
    return {
      id: Number(z.id),
      name: z.name,
      provider: m.provider === 'cloudflare' ? 'cloudflare' : 'route53',
      domainName: m.domainName ?? z.domain_name,
      hostedZoneId: m.hostedZoneId ?? z.resource_id,
      nameServers: m.nameServers ?? [],
      comment: m.comment ?? null,
      status: z.status,
      position: z.position_x === null || z.position_y === null ? null : { x: z.position_x, y: z.position_y },
      metadata: { dns_active: m.dns_active === true, adopted: m.adopted === true },
      createdAt: db.iso(z.created_at),
      updatedAt: db.iso(z.updated_at),
    };
  });
  return { status: 200, body: { message: 'DNS zones retrieved successfully', count: data.length, data, nextCursor: null } };
}

const send = (res, { status, body }) => {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
};
const crash = (res) => () => send(res, fail(500, 'Internal server error', 'An unexpected error occurred'));

let server;
if (framework === 'express') {
  const express = require('express');
  const app = express();
  app.disable('x-powered-by');
  app.get('/api/cloud-connections/:workspaceSlug', (req, res, next) => {
    listConnections(req.headers.authorization, req.params.workspaceSlug).then((r) => res.status(r.status).json(r.body), next);
  });
  app.get('/api/:projectSlug/:environmentSlug/dns', (req, res, next) => {
    listZones(req.headers.authorization, req.params.projectSlug, req.params.environmentSlug).then((r) => res.status(r.status).json(r.body), next);
  });
  server = createServer(app);
} else {
  // The ceiling: no framework at all, routes matched by hand.
  const CONNECTIONS_PATH = /^\/api\/cloud-connections\/([^/?]+)$/;
  const ZONES_PATH = /^\/api\/([^/?]+)\/([^/?]+)\/dns$/;
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    let m;
    if (req.method === 'GET' && (m = CONNECTIONS_PATH.exec(pathname))) {
      listConnections(req.headers.authorization, decodeURIComponent(m[1])).then((r) => send(res, r), crash(res));
    } else if (req.method === 'GET' && (m = ZONES_PATH.exec(pathname))) {
      listZones(req.headers.authorization, decodeURIComponent(m[1]), decodeURIComponent(m[2])).then((r) => send(res, r), crash(res));
    } else {
      send(res, fail(404, 'Not found', `Route ${req.method} ${pathname} not found`));
    }
  });
}
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
