/**
 * A storage whose tables a host's own migration tool created from the emitted SQL: its `migrate()`
 * must find nothing left to apply, and its first answer is then what the script recorded (read by
 * `recorded`), so the conformance suite's checks of the migration list read the script's bookkeeping.
 */
export function migratedByScript<S extends { migrate(): Promise<{ applied: string[] }> }>(storage: S, recorded: () => Promise<string[]> | string[]): S {
  let first = true;
  const migrate = async () => {
    const result = await storage.migrate();
    if (!first) return result;
    first = false;
    if (result.applied.length > 0) throw new Error(`the emitted SQL left migrations to apply: ${result.applied.join(', ')}`);
    return { applied: await recorded() };
  };
  return { ...storage, migrate };
}
