import { expect, it } from 'vitest';
import { describeBackends } from '../harness/index.js';
import { errorBodyProblem, useFuzzWorld, type Exchange } from './guard.js';
import { KNOWN_DEFECTS } from './known-defects.js';

/**
 * Minimal reproductions of the defects the fuzzer found. Those still listed in known-defects.ts
 * fail until fixed (the fuzz properties meanwhile tolerate exactly their signature); once one
 * passes, delete its entry there so the fuzzer enforces it again. Fixed ones stay as regressions.
 */
describeBackends('fuzz: defects found by the fuzzer', (backend) => {
  const fuzz = useFuzzWorld(backend);

  const auth = () => ({ authorization: `Bearer ${fuzz.world().owner.token}` });

  /** Status and body of `x`, with no tolerance for known defects. */
  async function refusal(x: Exchange): Promise<{ status: number; problem: string | null }> {
    const reply = await fuzz.guard().exchange(x, { transport: 'rest', write: true, strict: true }).catch((e: Error) => {
      throw new Error(e.message.split('\n').slice(0, 5).join(' | '));
    });
    return { status: reply.status, problem: errorBodyProblem(reply.json) };
  }

  it('lists one reproduction per known defect', () => {
    expect(KNOWN_DEFECTS.map((d) => d.id).sort()).toEqual([]);
  });

  it.each(['/api/workspaces/%ZZ', '/api/workspaces/acme/members/%', '/api/projects/shop/connect-cloud/%E0%A4%A', '/api/%/master/dns'])(
    'fixed: a malformed percent-escape in a path parameter (%s) answers 400, not 500',
    async (path) => {
      const method = path.includes('connect-cloud') ? 'PATCH' : 'GET';
      expect(await refusal({ method, path, headers: auth() })).toEqual({ status: 400, problem: null });
    },
  );

  it.each([
    { method: 'GET', path: '/api/workspaces/acme%00' },
    { method: 'GET', path: '/api/shop/master%00/dns' },
    { method: 'GET', path: '/api/shop/master/resources?region=%00' },
    { method: 'POST', path: '/api/workspaces', body: '{"name":"a\\u0000b"}' },
    { method: 'POST', path: '/api/shop/master/dns', body: '{"name":"a\\u0000b","domainName":"nul.example"}' },
    { method: 'POST', path: '/api/workspaces/acme/members', body: '{"email":"x\\u0000@example.com","role":"dev"}' },
  ])('fixed: a NUL character anywhere in the input ($method $path $body) answers 400 naming the field', async ({ method, path, body }) => {
    const x: Exchange = { method, path, headers: { ...auth(), ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: Buffer.from(body) } : {}) };
    // Postgres text cannot hold U+0000 (it answered 500) and SQLite silently stored it: refused on both.
    expect(await refusal(x)).toEqual({ status: 400, problem: null });
  });
});
