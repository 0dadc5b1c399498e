import type * as StsModule from '@aws-sdk/client-sts';
import type { STSClient, STSClientConfig } from '@aws-sdk/client-sts';
import { ProviderCallError } from '@cloudlink/engine';
import type { AwsConnector, AwsCredentials } from '@cloudlink/engine';
import { once, resolveCallPolicy, retryStep, startDeadline, throwIfCallerAborted } from '../../shared/index.js';
import type { CallPolicy, CallPolicyOptions } from '../../shared/index.js';
import { classifyStsError } from './classify.js';

/** Options of {@link createAwsConnector}. */
export interface AwsConnectorOptions extends CallPolicyOptions {
  /** STS signing region; default `AWS_REGION`, else `us-east-1`. */
  readonly region?: string;
  /**
   * STS base URL (fakes, VPC endpoints). Default: the SDK's resolution, which honours
   * `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL`, else the public regional endpoint.
   */
  readonly endpoint?: string;
  /**
   * The platform credentials that call AssumeRole (static or a provider function). Default: the
   * SDK's chain (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, shared config, instance role, …).
   */
  readonly credentials?: STSClientConfig['credentials'];
  /**
   * The SDK's HTTP handler (an object with `handle(request)`), e.g. an in-process fake. Default: the
   * SDK's Node handler with connection and request timeouts of `timeoutMs`.
   */
  readonly requestHandler?: STSClientConfig['requestHandler'];
}

type StsCall = 'AssumeRole' | 'AssumeRoleWithWebIdentity' | 'GetCallerIdentity';
type StsSdk = typeof StsModule;

/**
 * `@aws-sdk/client-sts`, imported on the first call and once: the SDK costs several MiB of resident
 * memory, and a process that never assumes a role (a server that only reads, the CLI) should not pay for it.
 */
const loadStsSdk = once((): Promise<StsSdk> => import('@aws-sdk/client-sts'));

/**
 * The AWS connector on `@aws-sdk/client-sts`. SDK retries are off (`maxAttempts: 1`): throttled
 * and transient failures are retried by the engine's policy (see docs/batching.md), every attempt under its
 * own `timeoutMs` deadline. Errors are `ProviderCallError`s named `AssumeRole` / `GetCallerIdentity`.
 */
export function createAwsConnector(options: AwsConnectorOptions = {}): AwsConnector {
  const policy = resolveCallPolicy(options);
  const base: STSClientConfig = {
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    maxAttempts: 1,
    // The socket-level timeouts back up the per-call deadline below.
    requestHandler: options.requestHandler ?? { connectionTimeout: policy.timeoutMs, requestTimeout: policy.timeoutMs },
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
  };
  // The platform client is made with the SDK, on the first call, and shared from then on.
  const platformClient = once(() => loadStsSdk().then((m) => ({ sdk: m, client: new m.STSClient(base) })));

  return {
    async assumeRole(input, callOptions) {
      const { sdk: m, client: platformStsClient } = await platformClient();
      const out = await send(policy, platformStsClient, 'AssumeRole', callOptions?.signal, (client, abortSignal) =>
        client.send(
          new m.AssumeRoleCommand({
            RoleArn: input.roleArn,
            RoleSessionName: input.sessionName,
            DurationSeconds: input.durationSeconds ?? 3600,
            ...(input.externalId !== undefined ? { ExternalId: input.externalId } : {}),
            ...(input.sourceIdentity !== undefined ? { SourceIdentity: input.sourceIdentity } : {}),
            ...(input.policy !== undefined ? { Policy: input.policy } : {}),
          }),
          { abortSignal },
        ),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw malformed('AssumeRole', 'response carries no Credentials');
      const credentials: AwsCredentials = {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
        ...(c.Expiration ? { expiration: c.Expiration } : {}),
      };
      return credentials;
    },

    async assumeRoleWithWebIdentity(input, callOptions) {
      const { sdk: m, client: platformStsClient } = await platformClient();
      // Unsigned: the SDK sends it without credentials, so no platform credentials are looked up.
      const out = await send(policy, platformStsClient, 'AssumeRoleWithWebIdentity', callOptions?.signal, (client, abortSignal) =>
        client.send(
          new m.AssumeRoleWithWebIdentityCommand({
            RoleArn: input.roleArn,
            RoleSessionName: input.sessionName,
            WebIdentityToken: input.webIdentityToken,
            DurationSeconds: input.durationSeconds ?? 3600,
            ...(input.policy !== undefined ? { Policy: input.policy } : {}),
          }),
          { abortSignal },
        ),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw malformed('AssumeRoleWithWebIdentity', 'response carries no Credentials');
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
        ...(c.Expiration ? { expiration: c.Expiration } : {}),
      };
    },

    async getCallerIdentity(credentials, callOptions) {
      const { sdk: m, client: platformStsClient } = await platformClient();
      // Customer credentials get a short-lived client of their own; the platform client is shared.
      const client = credentials
        ? new m.STSClient({
            ...base,
            credentials: {
              accessKeyId: credentials.accessKeyId,
              secretAccessKey: credentials.secretAccessKey,
              ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
              ...(credentials.expiration ? { expiration: credentials.expiration } : {}),
            },
          })
        : platformStsClient;
      try {
        const out = await send(policy, client, 'GetCallerIdentity', callOptions?.signal, (c, abortSignal) =>
          c.send(new m.GetCallerIdentityCommand({}), { abortSignal }),
        );
        if (!out.Account || !out.Arn) throw malformed('GetCallerIdentity', 'response carries no Account');
        return { account: out.Account, arn: out.Arn };
      } finally {
        if (client !== platformStsClient) client.destroy();
      }
    },
  };
}

/** One STS call under the retry policy, each attempt with its own deadline. */
async function send<T>(
  policy: CallPolicy,
  client: STSClient,
  call: StsCall,
  signal: AbortSignal | undefined,
  run: (client: STSClient, abortSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  return retryStep(policy, signal, async () => {
    throwIfCallerAborted(signal);
    const deadline = startDeadline(policy.timeoutMs, signal);
    try {
      return await run(client, deadline.signal);
    } catch (e) {
      throwIfCallerAborted(signal);
      throw classifyStsError(call, e, deadline.timedOut(), policy.timeoutMs, policy.clock.now());
    }
  });
}

function malformed(call: StsCall, message: string): ProviderCallError {
  return new ProviderCallError({ provider: 'aws', call, code: 'MalformedResponse', message, kind: 'transient' });
}
