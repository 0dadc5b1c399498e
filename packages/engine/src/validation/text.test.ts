import { describe, expect, it } from 'vitest';
import { workRatio } from '../../../../test-support/work.js';
import { slugify } from '../domain/slug.js';
import { trimTrailingSlashes } from './text.js';

describe('trimTrailingSlashes', () => {
  it.each([
    ['https://a.example/api///', 'https://a.example/api'],
    ['https://a.example', 'https://a.example'],
    ['///', ''],
    ['', ''],
  ])('%s → %s', (input, out) => expect(trimTrailingSlashes(input)).toBe(out));

  it('work grows linearly with a run of slashes that does not end the text', () => {
    // `/\/+$/` rescanned the run from each slash: 10× the input cost 100×.
    expect(workRatio((n: number) => trimTrailingSlashes(`${'/'.repeat(n)}x`), 2_000, 20_000)).toBeLessThan(25);
  });
});

describe('slugify', () => {
  it.each([
    ['--Acme--Corp--', 'acme-corp'],
    ['-', 'untitled'],
    [' _a_ ', 'a'],
  ])('%s → %s', (input, out) => expect(slugify(input)).toBe(out));

  it('work grows linearly with runs of hyphens', () => {
    expect(workRatio((n: number) => slugify(`${'-'.repeat(n)}a${'-'.repeat(n)}`), 2_000, 20_000)).toBeLessThan(25);
  });
});
