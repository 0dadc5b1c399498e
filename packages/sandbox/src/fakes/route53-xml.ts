import { xml } from '../http/fake-service.js';
import type { FakeReply } from '../http/fake-service.js';
import { listedName } from './route53-zone.js';
import type { FakeRrset, FakeZone, Route53FakeError } from './route53-zone.js';

/** Route 53's REST-XML: reading the request documents and writing the answers, as the service does. */

const NS = 'https://route53.amazonaws.com/doc/2013-04-01/';

export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
export const unesc = (s: string): string =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
export const tag = (body: string, name: string): string | undefined => {
  const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(body);
  return m?.[1] === undefined ? undefined : unesc(m[1]);
};
export const all = (body: string, name: string): string[] => [...body.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'g'))].map((m) => m[1] ?? '');

/** The AliasTarget of a change, when it has one. */
export function aliasOf(inner: string | undefined): Pick<FakeRrset, 'aliasTarget'> {
  if (inner === undefined) return {};
  return {
    aliasTarget: { hostedZoneId: tag(inner, 'HostedZoneId') ?? '', dnsName: tag(inner, 'DNSName') ?? '', evaluateTargetHealth: tag(inner, 'EvaluateTargetHealth') === 'true' },
  };
}

export const doc = (status: number, root: string, inner: string, headers: Record<string, string> = {}): FakeReply =>
  xml(status, `<?xml version="1.0"?>\n<${root} xmlns="${NS}">${inner}</${root}>`, headers);

export const errorXml = (e: Route53FakeError): FakeReply =>
  doc(e.status, 'ErrorResponse', `<Error><Type>Sender</Type><Code>${e.code}</Code><Message>${esc(e.message)}</Message></Error><RequestId>fake</RequestId>`);

export function rrsetXml(r: FakeRrset): string {
  const routing = `${r.setIdentifier ? `<SetIdentifier>${esc(r.setIdentifier)}</SetIdentifier>` : ''}${r.weight !== undefined ? `<Weight>${r.weight}</Weight>` : ''}`;
  const body = r.aliasTarget
    ? `<AliasTarget><HostedZoneId>${r.aliasTarget.hostedZoneId}</HostedZoneId><DNSName>${esc(r.aliasTarget.dnsName)}</DNSName><EvaluateTargetHealth>${r.aliasTarget.evaluateTargetHealth}</EvaluateTargetHealth></AliasTarget>`
    : `<TTL>${r.ttl ?? 300}</TTL><ResourceRecords>${r.values.map((v) => `<ResourceRecord><Value>${esc(v)}</Value></ResourceRecord>`).join('')}</ResourceRecords>`;
  return `<ResourceRecordSet><Name>${esc(listedName(r.name))}</Name><Type>${r.type}</Type>${routing}${body}</ResourceRecordSet>`;
}

export function zoneXml(z: FakeZone): string {
  const config = `<Config>${z.comment !== undefined ? `<Comment>${esc(z.comment)}</Comment>` : ''}<PrivateZone>${z.privateZone === true}</PrivateZone></Config>`;
  return `<HostedZone><Id>/hostedzone/${z.id}</Id><Name>${z.name}</Name><CallerReference>${esc(z.callerReference)}</CallerReference>${config}<ResourceRecordSetCount>${z.rrsets.size}</ResourceRecordSetCount></HostedZone>`;
}

export const delegationXml = (z: FakeZone): string =>
  `<DelegationSet><NameServers>${z.nameServers.map((n) => `<NameServer>${n}</NameServer>`).join('')}</NameServers></DelegationSet>`;
