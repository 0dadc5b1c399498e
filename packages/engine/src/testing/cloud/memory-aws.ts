import type { AwsConnector, AwsCredentials } from '../../ports/cloud.js';
import { createFaults, memoryProviderError, memoryRetry, type FaultControl, type MemoryRetryOptions } from '../memory-faults.js';

/** A customer role whose trust policy names the platform account and requires this ExternalId. */
export interface MemoryAwsRole {
  readonly roleArn: string;
  readonly externalId: string;
}

export interface MemoryAwsOptions extends MemoryRetryOptions {
  /** The account the platform's own credentials belong to (default `999999999999`). */
  readonly platformAccountId?: string;
  /**
   * The only roles that exist, each trusting one ExternalId. Without it every role in every account
   * but `000000000000` trusts any 32-hex ExternalId, so tests need not set up a role per connection.
   */
  readonly roles?: readonly MemoryAwsRole[];
  /** Time source for credential expiry (default: the system clock). */
  readonly now?: () => Date;
}

export interface MemoryAwsConnector extends AwsConnector {
  /** Call log and failure injection (`failNext('AssumeRole', …)`). */
  readonly control: FaultControl;
}

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/([\w+=,.@/-]{1,64})$/;
const DENIED_ACCOUNT = '000000000000';

/**
 * The AWS connector port in memory (STS AssumeRole + GetCallerIdentity): a refused trust answers
 * `AccessDenied`, as a trust policy that requires the ExternalId does. GetCallerIdentity reports
 * the account of the assumed role, or the platform account for the platform's own credentials.
 */
export function createMemoryAwsConnector(options: MemoryAwsOptions = {}): MemoryAwsConnector {
  const platform = options.platformAccountId ?? '999999999999';
  const now = options.now ?? (() => new Date());
  const { control, enter } = createFaults('aws');
  const retry = memoryRetry(options);
  const trusts = (roleArn: string, account: string, externalId: string | undefined): boolean => {
    if (options.roles) return options.roles.some((r) => r.roleArn === roleArn && r.externalId === externalId);
    return account !== DENIED_ACCOUNT && externalId !== undefined && /^[0-9a-f]{32}$/.test(externalId);
  };
  const webIdentityTrust = new Map<string, string>();
  return {
    control,
    assumeRole: (input) =>
      retry(async () => {
        await enter({ call: 'AssumeRole' });
        const match = ROLE_ARN.exec(input.roleArn);
        if (!match) throw memoryProviderError('aws', 'AssumeRole', 'ValidationError', 'invalid-input', 'RoleArn is not a valid IAM role ARN', 400);
        const [, account = '', roleName] = match;
        if (!trusts(input.roleArn, account, input.externalId)) {
          const message = `User: arn:aws:sts::${platform}:assumed-role/cloudlink-platform/${input.sessionName} is not authorized to perform: sts:AssumeRole on resource: ${input.roleArn}`;
          throw memoryProviderError('aws', 'AssumeRole', 'AccessDenied', 'refused', message, 403);
        }
        return {
          accessKeyId: `ASIAMEMORY${account}`,
          secretAccessKey: `memory-secret-${account}`,
          sessionToken: `memory:${account}:${roleName}:${input.sessionName}`,
          expiration: new Date(now().getTime() + (input.durationSeconds ?? 3600) * 1000),
        };
      }),
    assumeRoleWithWebIdentity: (input) =>
      retry(async () => {
        await enter({ call: 'AssumeRoleWithWebIdentity' });
        const match = ROLE_ARN.exec(input.roleArn);
        if (!match) throw memoryProviderError('aws', 'AssumeRoleWithWebIdentity', 'ValidationError', 'invalid-input', 'RoleArn is not a valid IAM role ARN', 400);
        const [, account = '', roleName] = match;
        // The token is not verified here (the fake STS of @cloudlink/sandbox does): a trust is
        // modelled as a pinned subject claim, read from the unverified payload.
        const subject = subjectOf(input.webIdentityToken);
        const pinned = webIdentityTrust.get(input.roleArn);
        if (account === DENIED_ACCOUNT || subject === null || (pinned !== undefined && pinned !== subject)) {
          throw memoryProviderError('aws', 'AssumeRoleWithWebIdentity', 'AccessDenied', 'refused', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403);
        }
        // The first subject a role accepts is the one its stack was deployed for.
        webIdentityTrust.set(input.roleArn, subject);
        return {
          accessKeyId: `ASIAMEMORY${account}`,
          secretAccessKey: `memory-secret-${account}`,
          sessionToken: `memory:${account}:${roleName}:${input.sessionName}`,
          expiration: new Date(now().getTime() + (input.durationSeconds ?? 3600) * 1000),
        };
      }),
    getCallerIdentity: (credentials?: AwsCredentials) =>
      retry(async () => {
        await enter({ call: 'GetCallerIdentity' });
        if (!credentials) return { account: platform, arn: `arn:aws:iam::${platform}:user/cloudlink-platform` };
        const [tag, account, roleName, session] = (credentials.sessionToken ?? '').split(':');
        if (tag !== 'memory' || !account) {
          throw memoryProviderError('aws', 'GetCallerIdentity', 'InvalidClientTokenId', 'refused', 'The security token included in the request is invalid.', 403);
        }
        return { account, arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${session}` };
      }),
  };
}

/** The `sub` claim of a JWT, unverified; null when it has none. */
function subjectOf(token: string): string | null {
  try {
    const payload: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    const sub = (payload as { sub?: unknown } | null)?.sub;
    return typeof sub === 'string' ? sub : null;
  } catch {
    return null;
  }
}
