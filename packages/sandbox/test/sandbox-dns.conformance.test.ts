import { describeDnsProviderConformance } from '@cloudlink/engine/testing';
import { sandboxDnsConformance } from '../src/index.js';

/**
 * The DNS provider conformance suite on the sandbox itself: the real Route 53, Cloudflare and Azure DNS
 * providers reaching the fakes in-process (no socket), exactly as sandbox mode wires them.
 * The providers' own runners (packages/providers/test) run the same suite over a port.
 */
describeDnsProviderConformance({ name: 'route53 (sandbox: real provider, in-process fake)', create: sandboxDnsConformance('route53', 'in-process') });
describeDnsProviderConformance({ name: 'cloudflare (sandbox: real provider, in-process fake)', create: sandboxDnsConformance('cloudflare', 'in-process') });
describeDnsProviderConformance({ name: 'clouddns (sandbox: real provider, in-process fake, token through the fake WIF chain)', create: sandboxDnsConformance('clouddns', 'in-process') });
describeDnsProviderConformance({ name: 'azuredns (sandbox: real provider, in-process fake)', create: sandboxDnsConformance('azuredns', 'in-process') });
