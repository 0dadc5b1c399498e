import { MAX_NAME_LENGTH } from './limits.js';

/**
 * The AWS endpoints a Route 53 alias record can point at without the caller knowing their hosted-zone
 * ids (docs/records.md#alias-items, docs/resources.md#dns-targets): each is written as data, per region,
 * as AWS publishes it ("Amazon S3 website endpoints" and "Elastic Load Balancing endpoints and
 * quotas" in the AWS General Reference). A name is recognised by splitting it into labels — no
 * pattern runs on the whole name — so the work is linear in its (capped) length.
 */

export type AwsAliasService = 's3-website' | 'cloudfront' | 'elb' | 'nlb';

/** Every CloudFront distribution (`*.cloudfront.net`) answers in this one zone. */
export const CLOUDFRONT_HOSTED_ZONE_ID = 'Z2FDTNDATAQYW2';

/** S3 website endpoints (`s3-website-<region>` and `s3-website.<region>`). */
const S3_WEBSITE_ZONES: Readonly<Record<string, string>> = {
  'us-east-1': 'Z3AQBSTGFYJSTF',
  'us-east-2': 'Z2O1EMRO9K5GLX',
  'us-west-1': 'Z2F56UZL2M1ACD',
  'us-west-2': 'Z3BJ6K6RIION7M',
  'af-south-1': 'Z83WF9RJE8B12',
  'ap-east-1': 'ZNB98KWMFR0R6',
  'ap-east-2': 'Z064739330DAH7WJVOO93',
  'ap-northeast-1': 'Z2M4EHUR26P7ZW',
  'ap-northeast-2': 'Z3W03O7B5YMIYP',
  'ap-northeast-3': 'Z2YQB5RD63NC85',
  'ap-south-1': 'Z11RGJOFQNVJUP',
  'ap-south-2': 'Z02976202B4EZMXIPMXF7',
  'ap-southeast-1': 'Z3O0J2DXBE1FTB',
  'ap-southeast-2': 'Z1WCIGYICN2BYD',
  'ap-southeast-3': 'Z01846753K324LI26A3VV',
  'ap-southeast-4': 'Z0312387243XT5FE14WFO',
  'ap-southeast-5': 'Z08660063OXLMA7F1FJHU',
  'ap-southeast-6': 'Z05686083R66JX5C163TC',
  'ap-southeast-7': 'Z0031014GXUMRZG6I14G',
  'ca-central-1': 'Z1QDHH18159H29',
  'ca-west-1': 'Z03565811Z33SLEZTHOUL',
  'eu-central-1': 'Z21DNDUVLTQW6Q',
  'eu-central-2': 'Z030506016YDQGETNASS',
  'eu-north-1': 'Z3BAZG2TWCNX0D',
  'eu-south-1': 'Z30OZKI7KPW7MI',
  'eu-south-2': 'Z0081959F7139GRJC19J',
  'eu-west-1': 'Z1BKCTXD74EZPE',
  'eu-west-2': 'Z3GKZC51ZF0DB4',
  'eu-west-3': 'Z3R1K369G5AVDG',
  'il-central-1': 'Z09640613K4A3MN55U7GU',
  'me-central-1': 'Z06143092I8HRXZRUZROF',
  'me-south-1': 'Z1MPMWCPA7YB62',
  'mx-central-1': 'Z057606446ZNVQJJ8WOP',
  'sa-east-1': 'Z7KQH4QJS55SO',
  'us-gov-east-1': 'Z2NIFVYYW2VKV1',
  'us-gov-west-1': 'Z31GFT0UA1I2HV',
};

/** Application and Classic load balancers (`<name>.<region>.elb.amazonaws.com`). */
const ELB_ZONES: Readonly<Record<string, string>> = {
  'us-east-1': 'Z35SXDOTRQ7X7K',
  'us-east-2': 'Z3AADJGX6KTTL2',
  'us-west-1': 'Z368ELLRRE2KJ0',
  'us-west-2': 'Z1H1FL5HABSF5',
  'af-south-1': 'Z268VQBMOI5EKX',
  'ap-east-1': 'Z3DQVH9N71FHZ0',
  'ap-east-2': 'Z02789141MW7T1WBU19PO',
  'ap-northeast-1': 'Z14GRHDCWA56QT',
  'ap-northeast-2': 'ZWKZPGTI48KDX',
  'ap-northeast-3': 'Z5LXEXXYW11ES',
  'ap-south-1': 'ZP97RAFLXTNZK',
  'ap-south-2': 'Z0173938T07WNTVAEPZN',
  'ap-southeast-1': 'Z1LMS91P8CMLE5',
  'ap-southeast-2': 'Z1GM3OXH4ZPM65',
  'ap-southeast-3': 'Z08888821HLRG5A9ZRTER',
  'ap-southeast-4': 'Z09517862IB2WZLPXG76F',
  'ap-southeast-5': 'Z06010284QMVVW7WO5J',
  'ap-southeast-6': 'Z023301818UFJ50CIO0MV',
  'ap-southeast-7': 'Z0390008CMBRTHFGWBCB',
  'ca-central-1': 'ZQSVJUPU6J1EY',
  'ca-west-1': 'Z06473681N0SF6OS049SD',
  'eu-central-1': 'Z215JYRZR1TBD5',
  'eu-central-2': 'Z06391101F2ZOEP8P5EB3',
  'eu-north-1': 'Z23TAZ6LKFMNIO',
  'eu-south-1': 'Z3ULH7SSC9OV64',
  'eu-south-2': 'Z0956581394HF5D5LXGAP',
  'eu-west-1': 'Z32O12XQLNTSW2',
  'eu-west-2': 'ZHURV8PSTC4K8',
  'eu-west-3': 'Z3Q77PNBQS71R4',
  'il-central-1': 'Z09170902867EHPV2DABU',
  'me-central-1': 'Z08230872XQRWHG2XF6I',
  'me-south-1': 'ZS929ML54UICD',
  'mx-central-1': 'Z023552324OKD1BB28BH5',
  'sa-east-1': 'Z2P70J7HTTTPLU',
  'us-gov-east-1': 'Z166TLBEWOO7G0',
  'us-gov-west-1': 'Z33AYJ8TM3BH4J',
};

/** Network load balancers (`<name>.elb.<region>.amazonaws.com`). */
const NLB_ZONES: Readonly<Record<string, string>> = {
  'us-east-1': 'Z26RNL4JYFTOTI',
  'us-east-2': 'ZLMOA37VPKANP',
  'us-west-1': 'Z24FKFUX50B4VW',
  'us-west-2': 'Z18D5FSROUN65G',
  'af-south-1': 'Z203XCE67M25HM',
  'ap-east-1': 'Z12Y7K3UBGUAD1',
  'ap-east-2': 'Z09176273OC2HWIAUNYW',
  'ap-northeast-1': 'Z31USIVHYNEOWT',
  'ap-northeast-2': 'ZIBE1TIR4HY56',
  'ap-northeast-3': 'Z1GWIQ4HH19I5X',
  'ap-south-1': 'ZVDDRBQ08TROA',
  'ap-south-2': 'Z0711778386UTO08407HT',
  'ap-southeast-1': 'ZKVM4W9LS7TM',
  'ap-southeast-2': 'ZCT6FZBF4DROD',
  'ap-southeast-3': 'Z01971771FYVNCOVWJU1G',
  'ap-southeast-4': 'Z01156963G8MIIL7X90IV',
  'ap-southeast-5': 'Z026317210H9ACVTRO6FB',
  'ap-southeast-6': 'Z01392953RKV2Q3RBP0KU',
  'ap-southeast-7': 'Z054363131YWATEMWRG5L',
  'ca-central-1': 'Z2EPGBW3API2WT',
  'ca-west-1': 'Z02754302KBB00W2LKWZ9',
  'eu-central-1': 'Z3F0SRJ5LGBH90',
  'eu-central-2': 'Z02239872DOALSIDCX66S',
  'eu-north-1': 'Z1UDT6IFJ4EJM',
  'eu-south-1': 'Z23146JA1KNAFP',
  'eu-south-2': 'Z1011216NVTVYADP1SSV',
  'eu-west-1': 'Z2IFOLAFXWLO4F',
  'eu-west-2': 'ZD4D7Y8KGAS4G',
  'eu-west-3': 'Z1CMS0P5QUZ6D5',
  'il-central-1': 'Z0313266YDI6ZRHTGQY4',
  'me-central-1': 'Z00282643NTTLPANJJG2P',
  'me-south-1': 'Z3QSRYVP46NYYV',
  'mx-central-1': 'Z02031231H3ID6HYJ9A7U',
  'sa-east-1': 'ZTK26PT1VY4CU',
  'us-gov-east-1': 'Z1ZSMQQ6Q24QQ8',
  'us-gov-west-1': 'ZMG1MZ2THAWF1',
};

/** Hosted-zone ids are short; a longer input is reported without comparing it to anything. */
export const MAX_HOSTED_ZONE_ID_LENGTH = 32;

export type AwsAliasTargetResult =
  | {
      readonly ok: true;
      /** Lower-case, absolute (trailing dot): the form Route 53 lists an alias target in. */
      readonly dnsName: string;
      readonly hostedZoneId: string;
      readonly service: AwsAliasService;
      /** Null for CloudFront (global). */
      readonly region: string | null;
    }
  | {
      readonly ok: false;
      /** Which input is wrong, so the caller names its path (`….dnsName` or `….hostedZoneId`). */
      readonly field: 'dnsName' | 'hostedZoneId';
      /** The problem, without the field path. */
      readonly message: string;
    };

type Endpoint = { service: AwsAliasService; region: string | null; hostedZoneId: string };

const LABEL = /^[a-z0-9-]{1,63}$/;
const isLabel = (label: string): boolean => LABEL.test(label) && !label.startsWith('-') && !label.endsWith('-');
const regionIn = (table: Readonly<Record<string, string>>, region: string | undefined): string | undefined =>
  region !== undefined && Object.hasOwn(table, region) ? table[region] : undefined;

/** A load balancer's own part: its name, optionally behind `dualstack.`. */
const lbNamePart = (labels: readonly string[]): boolean =>
  labels.length === 1 || (labels.length === 2 && labels[0] === 'dualstack');

/** `labels` without `amazonaws.com` at the end: which endpoint they name, or null. */
function awsEndpoint(labels: readonly string[]): Endpoint | null {
  const n = labels.length;
  const last = labels[n - 1];
  // Any bucket name (dots included) may stand in front of an S3 website endpoint, or none.
  if (last?.startsWith('s3-website-')) {
    const region = last.slice('s3-website-'.length);
    const id = regionIn(S3_WEBSITE_ZONES, region);
    return id ? { service: 's3-website', region, hostedZoneId: id } : null;
  }
  if (labels[n - 2] === 's3-website') {
    const id = regionIn(S3_WEBSITE_ZONES, last);
    return id ? { service: 's3-website', region: last!, hostedZoneId: id } : null;
  }
  if (last === 'elb' && lbNamePart(labels.slice(0, -2))) {
    const region = labels[n - 2];
    const id = regionIn(ELB_ZONES, region);
    return id ? { service: 'elb', region: region!, hostedZoneId: id } : null;
  }
  if (labels[n - 2] === 'elb' && lbNamePart(labels.slice(0, -2))) {
    const id = regionIn(NLB_ZONES, last);
    return id ? { service: 'nlb', region: last!, hostedZoneId: id } : null;
  }
  return null;
}

function describe(endpoint: Endpoint): string {
  switch (endpoint.service) {
    case 'cloudfront':
      return 'a CloudFront distribution';
    case 's3-website':
      return `an S3 website endpoint in ${endpoint.region}`;
    case 'elb':
      return `a load balancer in ${endpoint.region}`;
    case 'nlb':
      return `a network load balancer in ${endpoint.region}`;
  }
}

/** The endpoint `name` (lower-case, no trailing dot) names, or null. */
function endpointOf(name: string): Endpoint | null {
  const labels = name.split('.');
  if (!labels.every(isLabel)) return null;
  const n = labels.length;
  if (n === 3 && labels[1] === 'cloudfront' && labels[2] === 'net') {
    return { service: 'cloudfront', region: null, hostedZoneId: CLOUDFRONT_HOSTED_ZONE_ID };
  }
  if (n < 3 || labels[n - 2] !== 'amazonaws' || labels[n - 1] !== 'com') return null;
  return awsEndpoint(labels.slice(0, -2));
}

/**
 * The AWS endpoint `dnsName` names and the hosted-zone id that belongs to it. `dnsName` is
 * compared case-insensitively, trailing dot optional. A given `hostedZoneId` must equal the table's
 * (`must be Z35SXDOTRQ7X7K for a load balancer in us-east-1`).
 */
export function awsAliasTarget(dnsName: string, hostedZoneId?: string): AwsAliasTargetResult {
  const unknown = {
    ok: false as const,
    field: 'dnsName' as const,
    message: 'must be an S3 website endpoint, a CloudFront distribution or an Elastic Load Balancing load balancer with a known hosted zone',
  };
  // The cap comes before anything reads the name: a longer input cannot be a DNS name.
  if (dnsName.length > MAX_NAME_LENGTH + 1) return unknown;
  const name = (dnsName.endsWith('.') ? dnsName.slice(0, -1) : dnsName).toLowerCase();
  const endpoint = endpointOf(name);
  if (endpoint === null) return unknown;
  if (hostedZoneId !== undefined) {
    const given = hostedZoneId.length > MAX_HOSTED_ZONE_ID_LENGTH ? null : hostedZoneId.toUpperCase();
    if (given !== endpoint.hostedZoneId) {
      return { ok: false, field: 'hostedZoneId', message: `must be ${endpoint.hostedZoneId} for ${describe(endpoint)}` };
    }
  }
  return { ok: true, dnsName: `${name}.`, hostedZoneId: endpoint.hostedZoneId, service: endpoint.service, region: endpoint.region };
}
