// Nest's webpack build, without its per-app type check: `npm run check` type-checks the whole
// repository once, so the build only transpiles and bundles (five apps in a fraction of the time).
module.exports = function (options) {
  return {
    ...options,
    plugins: options.plugins.filter((plugin) => plugin.constructor.name !== 'ForkTsCheckerWebpackPlugin'),
  };
};
