// The name a private property (one the source names with a trailing `_`) has in the built modules
// the tests import (esm/, renamed by scripts/build-js.mjs with dist/mangle-cache.json), for a test
// that must reach into one.
import fs from 'node:fs';

const cache = JSON.parse(fs.readFileSync(new URL('../../../dist/mangle-cache.json', import.meta.url), 'utf8'));
export const privateName = (name) => {
  if (typeof cache[name] != 'string') throw new Error(`${name} is not a renamed private property (dist/mangle-cache.json)`);
  return cache[name];
};
