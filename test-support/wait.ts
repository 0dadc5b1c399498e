/**
 * Wait for something a test cannot be told about directly (a log line written by another process,
 * a request reaching a gate) by polling `condition` until it holds, failing after `timeoutMs`.
 * Tests use this instead of sleeping a fixed time and hoping: a fixed sleep is either too short on
 * a loaded machine (a flaky failure) or longer than needed everywhere else.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
