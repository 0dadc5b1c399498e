import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { HttpClient, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';

/** Extra TLS trust for the Azure endpoints (private CAs, local fakes). */
export interface AzureTlsOptions {
  /** PEM CA certificate(s) trusted in addition to Node's defaults. */
  readonly ca: string | Buffer | readonly (string | Buffer)[];
}

/** The last answer (or failure) the client saw, per step. */
export interface Observation {
  response?: PipelineResponse;
  error?: unknown;
}

/**
 * Wrap an HttpClient so every request carries our timeout and TLS agent, and the last answer is
 * recorded: @azure/identity reports failures in MSAL's words, we classify from what was on the wire.
 */
export function createObservingHttpClient(options: {
  /** The client underneath: the injected one, else @azure/core-rest-pipeline's default (passed in, as the SDK is imported lazily). */
  readonly base: HttpClient;
  readonly tls?: AzureTlsOptions;
  readonly timeoutMs: number;
  readonly observation: Observation;
}): HttpClient {
  const { base } = options;
  const agent = options.tls
    ? new Agent({ keepAlive: false, ca: [...(typeof options.tls.ca === 'string' || Buffer.isBuffer(options.tls.ca) ? [options.tls.ca] : options.tls.ca), ...defaultCas()] })
    : undefined;
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      request.timeout = options.timeoutMs;
      if (agent) request.agent = agent;
      options.observation.response = undefined;
      options.observation.error = undefined;
      try {
        const response = await base.sendRequest(request);
        options.observation.response = response;
        return response;
      } catch (e) {
        options.observation.error = e;
        throw e;
      }
    },
  };
}

/** Node's bundled roots: an explicit `ca` replaces them otherwise, and real Azure hosts must still verify. */
function defaultCas(): readonly string[] {
  return rootCertificates;
}
