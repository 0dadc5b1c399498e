import type * as IdentityModule from '@azure/identity';
import type * as PipelineModule from '@azure/core-rest-pipeline';
import type { HttpClient } from '@azure/core-rest-pipeline';
import { ProviderCallError, trimTrailingSlashes } from '@cloudlink/engine';
import type { AzureConnector, AzureCredentials } from '@cloudlink/engine';
import { flattenText, once, redactSecrets, resolveCallPolicy, retryStep, startDeadline, throwIfCallerAborted, transportFailure } from '../shared/index.js';
import type { CallPolicy, CallPolicyOptions } from '../shared/index.js';
import { classifyAzureResponse } from './classify.js';
import { createObservingHttpClient } from './http-client.js';
import type { AzureTlsOptions, Observation } from './http-client.js';

/** Options of {@link createAzureConnector}; the URLs are configuration, never user input (see docs/provider-calls.md). */
export interface AzureConnectorOptions extends CallPolicyOptions {
  /** Entra ID host, `https` only (@azure/identity refuses http); default `AZURE_AUTHORITY_HOST`, else `https://login.microsoftonline.com`. */
  readonly authorityHost?: string;
  /** ARM base, also the token scope (`<armUrl>/.default`); default `CLOUDLINK_AZURE_ARM_URL`, else `https://management.azure.com`. */
  readonly armUrl?: string;
  /** Extra trusted CA(s) for both hosts, instead of a process-wide `NODE_EXTRA_CA_CERTS`. */
  readonly tls?: AzureTlsOptions;
  /** The HTTP client under both calls; default @azure/core-rest-pipeline's Node client. */
  readonly httpClient?: HttpClient;
  /** Where the env defaults are read; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const ENTRA_STEP = 'Entra ID token request';
const ARM_STEP = 'subscriptions.get';
const API_VERSION = '2022-12-01';

/** The two Azure SDK modules the connector uses. */
interface AzureSdk {
  readonly identity: typeof IdentityModule;
  readonly pipeline: typeof PipelineModule;
}

/**
 * @azure/identity (with MSAL) and @azure/core-rest-pipeline, imported on the first call and once:
 * they cost over 10 MiB of resident memory, and a process that never reaches Azure (a server that
 * only reads, the CLI) should not pay for them.
 */
const loadAzureSdk = once(
  (): Promise<AzureSdk> => Promise.all([import('@azure/identity'), import('@azure/core-rest-pipeline')]).then(([identity, pipeline]) => ({ identity, pipeline })),
);

/**
 * The Azure connector: a client-credentials token from Entra ID through @azure/identity's
 * `ClientSecretCredential`, or `ClientAssertionCredential` when the connection federates through our
 * issuer (SDK retries and redirects off), then `GET /subscriptions/<id>` on ARM. Failures are
 * classified from the HTTP answer itself, and the client secret or assertion is scrubbed from every message.
 */
export function createAzureConnector(options: AzureConnectorOptions = {}): AzureConnector {
  const policy = resolveCallPolicy(options);
  const env = options.env ?? process.env;
  const authorityHost = trimTrailingSlashes(options.authorityHost ?? env.AZURE_AUTHORITY_HOST ?? 'https://login.microsoftonline.com');
  const armUrl = trimTrailingSlashes(options.armUrl ?? env.CLOUDLINK_AZURE_ARM_URL ?? 'https://management.azure.com');
  if (!authorityHost.startsWith('https://')) throw new TypeError(`authorityHost must be an https URL, got ${authorityHost}`);

  return {
    async getSubscription(input, callOptions) {
      const signal = callOptions?.signal;
      throwIfCallerAborted(signal);
      const ctx = { policy, options, authorityHost, armUrl, signal, sdk: await loadAzureSdk() };
      const token = await retryStep(policy, signal, () => requestToken(ctx, input));
      return retryStep(policy, signal, () => getSubscription(ctx, input, token.token));
    },

    async getToken(input, scopes, callOptions) {
      const signal = callOptions?.signal;
      throwIfCallerAborted(signal);
      const ctx = { policy, options, authorityHost, armUrl, signal, sdk: await loadAzureSdk() };
      return retryStep(policy, signal, () => requestToken(ctx, input, scopes));
    },
  };
}

interface StepContext {
  readonly policy: CallPolicy;
  readonly options: AzureConnectorOptions;
  readonly authorityHost: string;
  readonly armUrl: string;
  readonly signal: AbortSignal | undefined;
  readonly sdk: AzureSdk;
}

/** The HTTP client of one step: the injected one, or the SDK's default, observed. */
function stepHttpClient(ctx: StepContext, observation: Observation): HttpClient {
  return createObservingHttpClient({
    timeoutMs: ctx.policy.timeoutMs,
    observation,
    base: ctx.options.httpClient ?? ctx.sdk.pipeline.createDefaultHttpClient(),
    ...(ctx.options.tls ? { tls: ctx.options.tls } : {}),
  });
}

/** One attempt of the Entra ID step; a fresh credential each time, so MSAL's own throttle cache never short-cuts our retries. */
async function requestToken(ctx: StepContext, input: AzureCredentials, scopes?: readonly string[]): Promise<{ token: string; expiresAt: Date }> {
  const observation: Observation = {};
  // The minted assertion is a bearer credential too: scrubbed from messages like the secret.
  const secrets: string[] = input.clientSecret !== undefined ? [input.clientSecret] : [];
  const site = { provider: 'azure', call: ENTRA_STEP };
  const credentialOptions = {
    authorityHost: ctx.authorityHost,
    disableInstanceDiscovery: true,
    httpClient: stepHttpClient(ctx, observation),
    retryOptions: { maxRetries: 0 },
    redirectOptions: { maxRetries: 0 },
  };
  const { clientAssertion } = input;
  const credential = clientAssertion
    ? new ctx.sdk.identity.ClientAssertionCredential(
        input.tenantId,
        input.clientId,
        async () => {
          const assertion = await clientAssertion();
          secrets.push(assertion);
          return assertion;
        },
        credentialOptions,
      )
    : new ctx.sdk.identity.ClientSecretCredential(input.tenantId, input.clientId, input.clientSecret ?? '', credentialOptions);
  const deadline = startDeadline(ctx.policy.timeoutMs, ctx.signal);
  try {
    const wanted = scopes && scopes.length > 0 ? [...scopes] : [`${ctx.armUrl}/.default`];
    const token = await credential.getToken(wanted, { abortSignal: deadline.signal });
    return { token: token.token, expiresAt: new Date(token.expiresOnTimestamp) };
  } catch (e) {
    throwIfCallerAborted(ctx.signal);
    const failed = observation.response && (observation.response.status < 200 || observation.response.status >= 300) ? observation.response : undefined;
    if (failed) throw classifyAzureResponse(site, failed, ctx.policy.clock.now(), secrets);
    if (deadline.timedOut() || observation.error !== undefined) {
      const transport = transportFailure(site, observation.error ?? e, deadline.timedOut(), ctx.policy.timeoutMs);
      throw scrubbed(transport, secrets);
    }
    // A 2xx MSAL could not use, or a local failure: no verdict, and never MSAL's raw text (it can echo the request).
    const message = redactSecrets(flattenText(e instanceof Error ? e.message : String(e)), secrets);
    throw new ProviderCallError({ ...site, code: 'UnexpectedResponse', message, kind: 'transient' });
  }
}

/** One attempt of `subscriptions.get` with the bearer token. */
async function getSubscription(ctx: StepContext, input: AzureCredentials, token: string): Promise<{ subscriptionId: string; displayName?: string }> {
  const observation: Observation = {};
  const site = { provider: 'azure', call: ARM_STEP };
  const client = stepHttpClient(ctx, observation);
  const { createHttpHeaders, createPipelineRequest } = ctx.sdk.pipeline;
  const deadline = startDeadline(ctx.policy.timeoutMs, ctx.signal);
  let response;
  try {
    response = await client.sendRequest(
      createPipelineRequest({
        url: `${ctx.armUrl}/subscriptions/${encodeURIComponent(input.subscriptionId)}?api-version=${API_VERSION}`,
        method: 'GET',
        headers: createHttpHeaders({ authorization: `Bearer ${token}`, accept: 'application/json' }),
        abortSignal: deadline.signal,
        timeout: ctx.policy.timeoutMs,
      }),
    );
  } catch (e) {
    throwIfCallerAborted(ctx.signal);
    throw transportFailure(site, e, deadline.timedOut(), ctx.policy.timeoutMs);
  }
  if (response.status < 200 || response.status >= 300) throw classifyAzureResponse(site, response, ctx.policy.clock.now(), input.clientSecret !== undefined ? [input.clientSecret] : []);
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(response.bodyAsText ?? '') as Record<string, unknown>;
  } catch {
    // handled below
  }
  if (typeof body.subscriptionId !== 'string') {
    throw new ProviderCallError({ ...site, code: 'MalformedResponse', message: 'subscription carries no subscriptionId', kind: 'transient', status: response.status });
  }
  return { subscriptionId: body.subscriptionId, ...(typeof body.displayName === 'string' ? { displayName: body.displayName } : {}) };
}

/** Rebuild without `cause`: a transport error's cause holds the request, whose body carries the secret. */
function scrubbed(e: ProviderCallError, secrets: readonly string[]): ProviderCallError {
  return new ProviderCallError({
    provider: e.provider,
    call: e.call,
    code: redactSecrets(e.providerCode, secrets),
    message: redactSecrets(e.providerMessage, secrets),
    kind: e.kind,
  });
}
