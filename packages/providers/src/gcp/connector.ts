import { IdentityPoolClient } from 'google-auth-library';
import { isProviderCallError, ProviderCallError, trimTrailingSlashes } from '@cloudlink/engine';
import type { GcpConnector } from '@cloudlink/engine';
import { readJson, resolveCallPolicy, retryStep, sendAttempt, throwIfCallerAborted } from '../shared/index.js';
import type { CallPolicy, CallPolicyOptions, StatusClassifier } from '../shared/index.js';

/** Options of {@link createGcpConnector}; every URL is configuration, never user input (see docs/provider-calls.md). */
export interface GcpConnectorOptions extends CallPolicyOptions {
  /** Token exchange endpoint; default `CLOUDLINK_GCP_STS_URL`, else `https://sts.googleapis.com/v1/token`. */
  readonly stsUrl?: string;
  /** IAM Credentials base; default `CLOUDLINK_GCP_IAM_CREDENTIALS_URL`, else `https://iamcredentials.googleapis.com`. */
  readonly iamCredentialsUrl?: string;
  /** Resource Manager base; default `CLOUDLINK_GCP_RESOURCE_MANAGER_URL`, else `https://cloudresourcemanager.googleapis.com`. */
  readonly resourceManagerUrl?: string;
  /** Injected fetch for every call (proxies, tests); default the global one. */
  readonly fetch?: typeof fetch;
  /** Where the env defaults are read; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';
const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
const STS_STEP = 'STS token exchange';
const IAM_STEP = 'generateAccessToken';
const RM_STEP = 'projects.get';

/** STS OAuth errors that reflect the customer's pool/provider/condition (see docs/provider-calls.md). */
const STS_REFUSALS = new Set(['invalid_grant', 'invalid_request', 'unauthorized_client', 'invalid_target']);

const classifySts: StatusClassifier = (_status, error) => (error.code && STS_REFUSALS.has(error.code) ? 'refused' : undefined);

/**
 * The GCP connector: google-auth-library's `IdentityPoolClient` with a subject-token supplier does
 * the STS exchange and the service-account impersonation; then `projects.get` on Resource
 * Manager with the impersonated token. The library's own retries are disabled and every HTTP
 * request goes through our fetch (deadline, no redirects, the retry policy of docs/batching.md per request), so a
 * failure is attributed to its step exactly.
 */
export function createGcpConnector(options: GcpConnectorOptions = {}): GcpConnector {
  const policy = resolveCallPolicy(options);
  const env = options.env ?? process.env;
  const stsUrl = options.stsUrl ?? env.CLOUDLINK_GCP_STS_URL ?? 'https://sts.googleapis.com/v1/token';
  const iamUrl = trimTrailingSlashes(options.iamCredentialsUrl ?? env.CLOUDLINK_GCP_IAM_CREDENTIALS_URL ?? 'https://iamcredentials.googleapis.com');
  const rmUrl = trimTrailingSlashes(options.resourceManagerUrl ?? env.CLOUDLINK_GCP_RESOURCE_MANAGER_URL ?? 'https://cloudresourcemanager.googleapis.com');

  return {
    async testWorkloadIdentity(input, callOptions) {
      const signal = callOptions?.signal;
      throwIfCallerAborted(signal);
      const impersonationUrl = `${iamUrl}/v1/projects/-/serviceAccounts/${encodeURIComponent(input.serviceAccountEmail)}:generateAccessToken`;
      const accessToken = await impersonate(policy, options.fetch, signal, {
        audience: input.audience,
        stsUrl,
        impersonationUrl,
        subjectToken: input.subjectToken,
      });

      const site = { provider: 'gcp', call: RM_STEP };
      const response = await retryStep(policy, signal, () =>
        sendAttempt({
          site,
          url: `${rmUrl}/v1/projects/${encodeURIComponent(input.projectId)}`,
          init: { method: 'GET', headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } },
          timeoutMs: policy.timeoutMs,
          now: () => policy.clock.now(),
          ...(signal ? { signal } : {}),
          ...(options.fetch ? { fetch: options.fetch } : {}),
        }),
      );
      const project = await readJson(site, response);
      if (typeof project.projectId !== 'string' || typeof project.projectNumber !== 'string') {
        throw new ProviderCallError({ ...site, code: 'MalformedResponse', message: 'project carries no projectId/projectNumber', kind: 'transient' });
      }
      return { projectId: project.projectId, projectNumber: project.projectNumber };
    },

    async getAccessToken(input, callOptions) {
      const signal = callOptions?.signal;
      throwIfCallerAborted(signal);
      return impersonateWithExpiry(policy, options.fetch, signal, {
        audience: input.audience,
        stsUrl,
        impersonationUrl: `${iamUrl}/v1/projects/-/serviceAccounts/${encodeURIComponent(input.serviceAccountEmail)}:generateAccessToken`,
        subjectToken: input.subjectToken,
        ...(input.scopes && input.scopes.length > 0 ? { scopes: input.scopes } : {}),
      });
    },
  };
}

interface ImpersonationInput {
  readonly audience: string;
  readonly stsUrl: string;
  readonly impersonationUrl: string;
  readonly subjectToken: () => Promise<string>;
  /** Default cloud-platform. */
  readonly scopes?: readonly string[];
}

/** STS exchange + generateAccessToken through the library; returns the impersonated access token. */
async function impersonate(policy: CallPolicy, fetchImpl: typeof fetch | undefined, signal: AbortSignal | undefined, input: ImpersonationInput): Promise<string> {
  return (await impersonateWithExpiry(policy, fetchImpl, signal, input)).token;
}

/** The impersonated token and its expiry (generateAccessToken's `expireTime`, through the library). */
async function impersonateWithExpiry(
  policy: CallPolicy,
  fetchImpl: typeof fetch | undefined,
  signal: AbortSignal | undefined,
  input: ImpersonationInput,
): Promise<{ token: string; expiresAt: Date }> {
  let subject: Promise<string> | undefined;
  let supplierError: { error: unknown } | undefined;
  let lastStep = STS_STEP;

  // Every request the library makes lands here: we own the deadline, redirects and retries.
  const stepFetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const target = typeof url === 'string' ? url : url instanceof URL ? url.href : url.url;
    const isSts = target.startsWith(input.stsUrl);
    lastStep = isSts ? STS_STEP : IAM_STEP;
    const site = { provider: 'gcp', call: lastStep };
    return retryStep(policy, signal, () =>
      sendAttempt({
        site,
        url: target,
        init: { method: init?.method ?? 'GET', ...(init?.headers ? { headers: init.headers } : {}), ...(init?.body ? { body: init.body } : {}) },
        timeoutMs: policy.timeoutMs,
        now: () => policy.clock.now(),
        ...(isSts ? { classify: classifySts } : {}),
        ...(signal ? { signal } : {}),
        ...(fetchImpl ? { fetch: fetchImpl } : {}),
      }),
    );
  };

  const client = new RoutedIdentityPoolClient({
    type: 'external_account',
    audience: input.audience,
    subject_token_type: JWT_TOKEN_TYPE,
    token_url: input.stsUrl,
    service_account_impersonation_url: input.impersonationUrl,
    subject_token_supplier: {
      // The port promises at most one mint per test.
      getSubjectToken: () =>
        (subject ??= input.subjectToken().catch((error: unknown) => {
          supplierError = { error };
          throw error;
        })),
    },
    scopes: input.scopes ? [...input.scopes] : [CLOUD_PLATFORM],
    transporterOptions: { fetchImplementation: stepFetch as typeof fetch },
  });
  // The library marks its calls `retry: true`; the retry policy in stepFetch is the only one, so attempts are never multiplied.
  client.transporter.interceptors.request.add({
    resolved: async (opts) => Object.assign(opts, { retry: false, retryConfig: { retry: 0, noResponseRetries: 0 } }),
  });

  try {
    const { token } = await client.getAccessToken();
    if (!token) throw new ProviderCallError({ provider: 'gcp', call: IAM_STEP, code: 'MalformedResponse', message: 'no access token returned', kind: 'transient' });
    // The library keeps generateAccessToken's expireTime as the credentials' expiry_date.
    const expiry = client.credentials.expiry_date;
    const expiresAt = new Date(typeof expiry === 'number' ? expiry : policy.clock.now().getTime() + 3_600_000);
    return { token, expiresAt };
  } catch (e) {
    throwIfCallerAborted(signal);
    if (supplierError) throw supplierError.error;
    const ours = findProviderError(e);
    if (ours) throw ours;
    // The library rejected a 2xx answer (e.g. a body without access_token).
    throw new ProviderCallError({ provider: 'gcp', call: lastStep, code: 'MalformedResponse', message: e instanceof Error ? e.message : String(e), kind: 'transient', cause: e });
  }
}

/**
 * `IdentityPoolClient` whose STS exchange uses the client's own transporter. The library builds its
 * STS helper with a Gaxios of its own (default fetch, its own retries), which our fetch and
 * interceptor would not reach; rebuilding it through its documented `transporter` option fixes that.
 */
class RoutedIdentityPoolClient extends IdentityPoolClient {
  constructor(options: ConstructorParameters<typeof IdentityPoolClient>[0] & { token_url: string }) {
    super(options);
    type Sts = typeof this.stsCredential;
    type Transporter = typeof this.transporter;
    const StsCredentials = this.stsCredential.constructor as new (o: { tokenExchangeEndpoint: string; transporter: Transporter }) => Sts;
    this.stsCredential = new StsCredentials({ tokenExchangeEndpoint: options.token_url, transporter: this.transporter });
  }
}

/** The library wraps what our fetch threw (GaxiosError.cause, or copies it); find it again. */
function findProviderError(e: unknown): ProviderCallError | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 6; depth++) {
    if (isProviderCallError(cur)) return cur;
    const next = cur as { cause?: unknown; error?: unknown };
    cur = next.cause ?? next.error;
  }
  return undefined;
}
