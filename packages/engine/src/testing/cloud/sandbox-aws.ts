import type { AwsConnector, AwsCredentials } from '../../ports/cloud.js';
import { createFaults, standInError, type FaultControl } from '../dns/faults.js';

export interface SandboxAwsOptions {
  /** The account the stand-in's platform credentials belong to (default `999999999999`). */
  readonly platformAccountId?: string;
  /** Time source for credential expiry (default: the system clock). */
  readonly now?: () => Date;
}

export interface SandboxAwsConnector extends AwsConnector {
  /** Call log and failure injection (`failNext('AssumeRole', …)`). */
  readonly control: FaultControl;
}

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/([\w+=,.@/-]{1,64})$/;
const DENIED_ACCOUNT = '000000000000';

/**
 * In-memory STS for tests and sandbox mode: AssumeRole carrying a 32-hex ExternalId
 * succeeds for any 12-digit account except `000000000000`; without an ExternalId it is refused
 * (`AccessDenied`), like a trust policy that enforces it. GetCallerIdentity reports the account of
 * the assumed role, or the platform account for the platform's own credentials.
 */
export function createSandboxAwsConnector(options: SandboxAwsOptions = {}): SandboxAwsConnector {
  const platform = options.platformAccountId ?? '999999999999';
  const now = options.now ?? (() => new Date());
  const { control, enter } = createFaults('aws');
  const denied = (roleArn: string, sessionName: string) =>
    standInError(
      'aws',
      'AssumeRole',
      'AccessDenied',
      'refused',
      `User: arn:aws:sts::${platform}:assumed-role/cloudlink-platform/${sessionName} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      403,
    );
  return {
    control,
    async assumeRole(input) {
      await enter({ call: 'AssumeRole' });
      const match = ROLE_ARN.exec(input.roleArn);
      if (!match) throw standInError('aws', 'AssumeRole', 'ValidationError', 'invalid-input', 'RoleArn is not a valid IAM role ARN', 400);
      const [, account, roleName] = match;
      if (account === DENIED_ACCOUNT) throw denied(input.roleArn, input.sessionName);
      if (input.externalId === undefined || !/^[0-9a-f]{32}$/.test(input.externalId)) throw denied(input.roleArn, input.sessionName);
      const expiration = new Date(now().getTime() + (input.durationSeconds ?? 3600) * 1000);
      return {
        accessKeyId: `ASIASANDBOX${account}`,
        secretAccessKey: `sandbox-secret-${account}`,
        sessionToken: `sandbox:${account}:${roleName}:${input.sessionName}`,
        expiration,
      };
    },
    async getCallerIdentity(credentials?: AwsCredentials) {
      await enter({ call: 'GetCallerIdentity' });
      if (!credentials) return { account: platform, arn: `arn:aws:iam::${platform}:user/cloudlink-platform` };
      const [tag, account, roleName, session] = (credentials.sessionToken ?? '').split(':');
      if (tag !== 'sandbox' || !account) {
        throw standInError('aws', 'GetCallerIdentity', 'InvalidClientTokenId', 'refused', 'The security token included in the request is invalid.', 403);
      }
      return { account, arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${session}` };
    },
  };
}
