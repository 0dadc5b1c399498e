# syntax=docker/dockerfile:1
#
# The cloudlink standalone server (examples/standalone-server) as a container image. Build it from
# the repository root, which is the build context (the server is built from the whole workspace):
#
#   docker build -t cloudlink .
#   docker run -p 3000:3000 -v cloudlink-data:/data cloudlink
#
# Besides the two base images, the build reaches only the npm registry: pnpm comes from it, and
# better-sqlite3 is compiled here rather than downloaded as a prebuilt binary. compose.yaml runs the
# image beside Postgres; the README's "Running in production" section documents both.

# Node 24, the active LTS line (Node 20 reached end of life in April 2026); the project's tests also
# run on 24 (pnpm test:node 24).
ARG NODE_VERSION=24.22.3

# ---- build: install the workspace, build every package and the server, prune to production deps
# The full Debian image: it has the python3, make and g++ node-gyp needs for better-sqlite3's native
# module, so nothing comes from Debian's mirrors. Same Node and Debian release as the runtime, so the
# compiled module matches the runtime's ABI and C library.
FROM node:${NODE_VERSION}-bookworm AS build
# The version in package.json's packageManager field (a test keeps the two equal).
RUN npm install -g pnpm@10.34.9
# node-gyp takes the headers of the Node it runs under instead of downloading them (the repository's
# .pnpmfile.cjs would pick the same prefix), and better-sqlite3 skips its download of a prebuilt
# binary from outside the registry.
ENV npm_config_nodedir=/usr/local \
    npm_config_build_from_source=true \
    CI=true
WORKDIR /src
# The lockfile alone decides what is fetched, so this layer is reused until it changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch
COPY . .
RUN pnpm install --frozen-lockfile --offline
RUN pnpm build
# The server with its production dependencies only, the workspace packages copied in as their built
# `dist`: a self-contained folder, run with plain node. Injected workspace packages are what
# `pnpm deploy` needs; they are turned on for this command only, so the workspace itself keeps its
# symlinks (a rebuilt package is seen at once while developing).
RUN pnpm --config.inject-workspace-packages=true --filter @cloudlink/standalone-server --prod deploy --offline /app

# ---- runtime: Node and the pruned server, nothing else
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    CLOUDLINK_DATA_DIR=/data \
    CLOUDLINK_SHUTDOWN_GRACE_SECONDS=10 \
    LOG_LEVEL=info
WORKDIR /app
# Owned by root: the server's own user can read its code but not change it.
COPY --from=build /app ./
# The SQLite file, generated development keys and sandbox state live here (unused with
# DATABASE_URL and both keys set); the unprivileged `node` user of the base image owns it.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "bin/healthcheck.mjs"]
# SIGTERM starts the graceful stop (in-flight requests finish within CLOUDLINK_SHUTDOWN_GRACE_SECONDS);
# give `docker stop` a longer timeout than that (compose.yaml: stop_grace_period).
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
