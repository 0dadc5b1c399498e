import type { Storage, StorageTx } from '@cloudlink/engine';

/** Storage calls seen by a {@link countingStorage}: `repo.method` names, in call order. */
export interface StorageCalls {
  readonly calls: string[];
  /** How many calls whose name matches. */
  count(match?: RegExp): number;
  reset(): void;
}

const REPOS = ['users', 'plans', 'workspaces', 'members', 'projects', 'environments', 'connections', 'resources', 'dnsRecords', 'oidcKeys', 'scopes'] as const;

/**
 * A Storage that records every repository call (inside transactions too) before passing it on:
 * what a test counts to prove the work of a request is bounded, without timing anything.
 * `override` replaces single methods (`'workspaces.createWorkspace'`) to play an adversary.
 */
export function countingStorage(inner: Storage, override: Record<string, (...args: never[]) => unknown> = {}): { storage: Storage } & StorageCalls {
  const calls: string[] = [];
  const wrapRepo = (name: string, repo: object) =>
    new Proxy(repo, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        const key = `${name}.${prop}`;
        return (...args: unknown[]) => {
          calls.push(key);
          const replacement = override[key] as ((...a: unknown[]) => unknown) | undefined;
          return replacement ? replacement(...args) : (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const wrapTx = <T extends StorageTx>(tx: T): T =>
    new Proxy(tx, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof prop === 'string' && (REPOS as readonly string[]).includes(prop)) return wrapRepo(prop, value as object);
        if (prop === 'transaction') {
          return <R>(fn: (inner: StorageTx) => Promise<R>) => {
            calls.push('transaction');
            return (target as unknown as Storage).transaction((t: StorageTx) => fn(wrapTx(t)));
          };
        }
        if (prop === 'lockWorkspace') {
          return (id: number) => {
            calls.push('lockWorkspace');
            return target.lockWorkspace(id);
          };
        }
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }) as T;
  return {
    storage: wrapTx(inner as Storage & StorageTx) as Storage,
    calls,
    count: (match) => (match ? calls.filter((c) => match.test(c)).length : calls.length),
    reset: () => calls.splice(0, calls.length),
  };
}
