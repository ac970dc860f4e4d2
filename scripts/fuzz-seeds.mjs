// Writes seed corpora for the fuzz targets from the project's fixtures.
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(process.argv[2] || 'build/fuzz/seeds');
const put = (target, name, text) => {
  const dir = path.join(out, target);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, name), text);
};
const readJson = (p) => (existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : null);

const fixtures = readJson(path.resolve(root, 'tests/fixtures/stacks/stack-fixtures.json'));
(fixtures?.cases || []).forEach((c, i) => {
  put('fuzz_stack_parser', `fixture-${i}`, `\x05${c.message || ''}${c.stack || ''}`);
  put('fuzz_grouping', `fixture-${i}`, `\x09\x20${c.error_name || 'Error'}${c.message || ''}${c.stack || ''}`);
  put('fuzz_client', `fixture-${i}`, '\x04' + JSON.stringify({ exceptions: [{ type: c.error_name, value: c.message, stack: c.stack }] }));
});
const corpus = readJson(path.join(root, 'tests/fixtures/grouping/corpus.json'));
const records = Array.isArray(corpus) ? corpus : corpus?.records || [];
records.slice(0, 200).forEach((r, i) => put('fuzz_grouping', `corpus-${i}`, `\x10\x40${r.type || ''}${r.value || ''}${r.stack || ''}`));
const scrub = readJson(path.join(root, 'tests/fixtures/scrubbing/corpus.json'));
JSON.stringify(scrub || {}).match(/"(?:[^"\\]|\\.)*"/g)?.slice(0, 1000).forEach((s, i) => put('fuzz_scrubber', `s-${i}`, JSON.parse(s)));
['https://abc@o1.ingest.sentry.io/2', 'http://k:s@127.0.0.1:8765/prefix/3', 'http://k@[::1]:9000/4/', 'https://@x/1'].forEach((d, i) =>
  put('fuzz_dsn', `dsn-${i}`, d));
[
  '\x01{"tags":{"a":"b"},"user":{"id":1},"level":"warning","fingerprint":["{{ default }}","x"]}',
  '\x02{"category":"ui.click","message":"button#x","data":{"a":[1,2,{"b":null}]}}',
  '\x03[{"reason":"sample_rate","category":"error","quantity":3}]',
  '\x00{"dsn":"https://k@h/1","maxBreadcrumbs":5,"aggregation":{"windowMs":10}}',
  '\x04{"message":"hello","scope":{"tags":{"x":"y"}}}',
].forEach((s, i) => put('fuzz_client', `api-${i}`, s));
// The JSON reader: an options text as the SDK sends it, and texts at the reader's edges.
[
  '{"tags":{"a":"b"},"user":{"id":1},"level":"warning","fingerprint":["{{ default }}","x"]}',
  '[1,-2,3.5e-7,-0,18446744073709551616,-9223372036854775809,"\\ud83d\\ude00\\u00e9",true,false,null,{}]',
  '\uFEFF{"a":[[[]]]}', '"\\ud800\\u0041"', '{"k":1,"k":{"k":[]}}\u0000tail',
].forEach((s, i) => put('fuzz_json', `json-${i}`, s));
// Source maps: the esbuild fixtures (map, NUL, generated code).
for (const name of ['shop-a', 'shop-b']) {
  const dir = path.join(root, 'tests/fixtures/sourcemaps');
  if (!existsSync(path.join(dir, name + '.js.map'))) continue;
  const map = readFileSync(path.join(dir, name + '.js.map'), 'utf8');
  const code = readFileSync(path.join(dir, name + '.js'), 'utf8');
  put('fuzz_sourcemap', name, map + '\0' + code);
}
[
  '{"version":3,"sections":[{"offset":{"line":0,"column":3},"map":{"version":3,"sources":["a.js"],"names":["f"],"mappings":"AAAAA;CAAC"}}]}',
  '{"version":3,"sources":["a","b"],"names":["x"],"mappings":"AAAA,KCAAA;;IAAI","ignoreList":[1],"x_google_ignoreList":[0]}',
].forEach((m, i) => put('fuzz_sourcemap', `hand-${i}`, m + '\0function a(b){return `${c=>{}}`/2}'));
// ES modules: imports, calls of imported bindings, exports and re-exports (symbol_table.h
// "modules"), and a table with those fields read directly (the text after the NUL).
put('fuzz_sourcemap', 'modules', '{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA"}\0' +
  "import d, { f as g } from './x.js';\nimport * as ns from '../y.js?v=1';\nexport function h(t) { return g(t) + ns.k(t) + d(t); }\n" +
  "export const j = (t) => JSON.parse(t);\nexport { j as default, h as i };\nexport { m } from './z.js';\n");
put('fuzz_sourcemap', 'module-table', '\0{"faultline_symbols":2,"sources":[],"names":["f","parse"],"files":"","functions":"AACAAA",' +
  '"calls":"","tails":"CCD","modules":["./a.js","/b.js"],"import_calls":"AACCAECA","exports":"CCCAAA"}');
console.log(`[fuzz] seeds written to ${out}`);
