import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeDnsResolver } from './node-resolver.js';

/**
 * A tiny UDP DNS server on 127.0.0.1: TXT answers for known names, NXDOMAIN / SERVFAIL for the
 * marked ones, silence for `slow.test` (timeout). Enough of RFC 1035 for node's resolver.
 */
const ANSWERS: Record<string, string[][]> = {
  '_gateways_app.myapp.com': [['installed'], ['v=spf1', ' -all']],
};

function readName(buf: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let i = offset;
  while (buf[i] !== 0) {
    const len = buf[i] as number;
    labels.push(buf.subarray(i + 1, i + 1 + len).toString('ascii'));
    i += len + 1;
  }
  return { name: labels.join('.'), end: i + 1 };
}

/** Called when a `slow.test` query arrives (the lookup is then in flight, unanswered). */
let onSlowQuery: (() => void) | undefined;

function respond(query: Buffer): Buffer | null {
  const { name, end } = readName(query, 12);
  const question = query.subarray(12, end + 4);
  const lower = name.toLowerCase();
  if (lower === 'slow.test') {
    onSlowQuery?.();
    return null;
  }
  const answers = ANSWERS[lower];
  const rcode = lower === 'servfail.test' ? 2 : answers ? 0 : 3;
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  header.writeUInt16BE(0x8180 | rcode, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers?.length ?? 0, 6);
  const rrs = (answers ?? []).map((strings) => {
    const rdata = Buffer.concat(strings.map((s) => Buffer.concat([Buffer.from([s.length]), Buffer.from(s, 'ascii')])));
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(16, 0); // TXT
    fixed.writeUInt16BE(1, 2); // IN
    fixed.writeUInt32BE(60, 4);
    fixed.writeUInt16BE(rdata.length, 8);
    return Buffer.concat([Buffer.from([0xc0, 12]), fixed, rdata]);
  });
  return Buffer.concat([header, question, ...rrs]);
}

let server: Socket;
let address: string;

beforeAll(async () => {
  server = createSocket('udp4');
  server.on('message', (msg, rinfo) => {
    const reply = respond(msg);
    if (reply) server.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => server.bind(0, '127.0.0.1', () => r()));
  address = `127.0.0.1:${server.address().port}`;
});

afterAll(() => {
  server.close();
});

describe('createNodeDnsResolver', () => {
  it('returns TXT records as lists of strings', async () => {
    const resolver = createNodeDnsResolver({ servers: [address] });
    const txt = await resolver.resolveTxt('_gateways_app.myapp.com');
    expect(txt).toEqual([['installed'], ['v=spf1', ' -all']]);
  });

  it('NXDOMAIN, SERVFAIL and timeouts answer []', async () => {
    const resolver = createNodeDnsResolver({ servers: [address], timeoutMs: 200 });
    expect(await resolver.resolveTxt('missing.test')).toEqual([]);
    expect(await resolver.resolveTxt('servfail.test')).toEqual([]);
    const started = Date.now();
    expect(await resolver.resolveTxt('slow.test')).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('an aborted lookup answers []', async () => {
    const resolver = createNodeDnsResolver({ servers: [address], timeoutMs: 5000 });
    const controller = new AbortController();
    // Aborted once the query is on the wire, so the lookup in flight is the one cancelled.
    onSlowQuery = () => controller.abort();
    const started = Date.now();
    try {
      expect(await resolver.resolveTxt('slow.test', { signal: controller.signal })).toEqual([]);
    } finally {
      onSlowQuery = undefined;
    }
    expect(controller.signal.aborted).toBe(true);
    // Well before the 5 s timeout: the abort, not the timeout, ended it.
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
