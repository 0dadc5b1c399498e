import type { Db } from './rows.js';

/** How a repository reaches the tables: runs one synchronous operation under the storage's rules. */
export type Run = <T>(op: (db: Db) => T) => Promise<T>;
