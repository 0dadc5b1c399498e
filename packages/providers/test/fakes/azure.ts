import { randomBytes } from 'node:crypto';
import { sendJson, startFakeServer } from './server.js';
import type { FakeServer } from './server.js';

/** An app registration with its secret, in a tenant. */
export interface FakeApp {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface FakeAzureOptions {
  readonly tls: { readonly key: string; readonly cert: string };
  readonly apps: readonly FakeApp[];
  /** subscriptionId → its name and the client ids holding a role on it. */
  readonly subscriptions: Readonly<Record<string, { readonly displayName: string; readonly tenantId: string; readonly principals: readonly string[] }>>;
}

export interface FakeAzure {
  readonly entra: FakeServer;
  readonly arm: FakeServer;
  close(): Promise<void>;
}

/** ARM error JSON. */
export function armError(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

/** An Entra `{error, error_description}` body with the trace lines real AADSTS answers carry. */
export function entraError(error: string, description: string): Record<string, unknown> {
  return {
    error,
    error_description: `${description}\r\nTrace ID: ${randomBytes(16).toString('hex')}\r\nCorrelation ID: ${randomBytes(16).toString('hex')}\r\nTimestamp: 2030-01-01 00:00:00Z`,
    error_codes: [Number(/AADSTS(\d+)/.exec(description)?.[1] ?? 0)],
  };
}

/**
 * Fakes of Entra ID (OpenID discovery + `POST /<tenant>/oauth2/v2.0/token`, client credentials)
 * and ARM (`GET /subscriptions/<id>?api-version=…`), both over https with the given certificate;
 * ARM accepts only tokens this Entra issued.
 */
export async function startFakeAzure(options: FakeAzureOptions): Promise<FakeAzure> {
  const tokens = new Map<string, FakeApp>();
  const tenants = new Set(options.apps.map((a) => a.tenantId));
  let armScope = '';

  const entra = await startFakeServer((req, res) => {
    const base = entra.url;
    const path = req.url.split('?')[0] ?? '';
    const discovery = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
    if (req.method === 'GET' && discovery) {
      const t = discovery[1]!;
      if (!tenants.has(t)) return sendJson(res, 400, entraError('invalid_tenant', `AADSTS90002: Tenant '${t}' not found. Check to make sure you have the correct tenant ID.`));
      return sendJson(res, 200, {
        token_endpoint: `${base}/${t}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/${t}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/${t}/oauth2/v2.0/logout`,
        issuer: `${base}/${t}/v2.0`,
        jwks_uri: `${base}/${t}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      });
    }
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (req.method === 'POST' && token) {
      const t = token[1]!;
      const form = new URLSearchParams(req.body);
      if (form.get('grant_type') !== 'client_credentials' || !form.get('scope')) {
        return sendJson(res, 400, entraError('invalid_request', "AADSTS900144: The request body must contain the following parameter: 'grant_type'."));
      }
      const app = options.apps.find((a) => a.tenantId === t && a.clientId === form.get('client_id'));
      if (!app) {
        return sendJson(res, 400, entraError('unauthorized_client', `AADSTS700016: Application with identifier '${form.get('client_id') ?? ''}' was not found in the directory '${t}'.`));
      }
      if (form.get('client_secret') !== app.clientSecret) {
        return sendJson(res, 401, entraError('invalid_client', `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`));
      }
      armScope = form.get('scope') ?? '';
      const accessToken = `eyJ0eXAiOiJKV1QifQ.${randomBytes(24).toString('base64url')}.sig`;
      tokens.set(accessToken, app);
      return sendJson(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
    }
    sendJson(res, 404, entraError('invalid_request', 'AADSTS900561: The endpoint only accepts POST requests.'));
  }, options.tls);

  const arm = await startFakeServer((req, res) => {
    const url = new URL(req.url, 'https://arm.invalid');
    const m = /^\/subscriptions\/([^/]+)$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) return sendJson(res, 404, armError('NotFound', `The resource path '${url.pathname}' was not found.`));
    if (!url.searchParams.get('api-version')) return sendJson(res, 400, armError('MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests."));
    const auth = String(req.headers.authorization ?? '');
    const app = tokens.get(auth.startsWith('Bearer ') ? auth.slice(7) : '');
    if (!app || !armScope.startsWith(arm.url)) {
      return sendJson(res, 401, armError('InvalidAuthenticationToken', 'The access token is invalid.'));
    }
    const id = decodeURIComponent(m[1]!);
    const sub = options.subscriptions[id];
    if (!sub || sub.tenantId !== app.tenantId) return sendJson(res, 404, armError('SubscriptionNotFound', `The subscription '${id}' could not be found.`));
    if (!sub.principals.includes(app.clientId)) {
      return sendJson(res, 403, armError('AuthorizationFailed', `The client '${app.clientId}' does not have authorization to perform action 'Microsoft.Resources/subscriptions/read' over scope '/subscriptions/${id}' or the scope is invalid.`));
    }
    sendJson(res, 200, { id: `/subscriptions/${id}`, subscriptionId: id, tenantId: sub.tenantId, displayName: sub.displayName, state: 'Enabled', subscriptionPolicies: { quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' } });
  }, options.tls);

  return {
    entra,
    arm,
    close: async () => {
      await Promise.all([entra.close(), arm.close()]);
    },
  };
}
