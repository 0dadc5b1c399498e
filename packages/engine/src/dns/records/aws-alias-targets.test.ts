import { describe, expect, it } from 'vitest';
import { awsAliasTarget, CLOUDFRONT_HOSTED_ZONE_ID } from './aws-alias-targets.js';

describe('awsAliasTarget: the endpoint and its hosted-zone id', () => {
  it('S3 website endpoints, dash and dot forms, with or without a bucket (dots allowed) in front', () => {
    expect(awsAliasTarget('s3-website-us-east-1.amazonaws.com')).toEqual({
      ok: true,
      dnsName: 's3-website-us-east-1.amazonaws.com.',
      hostedZoneId: 'Z3AQBSTGFYJSTF',
      service: 's3-website',
      region: 'us-east-1',
    });
    expect(awsAliasTarget('my-bucket.s3-website.eu-central-1.amazonaws.com')).toMatchObject({ ok: true, hostedZoneId: 'Z21DNDUVLTQW6Q', region: 'eu-central-1' });
    expect(awsAliasTarget('www.example.com.s3-website-us-west-2.amazonaws.com.')).toMatchObject({ ok: true, hostedZoneId: 'Z3BJ6K6RIION7M' });
    expect(awsAliasTarget('b.s3-website.us-east-2.amazonaws.com')).toMatchObject({ ok: true, hostedZoneId: 'Z2O1EMRO9K5GLX' });
    expect(awsAliasTarget('b.s3-website.ap-southeast-2.amazonaws.com')).toMatchObject({ ok: true, hostedZoneId: 'Z1WCIGYICN2BYD' });
  });

  it('CloudFront distributions: one zone everywhere', () => {
    expect(awsAliasTarget('d111111abcdef8.cloudfront.net')).toEqual({
      ok: true,
      dnsName: 'd111111abcdef8.cloudfront.net.',
      hostedZoneId: CLOUDFRONT_HOSTED_ZONE_ID,
      service: 'cloudfront',
      region: null,
    });
    expect(CLOUDFRONT_HOSTED_ZONE_ID).toBe('Z2FDTNDATAQYW2');
    expect(awsAliasTarget('a.b.cloudfront.net').ok).toBe(false);
  });

  it('Application/Classic load balancers, dualstack prefix too; network load balancers by their own zone', () => {
    expect(awsAliasTarget('my-alb-1234.us-east-1.elb.amazonaws.com')).toMatchObject({ ok: true, service: 'elb', hostedZoneId: 'Z35SXDOTRQ7X7K' });
    expect(awsAliasTarget('dualstack.My-ALB-1234.EU-WEST-1.elb.amazonaws.com.')).toMatchObject({
      ok: true,
      dnsName: 'dualstack.my-alb-1234.eu-west-1.elb.amazonaws.com.',
      hostedZoneId: 'Z32O12XQLNTSW2',
    });
    expect(awsAliasTarget('internal-api-99.eu-north-1.elb.amazonaws.com')).toMatchObject({ ok: true, hostedZoneId: 'Z23TAZ6LKFMNIO' });
    expect(awsAliasTarget('my-nlb-abc.elb.us-east-1.amazonaws.com')).toMatchObject({ ok: true, service: 'nlb', hostedZoneId: 'Z26RNL4JYFTOTI' });
    expect(awsAliasTarget('my-nlb-abc.elb.eu-central-1.amazonaws.com')).toMatchObject({ ok: true, hostedZoneId: 'Z3F0SRJ5LGBH90' });
  });

  it('a given hostedZoneId must be the one of the endpoint (case-insensitive), named with service and region', () => {
    expect(awsAliasTarget('my-alb-1234.us-east-1.elb.amazonaws.com', 'Z35SXDOTRQ7X7K').ok).toBe(true);
    expect(awsAliasTarget('my-alb-1234.us-east-1.elb.amazonaws.com', 'z35sxdotrq7x7k').ok).toBe(true);
    expect(awsAliasTarget('my-alb-1234.us-east-1.elb.amazonaws.com', 'Z26RNL4JYFTOTI')).toEqual({
      ok: false,
      field: 'hostedZoneId',
      message: 'must be Z35SXDOTRQ7X7K for a load balancer in us-east-1',
    });
    expect(awsAliasTarget('x.elb.us-west-2.amazonaws.com', 'Z1H1FL5HABSF5')).toMatchObject({
      message: 'must be Z18D5FSROUN65G for a network load balancer in us-west-2',
    });
    expect(awsAliasTarget('b.s3-website-eu-west-1.amazonaws.com', 'Z1')).toMatchObject({ message: 'must be Z1BKCTXD74EZPE for an S3 website endpoint in eu-west-1' });
    expect(awsAliasTarget('d1.cloudfront.net', 'Z1BKCTXD74EZPE')).toMatchObject({ message: 'must be Z2FDTNDATAQYW2 for a CloudFront distribution' });
    expect(awsAliasTarget('d1.cloudfront.net', 'Z'.repeat(10_000))).toMatchObject({ field: 'hostedZoneId' });
  });

  it('anything else is refused, naming dnsName', () => {
    for (const name of [
      '',
      '.',
      'example.com',
      'amazonaws.com',
      's3-website-mars-1.amazonaws.com',
      'b.s3-website.mars-1.amazonaws.com',
      'us-east-1.elb.amazonaws.com',
      'a.b.us-east-1.elb.amazonaws.com',
      'x.elb.mars-1.amazonaws.com',
      'x.us-east-1.elb.amazonaws.com.evil.example',
      'x..us-east-1.elb.amazonaws.com',
      '-x.us-east-1.elb.amazonaws.com',
      'x_y.us-east-1.elb.amazonaws.com',
      'constructor.elb.amazonaws.com',
      'x.elb.__proto__.amazonaws.com',
      'b.s3-website-toString.amazonaws.com',
    ]) {
      expect(awsAliasTarget(name), name).toMatchObject({ ok: false, field: 'dnsName' });
    }
  });

  it('an over-long name is refused before any label is read; long inputs stay linear', () => {
    const long = `${'a.'.repeat(200)}us-east-1.elb.amazonaws.com`;
    expect(awsAliasTarget(long)).toMatchObject({ ok: false, field: 'dnsName' });
    const huge = 'a'.repeat(5_000_000);
    const start = performance.now();
    expect(awsAliasTarget(huge).ok).toBe(false);
    expect(awsAliasTarget(`${'a-'.repeat(100)}.elb.us-east-1.amazonaws.com`).ok).toBe(false);
    expect(performance.now() - start).toBeLessThan(100);
  });
});
