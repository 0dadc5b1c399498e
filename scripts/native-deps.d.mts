/** Makes the workspace's native modules (better-sqlite3) load in the running Node: see native-deps.mjs. */
export function ensureNativeDeps(): void;
