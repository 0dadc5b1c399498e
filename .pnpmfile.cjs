// node-gyp compiles native dependencies (better-sqlite3) against the headers named by `nodedir`, and
// without it downloads them, which fails offline. The Node running this install ships its headers
// under its own prefix (`include/node`: distribution packages and the official tarballs both do), so
// point node-gyp there: the module is then built for the Node that runs the install, whichever it is.
// Set before any install script starts (they inherit pnpm's environment); a `nodedir` set by the
// user (.npmrc or environment) is left as it is. This file defines no hooks on purpose: hooks would
// put a checksum of it in pnpm-lock.yaml.
const { existsSync } = require('node:fs');
const path = require('node:path');

const prefix = path.dirname(path.dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(path.join(prefix, 'include', 'node', 'node_version.h'))) {
  process.env.npm_config_nodedir = prefix;
}

module.exports = {};
