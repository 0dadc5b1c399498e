import { describeDnsProviderConformance } from '@cloudlink/engine/testing';
import { sandboxDnsConformance } from '@cloudlink/sandbox';

// The real provider on global `fetch`, talking to the Cloud DNS fake on a port; the same
// provider through the sandbox's in-process seam runs in packages/sandbox/test.
describeDnsProviderConformance({ name: 'clouddns (real provider, Cloud DNS HTTP fake on a port)', create: sandboxDnsConformance('clouddns', 'port') });
