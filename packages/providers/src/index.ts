/** @module @cloudlink/providers — import a subpath (`/aws`, `/gcp`, `/azure`, `/cloudflare`) so an app loads only what it uses. */
export {};
