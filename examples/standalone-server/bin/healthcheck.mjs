#!/usr/bin/env node
/* global process, console, fetch, AbortSignal */
// The Docker HEALTHCHECK: exit 0 when this container's server answers GET /readyz with 200 (the
// database answers and is migrated), else 1. Plain node, so the image needs no curl. It asks the
// address the server listens on (HOST, PORT), with a wildcard HOST reached over loopback.
const host = process.env.HOST?.trim() || '127.0.0.1';
const loopback = { '0.0.0.0': '127.0.0.1', '::': '[::1]', '[::]': '[::1]' }[host];
const hostPart = loopback ?? (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
const url = `http://${hostPart}:${process.env.PORT?.trim() || '3000'}/readyz`;

try {
  const res = await fetch(url, { signal: AbortSignal.timeout(4000) });
  if (res.status !== 200) console.error(`${url} answered ${res.status}: ${await res.text()}`);
  process.exit(res.status === 200 ? 0 : 1);
} catch (e) {
  console.error(`${url}: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
