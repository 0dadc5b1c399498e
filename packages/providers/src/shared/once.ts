/**
 * `make()` on the first call, and the same promise on every later one: an SDK imported on first
 * use (so a process that never reaches a cloud does not hold its SDK in memory), or a client built
 * from it. A rejection is kept like a result: a module that failed to load fails every call alike.
 */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}
