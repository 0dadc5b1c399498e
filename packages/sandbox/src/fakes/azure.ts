import { randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { createFakeService, json } from '../http/fake-service.js';
import type { FakeReply, FakeService } from '../http/fake-service.js';
import { createIssuerKeyCache, fetchJsonOverHttp } from './oidc-keys.js';
import type { FetchJson } from './oidc-keys.js';

/** A federated identity credential of an app registration (`az ad app federated-credential create`). */
export interface FakeFederatedCredential {
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: readonly string[];
  /** Called once an assertion matching it verified (the sandbox pins an app to its first subject). */
  readonly confirm?: () => void;
}

/** An app registration with its secret and/or federated credentials, in a tenant. */
export interface FakeApp {
  readonly tenantId: string;
  readonly clientId: string;
  /** Absent: the app has no client secret (federated only). */
  readonly clientSecret?: string;
  readonly federatedCredentials?: readonly FakeFederatedCredential[];
}

export interface FakeSubscription {
  readonly displayName: string;
  readonly tenantId: string;
  /** The client ids holding a role on it. */
  readonly principals: readonly string[];
}

/** The fake Azure world as fixed data. */
export interface FakeAzureOptions {
  readonly apps: readonly FakeApp[];
  readonly subscriptions: Readonly<Record<string, FakeSubscription>>;
}

/** The decisions Entra ID and ARM make, as functions (the sandbox computes them; tests give fixed data). */
export interface FakeAzureWorld {
  hasTenant(tenantId: string): boolean;
  /** The app registration, or undefined when the tenant has none with that client id. */
  app(
    tenantId: string,
    clientId: string,
  ): { secretMatches(secret: string): boolean; federatedCredential?(issuer: string, subject: string): FakeFederatedCredential | undefined } | undefined;
  subscription(subscriptionId: string, caller: { tenantId: string; clientId: string }): FakeSubscription | undefined;
}

export interface FakeAzure {
  readonly entra: FakeService;
  readonly arm: FakeService;
  /** Who this Entra issued `token` to, and for which scope; undefined for a token it never issued. */
  tokenCaller(token: string): { readonly tenantId: string; readonly clientId: string; readonly scope: string } | undefined;
}

/** The world of {@link FakeAzureOptions}. */
export function fixedAzureWorld(options: FakeAzureOptions): FakeAzureWorld {
  const tenants = new Set(options.apps.map((a) => a.tenantId));
  return {
    hasTenant: (t) => tenants.has(t),
    app: (t, c) => {
      const app = options.apps.find((a) => a.tenantId === t && a.clientId === c);
      return (
        app && {
          secretMatches: (s) => app.clientSecret !== undefined && s === app.clientSecret,
          federatedCredential: (issuer, subject) => app.federatedCredentials?.find((f) => f.issuer === issuer && f.subject === subject),
        }
      );
    },
    subscription: (id) => options.subscriptions[id],
  };
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

/** How the fake Entra reads external issuers' keys, and its clock. */
export interface FakeAzureFederationOptions {
  /** GET of an issuer's discovery document and JWKS; default real HTTP (`fetch`). */
  readonly fetchJson?: FetchJson;
  /** The time assertions are checked at; default the system clock. */
  readonly now?: () => Date;
}

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** The audience Entra ID requires of a federated client assertion. */
export const AZURE_TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
/** Entra's tolerance on `nbf`/`exp` of a client assertion. */
const ASSERTION_SKEW_SECONDS = 300;
/** Assertions longer than this are refused before decoding. */
const MAX_ASSERTION_CHARS = 16 * 1024;

/**
 * Fakes of Entra ID (OpenID discovery + `POST /<tenant>/oauth2/v2.0/token`, client credentials with
 * a client secret or a federated client assertion) and ARM (`GET /subscriptions/<id>?api-version=…`);
 * ARM accepts only tokens this Entra issued for its own scope. URLs in answers are built from the
 * host the caller addressed. A client assertion is checked as Entra ID does: a federated credential
 * of the app matching its `iss` and `sub`, the audience, the signature against the issuer's JWKS
 * (found through its discovery document, cached, refetched for an unknown `kid`) and its lifetime.
 */
export function createFakeAzure(world: FakeAzureOptions | FakeAzureWorld, federation: FakeAzureFederationOptions = {}): FakeAzure {
  const rules = 'hasTenant' in world ? world : fixedAzureWorld(world);
  const tokens = new Map<string, { tenantId: string; clientId: string; scope: string }>();
  const now = federation.now ?? (() => new Date());
  const keys = createIssuerKeyCache({ fetchJson: federation.fetchJson ?? fetchJsonOverHttp, now });

  /** The refusal of a client assertion, or undefined when it proves the app. */
  async function checkAssertion(app: NonNullable<ReturnType<FakeAzureWorld['app']>>, clientId: string, assertion: string): Promise<FakeReply | undefined> {
    const malformed = () => json(400, entraError('invalid_request', 'AADSTS50027: JWT token is invalid or malformed.'));
    if (assertion.length > MAX_ASSERTION_CHARS) return malformed();
    let claims: { iss?: unknown; sub?: unknown; aud?: unknown };
    let kid: string | undefined;
    try {
      claims = decodeJwt(assertion);
      kid = decodeProtectedHeader(assertion).kid;
    } catch {
      return malformed();
    }
    const iss = typeof claims.iss === 'string' ? claims.iss : '';
    const sub = typeof claims.sub === 'string' ? claims.sub : '';
    const aud = Array.isArray(claims.aud) ? claims.aud.join(',') : String(claims.aud ?? '');
    const credential = app.federatedCredential?.(iss, sub);
    if (!credential) {
      return json(
        400,
        entraError(
          'invalid_client',
          `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${iss}'. Assertion Subject: '${sub}'. Assertion Audience: '${aud}'.`,
        ),
      );
    }
    if (!credential.audiences.some((a) => a === claims.aud || (Array.isArray(claims.aud) && claims.aud.includes(a)))) {
      return json(400, entraError('invalid_client', `AADSTS700212: No matching federated identity record found for presented assertion audience '${aud}'.`));
    }
    let getKey;
    try {
      getKey = await keys.keysFor(credential.issuer, kid);
    } catch {
      return json(400, entraError('invalid_client', `AADSTS50166: Request to External OIDC endpoint failed. Issuer: '${credential.issuer}'.`));
    }
    try {
      await jwtVerify(assertion, getKey, {
        issuer: credential.issuer,
        audience: credential.audiences as string[],
        subject: credential.subject,
        algorithms: ['RS256'],
        requiredClaims: ['exp'],
        clockTolerance: ASSERTION_SKEW_SECONDS,
        currentDate: now(),
      });
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired || (e instanceof joseErrors.JWTClaimValidationFailed && (e.claim === 'nbf' || e.claim === 'iat'))) {
        return json(
          400,
          entraError('invalid_client', `AADSTS700024: Client assertion is not within its valid time range. Current time: ${now().toISOString()}, app '${clientId}'.`),
        );
      }
      if (e instanceof joseErrors.JWKSNoMatchingKey || e instanceof joseErrors.JWSSignatureVerificationFailed) {
        return json(400, entraError('invalid_client', 'AADSTS700027: Client assertion failed signature validation.'));
      }
      return malformed();
    }
    credential.confirm?.();
    return undefined;
  }

  const entra = createFakeService(async (req): Promise<FakeReply> => {
    const base = req.origin;
    const path = req.url.split('?')[0] ?? '';
    const discovery = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
    if (req.method === 'GET' && discovery) {
      const t = discovery[1] ?? '';
      if (!rules.hasTenant(t)) return json(400, entraError('invalid_tenant', `AADSTS90002: Tenant '${t}' not found. Check to make sure you have the correct tenant ID.`));
      return json(200, {
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
      const t = token[1] ?? '';
      const form = new URLSearchParams(req.body);
      if (form.get('grant_type') !== 'client_credentials' || !form.get('scope')) {
        return json(400, entraError('invalid_request', "AADSTS900144: The request body must contain the following parameter: 'grant_type'."));
      }
      const clientId = form.get('client_id') ?? '';
      const app = rules.app(t, clientId);
      if (!app) return json(400, entraError('unauthorized_client', `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${t}'.`));
      const assertionType = form.get('client_assertion_type');
      if (assertionType !== null || form.get('client_assertion') !== null) {
        if (assertionType !== JWT_BEARER) {
          return json(400, entraError('invalid_request', `AADSTS50027: Invalid client_assertion_type; expected '${JWT_BEARER}'.`));
        }
        const refusal = await checkAssertion(app, clientId, form.get('client_assertion') ?? '');
        if (refusal) return refusal;
      } else if (!app.secretMatches(form.get('client_secret') ?? '')) {
        return json(401, entraError('invalid_client', `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`));
      }
      const accessToken = `eyJ0eXAiOiJKV1QifQ.${randomBytes(24).toString('base64url')}.sig`;
      tokens.set(accessToken, { tenantId: t, clientId, scope: form.get('scope') ?? '' });
      return json(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
    }
    return json(404, entraError('invalid_request', 'AADSTS900561: The endpoint only accepts POST requests.'));
  });

  const arm = createFakeService((req): FakeReply => {
    const url = new URL(req.url, req.origin);
    const m = /^\/subscriptions\/([^/]+)$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) return json(404, armError('NotFound', `The resource path '${url.pathname}' was not found.`));
    if (!url.searchParams.get('api-version')) return json(400, armError('MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.'));
    const auth = req.headers.authorization ?? '';
    const caller = tokens.get(auth.startsWith('Bearer ') ? auth.slice(7) : '');
    if (!caller || !caller.scope.startsWith(req.origin)) return json(401, armError('InvalidAuthenticationToken', 'The access token is invalid.'));
    const id = decodeURIComponent(m[1] ?? '');
    const sub = rules.subscription(id, caller);
    if (!sub || sub.tenantId !== caller.tenantId) return json(404, armError('SubscriptionNotFound', `The subscription '${id}' could not be found.`));
    if (!sub.principals.includes(caller.clientId)) {
      return json(403, armError('AuthorizationFailed', `The client '${caller.clientId}' does not have authorization to perform action 'Microsoft.Resources/subscriptions/read' over scope '/subscriptions/${id}' or the scope is invalid.`));
    }
    return json(200, { id: `/subscriptions/${id}`, subscriptionId: id, tenantId: sub.tenantId, displayName: sub.displayName, state: 'Enabled', subscriptionPolicies: { quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' } });
  });

  return { entra, arm, tokenCaller: (token) => tokens.get(token) };
}

/** Azure's production hosts. */
export const AZURE_HOSTS = { entra: 'https://login.microsoftonline.com', arm: 'https://management.azure.com' } as const;

/** Route requests for Azure's production hosts to the fake's services. */
export function azureRoute(azure: FakeAzure): (url: URL) => FakeService | undefined {
  return (url) => (url.origin === AZURE_HOSTS.entra ? azure.entra : url.origin === AZURE_HOSTS.arm ? azure.arm : undefined);
}
