import { randomBytes } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import type { JSONWebKeySet } from 'jose';
import { createFakeService, xml } from '../http/fake-service.js';
import { createIssuerKeyCache, fetchJsonOverHttp, inProcessIssuerDocuments } from './oidc-keys.js';
import { verifySigV4 } from './sigv4.js';
import type { FakeReply, FakeService } from '../http/fake-service.js';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** A customer role as its trust policy defines it. */
export interface FakeRole {
  readonly accountId: string;
  readonly roleName: string;
  /** The account its trust policy names as principal. */
  readonly trustedAccount: string;
  /** `sts:ExternalId` the trust policy requires (a pattern: any matching id); undefined = the policy does not require one. */
  readonly externalId?: string | RegExp;
  /** MaxSessionDuration; default 3600. */
  readonly maxSessionDuration?: number;
  /**
   * The exact `sub` its web-identity trust requires (audience `sts.amazonaws.com`, issuer
   * {@link FakeStsOptions.webIdentity}); undefined: the role has no web-identity trust, unless
   * `pinOnFirstUse` pins the first verified subject (a stack deployed for that connection).
   */
  readonly webIdentitySubject?: string;
  /** Make GetCallerIdentity with this role's credentials report another account (a misconfigured fake world). */
  readonly reportedAccount?: string;
}

export interface FakeStsOptions {
  readonly platformAccount: string;
  /** The access key id of the platform credentials; any other unknown key is InvalidClientTokenId. */
  readonly platformAccessKeyId: string;
  readonly roles?: readonly FakeRole[];
  /** Roles not added up front: the role an ARN names, or undefined when it does not exist. */
  readonly resolveRole?: (roleArn: string) => FakeRole | undefined;
  /** The time issued credentials expire from; default the system clock. */
  readonly now?: () => Date;
  /** The one OIDC identity provider AssumeRoleWithWebIdentity trusts (cloudlink's issuer). */
  readonly webIdentity?: FakeWebIdentityProvider;
}

export interface FakeWebIdentityProvider {
  /** The issuer URL (`iss`); a function when it is known only later (a test server's port). */
  readonly issuer: string | (() => string);
  /**
   * The issuer's JWKS through an in-process seam (the sandbox); without it the fake fetches the
   * discovery document and `jwks_uri` over HTTP, as STS does.
   */
  readonly jwks?: () => Promise<JSONWebKeySet> | JSONWebKeySet;
  /** Pin a role without `webIdentitySubject` to the first subject it accepts (the sandbox's open world). */
  readonly pinOnFirstUse?: boolean;
}

/** Allowed clock skew on `exp`, `nbf` and `iat`, as STS allows a little. */
const SKEW_SECONDS = 60;
const WEB_IDENTITY_AUDIENCE = 'sts.amazonaws.com';

/** What an AssumeRole issued, as the fake remembers it. */
export interface FakeStsSession {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly sourceIdentity: string | null;
  /** The session policy sent, or null. */
  readonly policy: string | null;
  readonly expiration: Date;
}

export interface FakeSts extends FakeService {
  addRole(role: FakeRole): void;
  /** Delete a role (by ARN): AssumeRole on it is refused with AccessDenied, as STS does, until `restoreRole`. */
  deleteRole(roleArn: string): void;
  restoreRole(roleArn: string): void;
  /** The session an access key id was issued for (assumed-role keys only). */
  session(accessKeyId: string): FakeStsSession | undefined;
  /** Parsed form bodies of the requests, in order. */
  calls(): URLSearchParams[];
}

interface Principal {
  account: string;
  arn: string;
  /** Issued credentials: the request must be signed with this secret and carry this token. */
  issued?: { secretAccessKey: string; sessionToken: string; session: FakeStsSession };
}

const SOURCE_IDENTITY = /^[\w+=,.@-]{2,64}$/;

/**
 * A fake AWS STS (Query protocol, XML) enforcing trust policies: AssumeRole checks the caller's
 * account and the ExternalId condition; issued credentials are recognised by GetCallerIdentity.
 */
export function createFakeSts(options: FakeStsOptions): FakeSts {
  const roles = new Map<string, FakeRole>();
  const addRole = (role: FakeRole): void => void roles.set(`arn:aws:iam::${role.accountId}:role/${role.roleName}`, role);
  for (const role of options.roles ?? []) addRole(role);
  const deleted = new Set<string>();
  const principals = new Map<string, Principal>([
    [options.platformAccessKeyId, { account: options.platformAccount, arn: `arn:aws:iam::${options.platformAccount}:user/cloudlink-platform` }],
  ]);
  const externalIdMatches = (wanted: string | RegExp | undefined, sent: string | null): boolean =>
    wanted === undefined || (typeof wanted === 'string' ? wanted === sent : sent !== null && wanted.test(sent));

  const now = () => options.now?.() ?? new Date();
  /**
   * The issuer's keys as STS holds them: read through the discovery document, cached, read again
   * for a `kid` not in the cache (a rotated-in key) and once the cache is stale (a retired key drops out).
   */
  const provider = options.webIdentity;
  const keys = createIssuerKeyCache({
    fetchJson: provider?.jwks ? inProcessIssuerDocuments(provider.issuer, provider.jwks) : fetchJsonOverHttp,
    now,
  });
  const pinned = new Map<string, string>();

  function issue(role: FakeRole, roleArn: string, session: string, duration: number, policy: string | null, action: 'AssumeRole' | 'AssumeRoleWithWebIdentity', sourceIdentity: string | null, extra = ''): FakeReply {
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const secretAccessKey = randomBytes(20).toString('base64');
    const sessionToken = randomBytes(32).toString('base64');
    const account = role.reportedAccount ?? role.accountId;
    const expiresAt = new Date(now().getTime() + duration * 1000);
    const issued = { secretAccessKey, sessionToken, session: { roleArn, sessionName: session, sourceIdentity, policy, expiration: expiresAt } };
    principals.set(accessKeyId, { account, arn: `arn:aws:sts::${account}:assumed-role/${role.roleName}/${session}`, issued });
    const expiration = expiresAt.toISOString();
    return xml(200, `<${action}Response xmlns="${NS}"><${action}Result>${extra}<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${secretAccessKey}</SecretAccessKey><SessionToken>${sessionToken}</SessionToken><Expiration>${expiration}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROAFAKE:${session}</AssumedRoleId><Arn>arn:aws:sts::${role.accountId}:assumed-role/${role.roleName}/${session}</Arn></AssumedRoleUser></${action}Result><ResponseMetadata><RequestId>${rid()}</RequestId></ResponseMetadata></${action}Response>`);
  }

  /** AssumeRoleWithWebIdentity: unsigned; the token and the role's trust decide. */
  async function assumeWithWebIdentity(form: URLSearchParams): Promise<FakeReply> {
    const roleArn = form.get('RoleArn') ?? '';
    const session = form.get('RoleSessionName') ?? '';
    const token = form.get('WebIdentityToken') ?? '';
    if (!provider) return stsError(400, 'Sender', 'InvalidIdentityToken', 'No OpenIDConnect provider found in your account for the token issuer');
    const issuer = typeof provider.issuer === 'function' ? provider.issuer() : provider.issuer;
    let payload;
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      return stsError(400, 'Sender', 'InvalidIdentityToken', 'The web identity token that was passed could not be validated by AWS.');
    }
    let getKey;
    try {
      getKey = await keys.keysFor(issuer, kid);
    } catch {
      return stsError(400, 'Sender', 'IDPCommunicationError', 'Couldn\'t retrieve verification key from your identity provider');
    }
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        issuer,
        audience: WEB_IDENTITY_AUDIENCE,
        algorithms: ['RS256'],
        clockTolerance: SKEW_SECONDS,
        currentDate: now(),
      }));
      if (typeof payload.iat === 'number' && payload.iat > now().getTime() / 1000 + SKEW_SECONDS) throw new Error('issued in the future');
    } catch (e) {
      if (e instanceof Error && 'code' in e && e.code === 'ERR_JWT_EXPIRED') return stsError(400, 'Sender', 'ExpiredTokenException', 'Token expired');
      return stsError(400, 'Sender', 'InvalidIdentityToken', 'The web identity token that was passed could not be validated by AWS.');
    }
    const role = deleted.has(roleArn) ? undefined : (roles.get(roleArn) ?? options.resolveRole?.(roleArn));
    const wanted = role?.webIdentitySubject ?? pinned.get(roleArn);
    const sub = typeof payload.sub === 'string' ? payload.sub : '';
    const trusted = role !== undefined && (wanted !== undefined ? wanted === sub : provider.pinOnFirstUse === true);
    if (!role || !trusted) return stsError(403, 'Sender', 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    if (wanted === undefined) pinned.set(roleArn, sub);
    const duration = Number(form.get('DurationSeconds') ?? '3600');
    if (duration > (role.maxSessionDuration ?? 3600)) {
      return stsError(400, 'Sender', 'ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }
    const policy = form.get('Policy');
    if (policy !== null && !isJsonObject(policy)) return stsError(400, 'Sender', 'MalformedPolicyDocument', 'The policy is not in the valid JSON format.');
    return issue(role, roleArn, session, duration, policy, 'AssumeRoleWithWebIdentity', null, `<SubjectFromWebIdentityToken>${sub}</SubjectFromWebIdentityToken><Audience>${WEB_IDENTITY_AUDIENCE}</Audience><Provider>${issuer.replace(/^https?:\/\//, '')}</Provider>`);
  }

  const service = createFakeService(async (req): Promise<FakeReply> => {
    const form = new URLSearchParams(req.body);
    if (form.get('Action') === 'AssumeRoleWithWebIdentity') return assumeWithWebIdentity(form);
    const keyId = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
    const caller = keyId ? principals.get(keyId) : undefined;
    if (!caller) return stsError(403, 'Sender', 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    if (caller.issued) {
      if (req.headers['x-amz-security-token'] !== caller.issued.sessionToken) {
        return stsError(403, 'Sender', 'InvalidClientTokenId', 'The security token included in the request is invalid.');
      }
      if (!verifySigV4(req, caller.issued.secretAccessKey)) {
        return stsError(403, 'Sender', 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
      }
      if ((options.now?.() ?? new Date()) >= caller.issued.session.expiration) {
        return stsError(403, 'Sender', 'ExpiredToken', 'The security token included in the request is expired');
      }
    }
    switch (form.get('Action')) {
      case 'GetCallerIdentity':
        return xml(200, `<GetCallerIdentityResponse xmlns="${NS}"><GetCallerIdentityResult><Arn>${caller.arn}</Arn><UserId>AIDAFAKE</UserId><Account>${caller.account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${rid()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
      case 'AssumeRole': {
        const roleArn = form.get('RoleArn') ?? '';
        const session = form.get('RoleSessionName') ?? '';
        const role = deleted.has(roleArn) ? undefined : (roles.get(roleArn) ?? options.resolveRole?.(roleArn));
        const denied = !role || role.trustedAccount !== caller.account || !externalIdMatches(role.externalId, form.get('ExternalId'));
        if (denied) return stsError(403, 'Sender', 'AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
        const duration = Number(form.get('DurationSeconds') ?? '3600');
        if (duration > (role.maxSessionDuration ?? 3600)) {
          return stsError(400, 'Sender', 'ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
        }
        const sourceIdentity = form.get('SourceIdentity');
        if (sourceIdentity !== null && (!SOURCE_IDENTITY.test(sourceIdentity) || sourceIdentity.startsWith('aws:'))) {
          return stsError(400, 'Sender', 'ValidationError', 'SourceIdentity must be 2-64 characters of [\\w+=,.@-] and not start with aws:');
        }
        const policy = form.get('Policy');
        if (policy !== null && !isJsonObject(policy)) return stsError(400, 'Sender', 'MalformedPolicyDocument', 'The policy is not in the valid JSON format.');
        return issue(role, roleArn, session, duration, policy, 'AssumeRole', sourceIdentity);
      }
      default:
        return stsError(400, 'Sender', 'InvalidAction', `Could not find operation ${form.get('Action') ?? ''} for version 2011-06-15`);
    }
  });
  return Object.assign(service, {
    addRole,
    deleteRole: (roleArn: string) => void deleted.add(roleArn),
    restoreRole: (roleArn: string) => void deleted.delete(roleArn),
    session: (accessKeyId: string) => principals.get(accessKeyId)?.issued?.session,
    calls: () => service.requests.map((r) => new URLSearchParams(r.body)),
  });
}

function isJsonObject(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

/** The STS XML error document, as the real service sends it. */
export function stsErrorBody(type: 'Sender' | 'Receiver', code: string, message: string): string {
  return `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${rid()}</RequestId></ErrorResponse>`;
}

function stsError(status: number, type: 'Sender' | 'Receiver', code: string, message: string): FakeReply {
  return xml(status, stsErrorBody(type, code, message));
}

function rid(): string {
  return randomBytes(16).toString('hex');
}
