// Symbol table size against the source map, on a real bundle: @sentry/browser (a devDependency,
// ~1 000 functions) bundled and minified by esbuild, then `faultline sourcemaps inject`.
//   node bench/sourcemap-size.mjs
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { injectDirectory } from '../js/sourcemaps-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'faultline-smsize-'));
try {
  const entry = path.join(dir, 'entry.js');
  writeFileSync(entry, "export * from '@sentry/browser';\n");
  await build({
    entryPoints: [entry], bundle: true, minify: true, format: 'esm', sourcemap: true, outfile: path.join(dir, 'out', 'app.js'),
    absWorkingDir: process.cwd(), nodePaths: [path.resolve('node_modules')], logLevel: 'error',
  });
  const mapWithContent = readFileSync(path.join(dir, 'out', 'app.js.map'));
  const map = JSON.parse(mapWithContent);
  delete map.sourcesContent;
  const bare = Buffer.from(JSON.stringify(map));
  const [report] = await injectDirectory(path.join(dir, 'out'));
  const table = readFileSync(path.join(dir, 'out', 'app.js.flsym.json'));
  const table_json = JSON.parse(table);
  const gz = (b) => gzipSync(b, { level: 9 }).length;
  const result = {
    bundle: '@sentry/browser, esbuild --minify',
    bundle_bytes: readFileSync(path.join(dir, 'out', 'app.js')).length,
    sources: map.sources.length,
    names_in_map: map.names.length,
    original_function_names: table_json.names.length,
    map_bytes: mapWithContent.length, map_gzip: gz(mapWithContent),
    map_without_sources_content_bytes: bare.length, map_without_sources_content_gzip: gz(bare),
    table_bytes: table.length, table_gzip: gz(table),
    // JavaScriptCore's proper tail calls (table version 2): call sites of functions with tail
    // calls and those functions' targets, as VLQ text inside the table.
    table_calls_bytes: (table_json.calls || '').length, table_tails_bytes: (table_json.tails || '').length,
    table_callbacks_bytes: (table_json.callbacks || '').length,
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
