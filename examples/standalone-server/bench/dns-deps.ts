/**
 * What the DNS benchmarks (scripts/bench/dns-writes.ts, scripts/bench/zone-sync.ts) use from the
 * workspace beside deps.ts: the real AWS providers, the sandbox's Route 53 and STS fakes on ports,
 * and the AWS SDK for the baselines. The root has no dependency on these packages, so they resolve
 * from this package.
 */
export { createAwsConnector, createRoute53Provider, planChangeBatches } from '@cloudlink/providers/aws';
export { startFakeRoute53, startFakeSts } from '@cloudlink/sandbox';
export type { FakeRrset, ListeningRoute53, ListeningSts } from '@cloudlink/sandbox';
export {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
export type { Change, ResourceRecordSet, RRType } from '@aws-sdk/client-route-53';
