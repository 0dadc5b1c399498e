/* global module */
// The standalone server serves only the self-contained browser bundle of @scalar/api-reference
// (dist/browser/standalone.js: Vue, the styles and the request client are inlined in it) as the
// /docs page's script. Its Node-side dependencies (Vue, @scalar/* sources, ~280 packages) are never
// imported, so they are not installed.
module.exports = {
  hooks: {
    readPackage(pkg) {
      if (pkg.name === '@scalar/api-reference') pkg.dependencies = {};
      return pkg;
    },
  },
};
