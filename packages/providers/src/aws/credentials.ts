import { issueFor } from '../shared/credentials-source.js';
import type { CloudlinkCredentialsTarget, CredentialsSource } from '../shared/credentials-source.js';

/** The AWS SDK v3 credential identity (structurally `AwsCredentialIdentity` of `@aws-sdk/types`). */
export interface CloudlinkAwsIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration: Date;
}

/**
 * An AWS SDK v3 `credentials` provider for a connection: `new EC2Client({ region, credentials:
 * fromCloudlink(engine, { workspaceId, connectionId, purpose: 'inventory' }) })`. The SDK calls it again
 * when `expiration` is within 5 minutes; the engine hands out cached credentials until then and a fresh
 * AssumeRole session after, so neither side holds stale credentials. A connection that is no longer
 * `connected` makes the SDK call fail with the engine's 409 `Cloud connection not connected`.
 */
export function fromCloudlink(source: CredentialsSource, target: CloudlinkCredentialsTarget): () => Promise<CloudlinkAwsIdentity> {
  return async () => {
    const c = await issueFor(source, target, 'aws');
    return {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
      expiration: new Date(c.expiresAt),
    };
  };
}
