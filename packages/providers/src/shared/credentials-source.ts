import type { HostCredentialsInput, IssuedCredentials } from '@cloudlink/engine';

/**
 * Where the adapters get credentials: the engine itself (`createEngine(...)`), or anything with the
 * same `credentials.forHost` (e.g. a wrapper that calls the host's own backend).
 */
export interface CredentialsSource {
  readonly credentials: { forHost(input: HostCredentialsInput): Promise<{ readonly data: IssuedCredentials }> };
}

/** Which connection, and why: the workspace by id or slug (docs/credentials.md). */
export type CloudlinkCredentialsTarget = HostCredentialsInput;

/** Issue through the engine and check the connection is of the cloud the adapter serves. */
export async function issueFor<P extends IssuedCredentials['provider']>(
  source: CredentialsSource,
  target: CloudlinkCredentialsTarget,
  provider: P,
): Promise<Extract<IssuedCredentials, { provider: P }>> {
  const { data } = await source.credentials.forHost(target);
  if (data.provider !== provider) throw new TypeError(`cloud connection ${data.connectionId} is a ${data.provider} connection, not ${provider}`);
  return data as Extract<IssuedCredentials, { provider: P }>;
}
