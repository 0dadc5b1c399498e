import { describeDnsProviderConformance } from '@cloudlink/engine/testing';
import { sandboxDnsConformance } from '@cloudlink/sandbox';

// The real provider on global `fetch`, talking to the Cloudflare fake on a port; the same
// provider through the sandbox's in-process seam runs in packages/sandbox/test.
describeDnsProviderConformance({ name: 'cloudflare (real provider, Cloudflare HTTP fake on a port)', create: sandboxDnsConformance('cloudflare', 'port') });
