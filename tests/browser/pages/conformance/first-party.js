// A bundle of the app, marked as the Sentry bundler plugins mark it (applicationKey 'my-app'):
// the stack of this moment, whose innermost file is this one, under window._sentryModuleMetadata.
(function (g) {
  const meta = (g._sentryModuleMetadata = g._sentryModuleMetadata || {});
  const here = new Error().stack;
  meta[here] = { ...meta[here], '_sentryBundlerPluginAppKey:my-app': true };
})(window);

setTimeout(function firstPartyTick() {
  const order = null;
  return order.total;  // a TypeError, in the app's own code only
}, 50);
