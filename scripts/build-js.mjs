// The JS builds of the package, all with the same property renaming (scripts/build-js.sh runs this):
//   esm/                  the package's module entry (`import 'faultline'`): js/ file by file, as ES
//                         modules an app's bundler splits and tree-shakes as it does js/ (same
//                         layout, same lazy imports, the same ../dist/ URLs of the WASM files:
//                         esm/ sits beside dist/ as js/ does), not minified;
//   dist/faultline.iife.js the script-tag bundle (global `Faultline`);
//   dist/faultline-scan-worker.mjs the page's scan Worker.
// Private properties: the source names them readably with a trailing underscore (hub.options_,
// hub.queue_); the builds shorten exactly those (esbuild mangleProps), never a public, wire or
// stored name (those never end in a single `_`). One mangle cache is shared by the three builds, so
// a private name is the same short name in every file and chunk: the critical path and the lazy
// client (separate files of esm/, or separate chunks of an app's build) agree on it, and so
// do the page and the scan Worker. The cache is written to dist/mangle-cache.json for reference.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(repo, 'dist');
const mangleProps = /[^_]_$/;
let mangleCache = {};
const common = { absWorkingDir: repo, logLevel: 'error', target: 'es2019', mangleProps, mangleQuoted: false };

// The browser SDK's modules (not the Node-only CLI, source-map tools and the Node core loader).
const NODE_ONLY = new Set(['cli.js', 'sourcemaps-cli.js', 'sourcemaps-upload.js', 'core-node.js']);
const files = [];
for (const dir of ['js', 'js/hooks', 'js/transport']) {
  for (const f of fs.readdirSync(path.join(repo, dir))) {
    if (f.endsWith('.js') && !(dir == 'js' && NODE_ONLY.has(f))) files.push(`${dir}/${f}`);
  }
}
fs.rmSync(path.join(repo, 'esm'), { recursive: true, force: true });
let r = await esbuild.build({
  ...common, entryPoints: files, outdir: 'esm', outbase: 'js', bundle: false, format: 'esm', target: 'esnext', mangleCache,
});
mangleCache = r.mangleCache;
r = await esbuild.build({
  ...common, entryPoints: ['js/iife.js'], bundle: true, minify: true, format: 'iife', globalName: 'Faultline',
  outfile: 'dist/faultline.iife.js', mangleCache,
});
mangleCache = r.mangleCache;
// An ES module: the page imports it too when no Worker can start (it has the scan's loader).
r = await esbuild.build({
  ...common, entryPoints: ['js/scan-worker.js'], bundle: true, minify: true, format: 'esm',
  outfile: 'dist/faultline-scan-worker.mjs', mangleCache,
});
fs.writeFileSync(path.join(dist, 'mangle-cache.json'), JSON.stringify(r.mangleCache, null, 1) + '\n');
// Nothing of the source's private names may be left over: a quoted use of one (obj['queue_'], `'x_' in
// obj`) is not renamed and would read a property that no longer exists.
const outputs = ['dist/faultline.iife.js', 'dist/faultline-scan-worker.mjs', ...files.map((f) => path.join('esm', path.relative('js', f)))];
for (const name of Object.keys(r.mangleCache)) {
  const quoted = new RegExp(`['"\`]${name.replace(/\$/g, '\\$')}['"\`]`);
  for (const out of outputs) {
    if (quoted.test(fs.readFileSync(path.join(repo, out), 'utf8'))) throw new Error(`build-js: ${out} names the private property ${name} in a string: it would not be renamed`);
  }
}
