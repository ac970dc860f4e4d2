// Builds the demo's minified bundle: demo/bundle/src -> dist/demo/checkout.js with its source map
// (esbuild, minified, sourcesContent kept), then `faultline sourcemaps inject` (debug ID, runtime
// registration, symbol table). `npm run demo` serves it at /dist/demo/checkout.js and gives its map
// to the collector, so the viewer shows the original frames and source lines of its errors.
//   node demo/bundle/build.mjs [outDir]
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { injectDirectory } from '../../js/sourcemaps-cli.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');

export async function buildDemoBundle(outDir = path.join(repo, 'dist/demo')) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, 'checkout.js');
  await build({
    entryPoints: [path.join(here, 'src/checkout.js')], bundle: true, minify: true, format: 'esm', target: 'es2020',
    sourcemap: true, sourcesContent: true, outfile, logLevel: 'error',
  });
  // Sources as the repository names them (demo/bundle/src/…), whatever the output directory.
  const mapFile = outfile + '.map';
  const map = JSON.parse(readFileSync(mapFile, 'utf8'));
  map.sources = map.sources.map((s) => path.relative(repo, path.resolve(outDir, s)).split(path.sep).join('/'));
  writeFileSync(mapFile, JSON.stringify(map));
  const report = await injectDirectory(outDir);
  const bad = report.find((r) => r.error);
  if (bad) throw new Error(`sourcemaps inject: ${bad.error}`);
  return { outDir, file: outfile, report };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { report } = await buildDemoBundle(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  for (const r of report) console.log(`[demo bundle] ${r.file}: debug ID ${r.debug_id}, map ${r.map_bytes} B, symbol table ${r.table_bytes} B`);
}
