/** The standalone server package folder. */
export declare const SERVER_DIR: string;
/** The workspace packages (and this server) whose build is missing or older than their sources. */
export declare function staleUnits(): string[];
/** Build what is stale (one `pnpm … run build`, output on stderr), or nothing; resolves with the names built. */
export declare function ensureBuilt(): Promise<string[]>;
