// A script of someone else's (not marked by the app's bundler plugin).
setTimeout(function thirdPartyTick() {
  throw new Error('I am a third party Error');
}, 50);
