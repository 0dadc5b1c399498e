import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isProviderCallError, type ProviderCallError } from '../../../ports/provider-error.js';

/** The failures the suite makes the provider answer, on the first call of the connector's flow. */
export interface ConnectorFaults {
  /** The next `times` calls (default 1) are throttled, with this Retry-After in seconds. */
  throttleNext(retryAfterSeconds: number, times?: number): void;
  /** The next `times` calls (default 1) answer 503: the provider is down. */
  failNext(times?: number): void;
}

/** One connector under test, in a world the runner set up (its accounts, roles, pools, apps). */
export interface ConnectorUnderTest<C, W> {
  readonly connector: C;
  /** What the runner's world holds: the inputs that succeed and what they must give back. */
  readonly world: W;
  readonly faults: ConnectorFaults;
  /** Every retry wait the connector's clock was asked for, in ms, in order. */
  readonly sleeps: readonly number[];
  /** The Retry-After, in seconds, above which the connector gives up at once. */
  readonly maxRetryAfterSeconds: number;
  close?(): Promise<void>;
}

export type CreateConnector<C, W> = () => Promise<ConnectorUnderTest<C, W>>;

/** What a cloud's suite tells the shared cases: the call that succeeds, and the calls the world refuses. */
export interface ConnectorContract<C, W> {
  /** Runs the connector's successful flow and checks what it returned. */
  succeed(under: ConnectorUnderTest<C, W>): Promise<void>;
  /** Calls the customer's setup refuses (a test verdict, not an outage), each with why. */
  refusals(under: ConnectorUnderTest<C, W>): readonly { readonly why: string; readonly call: () => Promise<unknown> }[];
}

async function providerFailure(promise: Promise<unknown>): Promise<ProviderCallError> {
  const outcome = await promise.then(
    () => new Error('expected a ProviderCallError, but the call succeeded'),
    (e: unknown) => e,
  );
  if (!isProviderCallError(outcome)) throw outcome;
  return outcome;
}

/**
 * The cases every connector shares: success, refusal (`refused` with the provider's reason, never
 * retried: the engine turns it into a failed verdict), an outage (retried, then `transient`), and
 * throttling (Retry-After waited out, or `throttled` when it is too long).
 */
export function describeConnectorContract<C, W>(name: string, create: CreateConnector<C, W>, contract: ConnectorContract<C, W>): void {
  describe(name, () => {
    let under: ConnectorUnderTest<C, W> | null = null;
    beforeEach(async () => {
      under = await create();
    });
    afterEach(async () => {
      await under?.close?.();
      under = null;
    });
    const u = (): ConnectorUnderTest<C, W> => {
      if (!under) throw new Error('the connector is only available inside a test');
      return under;
    };

    it('succeeds', async () => {
      await contract.succeed(u());
      expect(u().sleeps).toEqual([]);
    });

    it('refuses what the customer set up wrong: `refused` with the reason, without retrying', async () => {
      const refusals = contract.refusals(u());
      expect(refusals.length).toBeGreaterThan(0);
      for (const refusal of refusals) {
        const e = await providerFailure(refusal.call());
        expect({ why: refusal.why, kind: e.kind }).toEqual({ why: refusal.why, kind: 'refused' });
        expect(e.providerMessage.length, refusal.why).toBeGreaterThan(0);
      }
      expect(u().sleeps).toEqual([]);
    });

    it('retries a provider outage, then succeeds', async () => {
      u().faults.failNext(1);
      await contract.succeed(u());
      expect(u().sleeps).toHaveLength(1);
    });

    it('throws `transient` when the provider stays down', async () => {
      u().faults.failNext(Infinity);
      const e = await providerFailure(contract.succeed(u()));
      expect(e.kind).toBe('transient');
    });

    it('waits out a throttling answer for its Retry-After, then succeeds', async () => {
      u().faults.throttleNext(2);
      await contract.succeed(u());
      expect(u().sleeps).toEqual([2000]);
    });

    it('gives up at once on a Retry-After beyond its limit: `throttled` with the Retry-After', async () => {
      const seconds = u().maxRetryAfterSeconds + 1;
      u().faults.throttleNext(seconds);
      const e = await providerFailure(contract.succeed(u()));
      expect(e).toMatchObject({ kind: 'throttled', retryAfter: seconds });
      expect(u().sleeps).toEqual([]);
    });
  });
}
