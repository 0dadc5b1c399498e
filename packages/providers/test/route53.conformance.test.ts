import { describeDnsProviderConformance } from '@cloudlink/engine/testing';
import { sandboxDnsConformance } from '@cloudlink/sandbox';

// The real provider on the SDK's own HTTP stack, talking to the Route 53 fake on a port; the
// same provider through the sandbox's in-process seam runs in packages/sandbox/test.
describeDnsProviderConformance({ name: 'route53 (real provider, Route 53 HTTP fake on a port)', create: sandboxDnsConformance('route53', 'port') });
