import { randomBytes } from 'node:crypto';
import { createFakeService, xml } from '../http/fake-service.js';
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
}

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

  const service = createFakeService((req): FakeReply => {
    const form = new URLSearchParams(req.body);
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
        const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
        const secretAccessKey = randomBytes(20).toString('base64');
        const sessionToken = randomBytes(32).toString('base64');
        const account = role.reportedAccount ?? role.accountId;
        const expiresAt = new Date((options.now?.() ?? new Date()).getTime() + duration * 1000);
        const issued = { secretAccessKey, sessionToken, session: { roleArn, sessionName: session, sourceIdentity, policy, expiration: expiresAt } };
        principals.set(accessKeyId, { account, arn: `arn:aws:sts::${account}:assumed-role/${role.roleName}/${session}`, issued });
        const expiration = expiresAt.toISOString();
        return xml(200, `<AssumeRoleResponse xmlns="${NS}"><AssumeRoleResult><Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${secretAccessKey}</SecretAccessKey><SessionToken>${sessionToken}</SessionToken><Expiration>${expiration}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROAFAKE:${session}</AssumedRoleId><Arn>arn:aws:sts::${role.accountId}:assumed-role/${role.roleName}/${session}</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>${rid()}</RequestId></ResponseMetadata></AssumeRoleResponse>`);
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
