import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { startFakeServer } from './server.js';
import type { FakeServer } from './server.js';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** A customer role as its trust policy defines it. */
export interface FakeRole {
  readonly accountId: string;
  readonly roleName: string;
  /** The account its trust policy names as principal. */
  readonly trustedAccount: string;
  /** `sts:ExternalId` the trust policy requires; undefined = the policy does not require one. */
  readonly externalId?: string;
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
}

export interface FakeSts extends FakeServer {
  addRole(role: FakeRole): void;
  /** Parsed form bodies of the requests, in order. */
  calls(): URLSearchParams[];
}

interface Principal {
  account: string;
  arn: string;
}

/**
 * A fake AWS STS (Query protocol, XML) enforcing trust policies: AssumeRole checks the caller's
 * account and the ExternalId condition; issued credentials are recognised by GetCallerIdentity.
 */
export async function startFakeSts(options: FakeStsOptions): Promise<FakeSts> {
  const roles = new Map<string, FakeRole>();
  const addRole = (role: FakeRole): void => void roles.set(`arn:aws:iam::${role.accountId}:role/${role.roleName}`, role);
  for (const role of options.roles ?? []) addRole(role);
  const principals = new Map<string, Principal>([
    [options.platformAccessKeyId, { account: options.platformAccount, arn: `arn:aws:iam::${options.platformAccount}:user/cloudlink-platform` }],
  ]);

  const server = await startFakeServer((req, res) => {
    const form = new URLSearchParams(req.body);
    const keyId = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
    const caller = keyId ? principals.get(keyId) : undefined;
    if (!caller) {
      return stsError(res, 403, 'Sender', 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    }
    switch (form.get('Action')) {
      case 'GetCallerIdentity':
        return xml(res, 200, `<GetCallerIdentityResponse xmlns="${NS}"><GetCallerIdentityResult><Arn>${caller.arn}</Arn><UserId>AIDAFAKE</UserId><Account>${caller.account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${rid()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
      case 'AssumeRole': {
        const roleArn = form.get('RoleArn') ?? '';
        const session = form.get('RoleSessionName') ?? '';
        const role = roles.get(roleArn);
        const externalId = form.get('ExternalId');
        const denied = !role || role.trustedAccount !== caller.account || (role.externalId !== undefined && role.externalId !== externalId);
        if (denied) {
          return stsError(res, 403, 'Sender', 'AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
        }
        const duration = Number(form.get('DurationSeconds') ?? '3600');
        if (duration > (role.maxSessionDuration ?? 3600)) {
          return stsError(res, 400, 'Sender', 'ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
        }
        const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
        const account = role.reportedAccount ?? role.accountId;
        principals.set(accessKeyId, { account, arn: `arn:aws:sts::${account}:assumed-role/${role.roleName}/${session}` });
        const expiration = new Date(Date.now() + duration * 1000).toISOString();
        return xml(res, 200, `<AssumeRoleResponse xmlns="${NS}"><AssumeRoleResult><Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${randomBytes(20).toString('base64')}</SecretAccessKey><SessionToken>${randomBytes(32).toString('base64')}</SessionToken><Expiration>${expiration}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROAFAKE:${session}</AssumedRoleId><Arn>arn:aws:sts::${role.accountId}:assumed-role/${role.roleName}/${session}</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>${rid()}</RequestId></ResponseMetadata></AssumeRoleResponse>`);
      }
      default:
        return stsError(res, 400, 'Sender', 'InvalidAction', `Could not find operation ${form.get('Action') ?? ''} for version 2011-06-15`);
    }
  });
  return { ...server, addRole, calls: () => server.requests.map((r) => new URLSearchParams(r.body)) };
}

/** The STS XML error document, as the real service sends it. */
export function stsErrorBody(type: 'Sender' | 'Receiver', code: string, message: string): string {
  return `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${rid()}</RequestId></ErrorResponse>`;
}

function stsError(res: ServerResponse, status: number, type: 'Sender' | 'Receiver', code: string, message: string): void {
  xml(res, status, stsErrorBody(type, code, message));
}

function xml(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/xml' });
  res.end(body);
}

function rid(): string {
  return randomBytes(16).toString('hex');
}
