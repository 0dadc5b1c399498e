import { listen } from '../http/listen.js';
import type { ListeningFake } from '../http/listen.js';
import type { FakeService } from '../http/fake-service.js';
import { createFakeAzure } from './azure.js';
import type { FakeAzure, FakeAzureFederationOptions, FakeAzureOptions, FakeAzureWorld } from './azure.js';
import { createFakeAzureDns } from './azuredns.js';
import type { FakeAzureDns, FakeAzureDnsOptions } from './azuredns.js';
import { createFakeCloudDns } from './clouddns.js';
import type { FakeCloudDns, FakeCloudDnsOptions } from './clouddns.js';
import { createFakeCloudflare } from './cloudflare.js';
import type { FakeCloudflare, FakeCloudflareOptions } from './cloudflare.js';
import { createFakeGcp } from './gcp.js';
import type { FakeGcp, FakeGcpOptions, FakeGcpWorld } from './gcp.js';
import { createFakeRoute53 } from './route53.js';
import type { FakeRoute53 } from './route53.js';
import { createFakeSts } from './sts.js';
import type { FakeSts, FakeStsOptions } from './sts.js';

/**
 * Each fake on a real port of 127.0.0.1, for black-box tests and for SDK paths an in-process seam
 * cannot reach (TLS trust, socket timeouts). `close()` stops the listener(s).
 */

export type Listening<T extends FakeService> = T & ListeningFake;

async function serve<T extends FakeService>(fake: T, tls?: { key: string; cert: string }): Promise<Listening<T>> {
  const server = await listen(fake, tls ? { tls } : {});
  return Object.assign(fake, server);
}

export type ListeningSts = Listening<FakeSts>;
export type ListeningRoute53 = Listening<FakeRoute53>;
export type ListeningCloudflare = Listening<FakeCloudflare> & { readonly baseUrl: string };

export function startFakeSts(options: FakeStsOptions): Promise<ListeningSts> {
  return serve(createFakeSts(options));
}

export function startFakeRoute53(): Promise<ListeningRoute53> {
  return serve(createFakeRoute53());
}

/** Cloudflare on a port; `baseUrl` includes `/client/v4`, as the provider expects. */
export async function startFakeCloudflare(options: FakeCloudflareOptions = {}): Promise<ListeningCloudflare> {
  const fake = await serve(createFakeCloudflare(options));
  return Object.assign(fake, { baseUrl: `${fake.url}/client/v4` });
}

export type ListeningCloudDns = Listening<FakeCloudDns>;

/** Cloud DNS on a port; `url` is the provider's `baseUrl` (the `/dns/v1/…` paths go below it). */
export function startFakeCloudDns(options: FakeCloudDnsOptions = {}): Promise<ListeningCloudDns> {
  return serve(createFakeCloudDns(options));
}

export interface ListeningGcp {
  readonly sts: Listening<FakeService>;
  readonly iam: Listening<FakeService>;
  readonly rm: Listening<FakeService>;
  /** `token_url` for the connector: `<sts>/v1/token`. */
  readonly stsUrl: string;
  close(): Promise<void>;
}

/** STS, IAM Credentials and Resource Manager, each on its own port. */
export async function startFakeGcp(world: FakeGcpOptions | FakeGcpWorld): Promise<ListeningGcp & { readonly fake: FakeGcp }> {
  const fake = createFakeGcp(world);
  const [sts, iam, rm] = await Promise.all([serve(fake.sts), serve(fake.iam), serve(fake.rm)]);
  return { fake, sts, iam, rm, stsUrl: `${sts.url}/v1/token`, close: async () => void (await Promise.all([sts.close(), iam.close(), rm.close()])) };
}

export interface ListeningAzure {
  readonly entra: Listening<FakeService>;
  readonly arm: Listening<FakeService>;
  close(): Promise<void>;
}

/** Entra ID and ARM over https with the given certificate (@azure/identity refuses http). */
export async function startFakeAzure(
  options: (FakeAzureOptions | FakeAzureWorld) & { readonly tls: { readonly key: string; readonly cert: string }; readonly federation?: FakeAzureFederationOptions },
): Promise<ListeningAzure & { readonly fake: FakeAzure }> {
  const fake = createFakeAzure(options, options.federation);
  const [entra, arm] = await Promise.all([serve(fake.entra, options.tls), serve(fake.arm, options.tls)]);
  return { fake, entra, arm, close: async () => void (await Promise.all([entra.close(), arm.close()])) };
}

export type ListeningAzureDns = Listening<FakeAzureDns>;

/** Azure DNS (ARM) over https with the given certificate: the SDK sends bearer tokens over TLS only. */
export function startFakeAzureDns(options: FakeAzureDnsOptions & { readonly tls: { readonly key: string; readonly cert: string } }): Promise<ListeningAzureDns> {
  return serve(createFakeAzureDns(options), options.tls);
}
