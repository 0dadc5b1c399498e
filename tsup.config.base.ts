import type { Options } from 'tsup';

/** Shared build: ESM + CJS + .d.ts for every published package. */
export function packageBuild(entry: Record<string, string>, extra: Partial<Options> = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    splitting: false,
    ...extra,
  };
}
