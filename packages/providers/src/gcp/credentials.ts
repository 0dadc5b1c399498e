import { AuthClient } from 'google-auth-library';
import { issueFor } from '../shared/credentials-source.js';
import type { CloudlinkCredentialsTarget, CredentialsSource } from '../shared/credentials-source.js';

/** gaxios's request options and response, named through the library (gaxios is its dependency, not ours). */
type RequestOptions = Parameters<AuthClient['request']>[0];
type ResponseOf<T> = Omit<Awaited<ReturnType<AuthClient['request']>>, 'data'> & { data: T };

/** Options of {@link CloudlinkAuthClient}: the connection and, optionally, the OAuth scopes (default cloud-platform). */
export type CloudlinkAuthClientOptions = CloudlinkCredentialsTarget & { readonly scopes?: readonly string[] };

/**
 * A google-auth-library `AuthClient` whose token is the connection's service-account token,
 * obtained by the engine through workload identity federation: pass it as `auth` (or `authClient`)
 * to any Google client. Every request asks the engine, which caches the token until 5 minutes
 * before it expires, so the client itself never holds one longer.
 */
export class CloudlinkAuthClient extends AuthClient {
  readonly #source: CredentialsSource;
  readonly #target: CloudlinkCredentialsTarget;

  constructor(source: CredentialsSource, options: CloudlinkAuthClientOptions) {
    super();
    const { scopes, ...target } = options;
    this.#source = source;
    this.#target = scopes ? { ...target, gcp: { ...target.gcp, scopes } } : target;
  }

  /** The project the connection's service account belongs to, as the engine reports it. */
  async getProjectId(): Promise<string | null> {
    return (await issueFor(this.#source, this.#target, 'gcp')).projectId;
  }

  async getAccessToken(): Promise<{ token: string; res?: null }> {
    const issued = await issueFor(this.#source, this.#target, 'gcp');
    this.credentials = { access_token: issued.accessToken, expiry_date: Date.parse(issued.expiresAt), token_type: 'Bearer' };
    return { token: issued.accessToken };
  }

  async getRequestHeaders(): Promise<Headers> {
    const { token } = await this.getAccessToken();
    return this.addSharedMetadataHeaders(new Headers({ authorization: `Bearer ${token}` }));
  }

  async request<T>(options: RequestOptions): Promise<ResponseOf<T>> {
    const headers = new Headers(options.headers);
    for (const [name, value] of await this.getRequestHeaders()) headers.set(name, value);
    return this.transporter.request<T>({ ...options, headers });
  }
}
