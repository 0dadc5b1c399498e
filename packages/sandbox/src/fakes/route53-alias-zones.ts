/**
 * The hosted zones of AWS service endpoints an alias may target, as data: the hosted-zone id and the
 * name suffixes that lie within it. Deliberately small (CloudFront, and S3 website, ALB/CLB and NLB
 * endpoints in a few regions): the fake refuses any other zone id, as Route 53 refuses a zone that
 * is not the endpoint's.
 */
export const AWS_ALIAS_ZONES: readonly { readonly hostedZoneId: string; readonly suffixes: readonly string[] }[] = [
  { hostedZoneId: 'Z2FDTNDATAQYW2', suffixes: ['cloudfront.net.'] },
  // S3 website endpoints (dash and dot forms), with or without the bucket name in front.
  { hostedZoneId: 'Z3AQBSTGFYJSTF', suffixes: ['s3-website-us-east-1.amazonaws.com.', 's3-website.us-east-1.amazonaws.com.'] },
  { hostedZoneId: 'Z3BJ6K6RIION7M', suffixes: ['s3-website-us-west-2.amazonaws.com.', 's3-website.us-west-2.amazonaws.com.'] },
  { hostedZoneId: 'Z1BKCTXD74EZPE', suffixes: ['s3-website-eu-west-1.amazonaws.com.', 's3-website.eu-west-1.amazonaws.com.'] },
  { hostedZoneId: 'Z21DNDUVLTQW6Q', suffixes: ['s3-website.eu-central-1.amazonaws.com.', 's3-website-eu-central-1.amazonaws.com.'] },
  // Application and Classic load balancers (`dualstack.` prefixed too).
  { hostedZoneId: 'Z35SXDOTRQ7X7K', suffixes: ['us-east-1.elb.amazonaws.com.'] },
  { hostedZoneId: 'Z1H1FL5HABSF5', suffixes: ['us-west-2.elb.amazonaws.com.'] },
  { hostedZoneId: 'Z32O12XQLNTSW2', suffixes: ['eu-west-1.elb.amazonaws.com.'] },
  { hostedZoneId: 'Z215JYRZR1TBD5', suffixes: ['eu-central-1.elb.amazonaws.com.'] },
  // Network load balancers.
  { hostedZoneId: 'Z26RNL4JYFTOTI', suffixes: ['elb.us-east-1.amazonaws.com.'] },
  { hostedZoneId: 'Z18D5FSROUN65G', suffixes: ['elb.us-west-2.amazonaws.com.'] },
  { hostedZoneId: 'Z2IFOLAFXWLO4F', suffixes: ['elb.eu-west-1.amazonaws.com.'] },
  { hostedZoneId: 'Z3F0SRJ5LGBH90', suffixes: ['elb.eu-central-1.amazonaws.com.'] },
];

/** Whether `name` (absolute, lower-case) lies within the AWS service zone `hostedZoneId`; undefined when the id is not one. */
export function withinServiceZone(hostedZoneId: string, name: string): boolean | undefined {
  const zone = AWS_ALIAS_ZONES.find((z) => z.hostedZoneId === hostedZoneId);
  return zone?.suffixes.some((suffix) => name === suffix || name.endsWith(`.${suffix}`));
}
