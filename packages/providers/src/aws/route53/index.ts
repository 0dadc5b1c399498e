/** Being built. */
export {};
