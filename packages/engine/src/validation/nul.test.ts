import { describe, expect, it } from 'vitest';
import { findNulCharacter, refuseNulCharacters } from './nul.js';

describe('findNulCharacter', () => {
  it('names the first string holding U+0000 with the documented path form', () => {
    expect(findNulCharacter({ name: 'ok', records: [{ values: ['a', 'b\u0000c'] }] })).toBe('records[0].values[1]');
    expect(findNulCharacter('x\u0000')).toBe('body');
    expect(findNulCharacter({ a: 1, b: [true, null, 'fine'] })).toBeNull();
  });

  it('walks a 100 000-level nesting without overflowing the stack', () => {
    let deep: unknown = 'leaf\u0000';
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(findNulCharacter(deep)).toMatch(/^a(?:\.a)+$/);
  });
});

describe('refuseNulCharacters', () => {
  it('refuses before the operation runs, and passes clean input through', async () => {
    let calls = 0;
    const groups = refuseNulCharacters({ g: { op: async (_actor: unknown, input: { name: string }) => (calls++, input.name) } });
    await expect(groups.g.op({ userId: 1 }, { name: 'ok' })).resolves.toBe('ok');
    await expect(groups.g.op({ userId: 1 }, { name: 'a\u0000b' })).rejects.toThrow(expect.objectContaining({ code: 'VALIDATION', message: 'name: must not contain NUL characters' }));
    expect(calls).toBe(1);
  });
});
