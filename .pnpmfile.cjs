/* global require, module, process */
// node-gyp compiles native dependencies (better-sqlite3) against the headers `nodedir` names, and
// downloads them when it is unset (impossible offline). A `nodedir` fixed in an .npmrc (this
// machine's user config has one) builds every Node's module against one Node's headers: under
// another Node the module then fails to load (NODE_MODULE_VERSION mismatch). The Node running pnpm
// ships its own headers under its prefix (`include/node`, in distribution packages and the official
// tarballs alike), so when the configured `nodedir` holds another version's headers, install scripts
// get that prefix instead: each install builds for the Node that runs it, which is also the Node
// pnpm's side-effects cache files the build under. Install scripts' environment is made from pnpm's
// config (`npm_config_*` variables are not passed through), hence a config hook.
// scripts/native-deps.mjs checks the result after every install, in case pnpm and `node` differ.
/* eslint-disable @typescript-eslint/no-require-imports -- pnpm loads this file with require() */
const { readFileSync } = require('node:fs');
const path = require('node:path');

/** `v<major>.<minor>.<patch>` of the headers under `dir`, or undefined when it holds none. */
function headersVersion(dir) {
  let text;
  try {
    text = readFileSync(path.join(dir, 'include', 'node', 'node_version.h'), 'utf8');
  } catch {
    return undefined;
  }
  const part = (name) => new RegExp(`^#define NODE_${name}_VERSION (\\d+)$`, 'm').exec(text)?.[1];
  return `v${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}`;
}

const prefix = path.dirname(path.dirname(process.execPath));

module.exports = {
  hooks: {
    // The standalone server serves only the self-contained browser bundle of @scalar/api-reference
    // (dist/browser/standalone.js: Vue, the styles and the request client are inlined in it) as its
    // /docs page's script. The package's Node-side dependencies (Vue, @scalar/* sources, about 280
    // packages) are never imported, so they are not installed.
    readPackage(pkg) {
      if (pkg.name === '@scalar/api-reference') pkg.dependencies = {};
      return pkg;
    },
    updateConfig(config) {
      const configured = config.rawConfig.nodedir;
      if (configured && headersVersion(configured) === process.version) return config;
      if (headersVersion(prefix) !== process.version) return config; // node-gyp fetches the headers
      config.rawConfig = { ...config.rawConfig, nodedir: prefix };
      return config;
    },
  },
};
