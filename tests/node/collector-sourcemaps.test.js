// Source maps in the local collector: `faultline sourcemaps upload`, the /api/sourcemaps route and
// its safety rules and limits, and the read-time resolution of stored events' minified frames
// (by debug ID, else URL + release), with source context and the minified frames kept.
// The bundle is the demo's own (demo/bundle, esbuild-minified, injected), and the stacks are
// real: the bundle runs here and its V8 stack is parsed by the tools module.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import zlib from 'node:zlib';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { startCollector } from '../../demo/collector/server.js';
import { buildDemoBundle } from '../../demo/bundle/build.mjs';
import { loadTools } from '../../js/sourcemaps-cli.js';
import { urlKey, normalizeDebugId, trimLine, sourceContext } from '../../demo/collector/sourcemaps.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repo, 'js/cli.js');
const KEY = 'maps-key';
const RELEASE = 'shop@3.1.0';
let tmp;
let dir;
let c;
let bundle; // { dir, code, map, debugId, stack frames (Sentry, oldest first) }
let seq = 0;

const srcLine = (file, needle) => fs.readFileSync(path.join(repo, 'demo/bundle/src', file), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;

function request(method, pathname, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: c.port, method, path: pathname, headers: { host: `127.0.0.1:${c.port}`, ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const upload = (payload, headers = {}) => request('POST', '/api/sourcemaps', { headers: { 'content-type': 'application/json', ...headers }, body: typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload) });
const json = (r) => JSON.parse(r.text);
// The CLI in a child process, asynchronously (the collector runs in this process's event loop).
function runCli(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function sendEvent(over) {
  seq += 1;
  const event = {
    event_id: (seq.toString(16).padStart(4, '0') + 'a'.repeat(32)).slice(0, 32), timestamp: Date.now() / 1000, platform: 'javascript', level: 'error', release: RELEASE,
    exception: { values: [{ type: 'TypeError', value: `coupon is undefined (${seq})`, stacktrace: { frames: bundle.frames } }] }, ...over,
  };
  const text = JSON.stringify(event);
  const r = await fetch(`${c.url}/api/1/envelope/?sentry_key=${KEY}`, { method: 'POST', body: `{}\n{"type":"event","length":${Buffer.byteLength(text)}}\n${text}\n` });
  assert.equal(r.status, 200);
  return event;
}
const getEvent = async (id) => (await (await fetch(`${c.url}/api/events/${id}`)).json()).event;
// The frames of a stack that are in the bundle, innermost first.
// (resolved ones are those the collector marks symbolicated).
const bundleFrames = (frames, file = 'checkout.js') => frames.filter((f) => String(f.abs_path || '').endsWith(file) || (f.data && f.data.symbolicated === true)).reverse();

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-maps-'));
  dir = path.join(tmp, 'data');
  const built = await buildDemoBundle(path.join(tmp, 'build'));
  const code = fs.readFileSync(built.file, 'utf8');
  const map = fs.readFileSync(built.file + '.map', 'utf8');
  const debugId = built.report[0].debug_id;
  // Run the minified bundle: a real V8 stack through its minified functions.
  const mod = await import(pathToFileURL(built.file).href);
  let stack = '';
  try {
    mod.checkout({ lines: [{ unitCents: 1999, quantity: 2 }], coupon: 'SUMMER50' });
  } catch (err) {
    stack = err.stack;
  }
  assert.match(stack, /checkout\.js:\d+:\d+/);
  const tools = await loadTools();
  const parsed = JSON.parse(tools.parseStack(JSON.stringify({ stack })));
  // As a browser would report them, from the page's origin.
  const frames = parsed.frames.map((f) => (String(f.abs_path).startsWith('file:') && f.abs_path.endsWith('checkout.js')
    ? { ...f, abs_path: 'http://shop.example/assets/checkout.js', filename: 'http://shop.example/assets/checkout.js' } : f));
  assert.ok(bundleFrames(frames).length >= 3, 'three frames in the bundle');
  bundle = { dir: built.outDir, code, map, debugId, frames };
  c = await startCollector({ port: 0, dataDir: dir, projects: { 1: { publicKey: KEY } }, control: true });
});
after(async () => {
  await c.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('URLs and debug IDs are normalized the way frames and uploads are matched', () => {
  assert.equal(urlKey('http://127.0.0.1:8765/dist/app.js?v=2#x'), '~/dist/app.js');
  assert.equal(urlKey('~/assets/app.js'), '~/assets/app.js');
  assert.equal(urlKey('/assets/app.js'), '~/assets/app.js');
  assert.equal(urlKey('assets/app.js'), '~/assets/app.js');
  assert.equal(urlKey('http://host'), '');
  assert.equal(normalizeDebugId('85314830023F4CF1A267535F4E37BB17'), '85314830-023f-4cf1-a267-535f4e37bb17');
  assert.equal(normalizeDebugId('not-an-id'), '');
});

test('an event stored before its map is uploaded resolves once the map arrives; the stored event and the list API stay minified', async () => {
  const ev = await sendEvent({});
  const before = await getEvent(ev.event_id);
  assert.equal(before.exception.values[0].raw_stacktrace, undefined, 'nothing to resolve with yet');

  const r = await runCli(['sourcemaps', 'upload', bundle.dir, '--url', `http://${KEY}@127.0.0.1:${c.port}/1`, '--release', RELEASE, '--url-prefix', '~/assets/']);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => [l.file, l.url, l.status, l.debug_id]), [['checkout.js', '~/assets/checkout.js', 'stored', bundle.debugId]]);

  const after = await getEvent(ev.event_id);
  const v = after.exception.values[0];
  assert.deepEqual(v.raw_stacktrace.frames, bundle.frames, 'the minified frames, exactly as sent');
  const [inner, caller, entry] = bundleFrames(v.stacktrace.frames);
  assert.deepEqual([inner.function, caller.function, entry.function], ['applyCoupon', 'cartTotal', 'checkout']);
  assert.deepEqual([inner.filename, caller.filename, entry.filename], ['demo/bundle/src/pricing.js', 'demo/bundle/src/cart.js', 'demo/bundle/src/checkout.js']);
  assert.equal(inner.lineno, srcLine('pricing.js', 'coupon.minimum &&'));
  assert.equal(caller.lineno, srcLine('cart.js', 'applyCoupon(subtotal'));
  // Source context from the map's sourcesContent: the throwing line and five lines around it.
  const pricing = fs.readFileSync(path.join(repo, 'demo/bundle/src/pricing.js'), 'utf8').split('\n');
  assert.equal(inner.context_line, pricing[inner.lineno - 1]);
  assert.deepEqual(inner.pre_context, pricing.slice(inner.lineno - 6, inner.lineno - 1));
  assert.deepEqual(inner.post_context, pricing.slice(inner.lineno, inner.lineno + 5));
  assert.equal(inner.data.resolved_with, 'release');
  assert.equal(inner.data.sourcemap, '~/assets/checkout.js.map');
  // Frames outside the bundle (Node's own) are kept as they were.
  const others = v.stacktrace.frames.filter((f) => !(f.data && f.data.symbolicated));
  assert.deepEqual(others, bundle.frames.filter((f) => !String(f.abs_path).endsWith('checkout.js')));

  // The issue page's latest event is resolved the same way; the SDK-facing list is the raw event.
  const issue = (await (await fetch(`${c.url}/api/issues?query=${encodeURIComponent('"coupon is undefined (1)"')}`)).json())[0];
  const detail = await (await fetch(`${c.url}/api/issues/${issue.id}`)).json();
  assert.equal(bundleFrames(detail.latest.exception.values[0].stacktrace.frames)[0].function, 'applyCoupon');
  const listed = (await (await fetch(`${c.url}/api/events?limit=5`)).json()).map((e) => e.event).find((e) => e.event_id === ev.event_id);
  assert.deepEqual(listed.exception.values[0].stacktrace.frames, bundle.frames);
  assert.equal(listed.exception.values[0].raw_stacktrace, undefined);

  // Uploading the same files again changes nothing.
  const again = await runCli(['sourcemaps', 'upload', bundle.dir, '--url', `http://127.0.0.1:${c.port}`, '--release', RELEASE, '--url-prefix', '~/assets/']);
  assert.equal(JSON.parse(again.stdout).status, 'unchanged');
  const list = json(await request('GET', '/api/sourcemaps'));
  assert.equal(list.length, 1);
  assert.equal(list[0].debug_id, bundle.debugId);
  assert.equal(list[0].release, RELEASE);
});

test('a debug ID in debug_meta picks its map whatever the URL or release; an unknown one never falls back to the URL', async () => {
  const moved = bundle.frames.map((f) => (String(f.abs_path).endsWith('checkout.js') ? { ...f, abs_path: 'https://cdn.example/x/y/other-name.js', filename: 'https://cdn.example/x/y/other-name.js' } : f));
  const ev = await sendEvent({ release: 'another@9', exception: { values: [{ type: 'TypeError', value: 'by id', stacktrace: { frames: moved } }] },
    debug_meta: { images: [{ type: 'sourcemap', code_file: 'https://cdn.example/x/y/other-name.js', debug_id: bundle.debugId.toUpperCase() }] } });
  const got = await getEvent(ev.event_id);
  const inner = bundleFrames(got.exception.values[0].stacktrace.frames, 'other-name.js')[0];
  assert.equal(inner.function, 'applyCoupon');
  assert.equal(inner.data.resolved_with, 'debug-id');
  assert.equal(inner.data.debug_id, bundle.debugId);

  // The page ran a build whose id the collector does not have: the URL + release match would pick
  // another build's map, so the frames stay minified.
  const ev2 = await sendEvent({ debug_meta: { images: [{ type: 'sourcemap', code_file: 'http://shop.example/assets/checkout.js', debug_id: '00000000-0000-4000-8000-000000000000' }] } });
  const got2 = await getEvent(ev2.event_id);
  assert.equal(got2.exception.values[0].raw_stacktrace, undefined);
  assert.deepEqual(got2.exception.values[0].stacktrace.frames, bundle.frames);
  // Without a debug ID, another release does not match by URL either.
  const ev3 = await sendEvent({ release: 'shop@3.0.0' });
  assert.equal((await getEvent(ev3.event_id)).exception.values[0].raw_stacktrace, undefined);
});

test('a file name unique in the release matches when the URL prefix differs; frames without a column stay as sent', async () => {
  const frames = bundle.frames.map((f) => (String(f.abs_path).endsWith('checkout.js') ? { ...f, abs_path: 'http://127.0.0.1:5173/static/js/checkout.js' } : f));
  const noCol = frames.map((f) => (String(f.abs_path).endsWith('checkout.js') ? { ...f, colno: undefined } : f));
  const ev = await sendEvent({ exception: { values: [{ type: 'TypeError', value: 'by name', stacktrace: { frames } }, { type: 'Error', value: 'no columns', stacktrace: { frames: noCol } }] } });
  const got = await getEvent(ev.event_id);
  const inner = bundleFrames(got.exception.values[0].stacktrace.frames)[0];
  assert.equal(inner.function, 'applyCoupon');
  assert.equal(inner.data.resolved_with, 'release-filename');
  assert.equal(got.exception.values[1].raw_stacktrace, undefined);
});

test('uploads follow the collector safety rules: Host allow-list, no CORS, cross-site refused, JSON only, paths never echoed', async () => {
  const payload = { release: RELEASE, bundles: [{ url: '~/x.js', code: bundle.code, map: bundle.map }] };
  assert.equal((await upload(payload, { host: 'attacker.example' })).status, 421);
  assert.equal((await upload(payload, { origin: 'http://attacker.example' })).status, 403);
  assert.equal((await upload(payload, { 'sec-fetch-site': 'cross-site' })).status, 403);
  // A form post (what a page can send without a preflight) is refused.
  assert.equal((await upload('bundles=1', { 'content-type': 'application/x-www-form-urlencoded' })).status, 415);
  assert.equal((await upload('{"bundles":1}', { 'content-type': 'text/plain' })).status, 415);
  const pre = await request('OPTIONS', '/api/sourcemaps', { headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' } });
  assert.equal(Object.keys(pre.headers).filter((h) => h.startsWith('access-control')).length, 0);
  const ok = await upload(payload, { origin: `http://127.0.0.1:${c.port}` });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(Object.keys(ok.headers).filter((h) => h.startsWith('access-control')).length, 0);
  for (const bad of ['{', '[]', '{"bundles":{}}', JSON.stringify({ project: '7', bundles: [] })]) {
    const r = await upload(bad);
    assert.ok(r.status === 400 || r.status === 404, `${bad} -> ${r.status}`);
    assert.ok(!r.text.includes(dir) && !r.text.includes(repo), 'no filesystem path in an error');
  }
});

test('bad and hostile maps are refused with a reason and counted; nothing of them is stored', async () => {
  const stats0 = json(await request('GET', '/__stats'));
  const n0 = json(await request('GET', '/api/sourcemaps')).length;
  const cases = [
    [{ url: '~/a.js', code: 'x', map: '{not json' }, 400, 'sourcemap_invalid', /not valid JSON/],
    [{ url: '~/a.js', code: 'x', map: '[1,2]' }, 400, 'sourcemap_invalid', /not a JSON object/],
    [{ url: '~/a.js', code: 'x', map: '{"version":3,"sources":["a.js"],"mappings":"!!!"}' }, 400, 'sourcemap_invalid', /mappings/],
    [{ url: '~/a.js', code: 'x', map: '{"version":3,"sources":[],"mappings":"AAAA"}' }, 400, 'sourcemap_invalid', /source/],
    [{ url: '~/a.js', code: 'x', map: '{"version":3,"sources":["a"],"mappings":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+/+/+/+/+/+/+/"}' }, 400, 'sourcemap_invalid', /./],
    [{ url: '~/a.js', code: 'x', map: '{"version":3,"sections":[{"offset":{"line":0,"column":0},"map":{"sections":[]}}]}' }, 400, 'sourcemap_invalid', /nested/],
    [{ url: '~/a.js', code: 'x', map: '{"version":3,"sections":[{"offset":{"line":0,"column":0},"url":"http://169.254.169.254/"}]}' }, 400, 'sourcemap_invalid', /url/],
    [{ url: '~/a.js', code: 'x', map: JSON.stringify({ version: 3, sources: ['a.js'], mappings: 'AAAA,'.repeat(1_100_000) }) }, 413, 'sourcemap_too_large', /segments/],
    [{ url: '', code: 'x', map: '{}' }, 400, 'sourcemap_malformed', /url/],
    [{ url: '~/a.js', code: 5, map: '{}' }, 400, 'sourcemap_malformed', /code/],
    [{ url: '~/a.js', map: '{"version":3,"sources":[],"mappings":""}', debug_id: '../../etc' }, 400, 'sourcemap_malformed', /debug_id/],
    ['not an object', 400, 'sourcemap_malformed', /object/],
  ];
  // A collector with small limits for the size cases.
  const small = await startCollector({ port: 0, dataDir: path.join(tmp, 'small'), projects: { 1: { publicKey: KEY } }, sourceMaps: { maxSegments: 1_000_000, maxMapBytes: 8 * 1024 * 1024 } });
  try {
    for (const [b, status, reason, detail] of cases) {
      const r = await fetch(`${small.url}/api/sourcemaps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ bundles: [b] }) });
      const body = await r.json();
      assert.equal(r.status, status, `${JSON.stringify(b).slice(0, 120)} -> ${r.status} ${JSON.stringify(body)}`);
      assert.equal(body.refused[0].reason, reason);
      assert.match(body.detail, detail);
    }
    const refused = (await (await fetch(`${small.url}/__stats`)).json()).refused;
    assert.equal(refused.sourcemap_invalid, 7);
    assert.equal(refused.sourcemap_too_large, 1);
    assert.equal(refused.sourcemap_malformed, 4);
    assert.equal((await (await fetch(`${small.url}/api/sourcemaps`)).json()).length, 0);
    // One bad bundle does not sink the good one beside it.
    const mixed = await fetch(`${small.url}/api/sourcemaps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ release: 'r', bundles: [{ url: '~/bad.js', map: '{' }, { url: '~/good.js', code: bundle.code, map: bundle.map }] }) });
    const mixedBody = await mixed.json();
    assert.equal(mixed.status, 200);
    assert.deepEqual([mixedBody.stored.length, mixedBody.refused.length], [1, 1]);
    // Oversized: a map over the per-map limit, a body over the request limit, a gzip bomb.
    const big = JSON.stringify({ version: 3, sources: ['a.js'], sourcesContent: ['x'.repeat(9 * 1024 * 1024)], mappings: 'AAAA' });
    const rBig = await fetch(`${small.url}/api/sourcemaps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ bundles: [{ url: '~/big.js', code: 'x', map: big }] }) });
    assert.equal(rBig.status, 413);
    const bomb = zlib.gzipSync(Buffer.alloc(80 * 1024 * 1024, 32));
    const rBomb = await fetch(`${small.url}/api/sourcemaps`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: bomb });
    assert.equal(rBomb.status, 413);
    const rBody = await fetch(`${small.url}/api/sourcemaps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.alloc(65 * 1024 * 1024, 32) }).catch((e) => ({ status: e.cause && e.cause.code }));
    assert.ok(rBody.status === 413 || rBody.status === 'EPIPE' || rBody.status === 'ECONNRESET', String(rBody.status));
  } finally {
    await small.close();
  }
  assert.equal(json(await request('GET', '/api/sourcemaps')).length, n0);
  assert.deepEqual(json(await request('GET', '/__stats')).refused.sourcemap_invalid, stats0.refused.sourcemap_invalid);
});

test('a hostile but decodable map cannot break resolution: wild positions, missing contents, lines past the end', async () => {
  // Mappings to a source line far past its sourcesContent, and a second source with no content.
  const map = { version: 3, sources: ['evil.js', 'none.js'], sourcesContent: ['only one line', null], names: ['x'],
    mappings: 'AAAA,CAkDA,CClDA;ADgkh9BA' }; // col 1: line 51; col 2: none.js; line 2: line 1 000 001
  const r = await upload({ release: 'hostile', bundles: [{ url: '~/h/evil.min.js', code: 'function a(){}\nfunction b(){}', map: JSON.stringify(map) }] });
  assert.equal(r.status, 200, r.text);
  const frames = [{ function: 'a', abs_path: 'http://x/h/evil.min.js', lineno: 1, colno: 1 }, { function: 'b', abs_path: 'http://x/h/evil.min.js', lineno: 1, colno: 2 },
    { function: 'c', abs_path: 'http://x/h/evil.min.js', lineno: 1, colno: 3 }, { function: 'd', abs_path: 'http://x/h/evil.min.js', lineno: 2, colno: 1 },
    { function: 'e', abs_path: 'http://x/h/evil.min.js', lineno: 99, colno: 1e12 }, { function: 'f', abs_path: 'http://x/h/evil.min.js', lineno: -3, colno: 'x' }];
  const ev = await sendEvent({ release: 'hostile', exception: { values: [{ type: 'Error', value: 'hostile', stacktrace: { frames } }] } });
  const got = (await getEvent(ev.event_id)).exception.values[0];
  const out = got.stacktrace.frames;
  assert.equal(out.length, 6);
  assert.equal(out[0].filename, 'evil.js');
  assert.equal(out[0].context_line, 'only one line');
  assert.equal(out[1].filename, 'evil.js');
  assert.equal(out[1].context_line, undefined, 'a line past the content has no context');
  assert.equal(out[2].filename, 'none.js');
  assert.equal(out[2].context_line, undefined);
  assert.deepEqual(out.slice(4), frames.slice(4), 'positions out of range stay as sent');
});

test('index maps: each section\'s sourcesContent goes with its merged source (the first content given wins)', async () => {
  const map = { version: 3, sections: [
    { offset: { line: 0, column: 0 }, map: { version: 3, sources: ['a.js'], sourcesContent: ['function a() {\n  boom();\n}'], names: [], mappings: 'AACA' } },
    { offset: { line: 1, column: 0 }, map: { version: 3, sources: ['b.js', 'a.js'], sourcesContent: ['B1\nB2', 'a later copy'], names: [], mappings: 'AACA,ECDA' } }] };
  const r = await upload({ release: 'sections', bundles: [{ url: '~/s/app.js', code: 'x();\ny(); z();', map: JSON.stringify(map) }] });
  assert.equal(r.status, 200, r.text);
  const at = (lineno, colno) => ({ function: 'm', abs_path: 'http://x/s/app.js', lineno, colno });
  const ev = await sendEvent({ release: 'sections', exception: { values: [{ type: 'Error', value: 'sections', stacktrace: { frames: [at(1, 1), at(2, 1), at(2, 3)] } }] } });
  const out = (await getEvent(ev.event_id)).exception.values[0].stacktrace.frames;
  assert.deepEqual(out.map((f) => [f.filename, f.lineno, f.context_line]), [['a.js', 2, '  boom();'], ['b.js', 2, 'B2'], ['a.js', 1, 'function a() {']]);
  assert.deepEqual(out[0].pre_context, ['function a() {']);
  assert.deepEqual(out[0].post_context, ['}']);
});

test('context lines: CRLF, the file\'s edges, and long (minified) lines cut around the column', () => {
  const text = 'l1\r\nl2\nl3';
  const starts = [0, 4, 7];
  assert.deepEqual(sourceContext(text, starts, 2, 1, 5), { pre_context: ['l1'], context_line: 'l2', post_context: ['l3'] });
  assert.equal(sourceContext(text, starts, 4, 1, 5), null);
  assert.equal(sourceContext(text, starts, 0, 1, 5), null);
  const long = 'a'.repeat(300) + 'THROW' + 'b'.repeat(300);
  const cut = trimLine(long, 300);
  assert.match(cut, /^\{snip\} a+THROWb+ \{snip\}$/);
  assert.ok(cut.length <= 154);
  assert.equal(trimLine('short', 3), 'short');
  assert.match(trimLine(long, 0), /^a{140} \{snip\}$/);
});

test('a stored bundle that no longer decodes is a processing error on the event, not a failure', async () => {
  const r = await upload({ release: 'corrupt', bundles: [{ url: '~/c/app.js', code: bundle.code, map: bundle.map }] });
  const id = json(r).stored[0].id;
  const db = new Database(path.join(dir, 'sourcemaps.sqlite'));
  db.prepare('UPDATE bundles SET map = ?, hash = ? WHERE id = ?').run(zlib.deflateRawSync('{"version":3,"sources":[],"mappings":"%%"}'), 'corrupted', id);
  db.close();
  const frames = bundle.frames.map((f) => (String(f.abs_path).endsWith('checkout.js') ? { ...f, abs_path: 'http://x/c/app.js' } : f));
  const ev = await sendEvent({ release: 'corrupt', exception: { values: [{ type: 'Error', value: 'corrupt', stacktrace: { frames } }] } });
  const got = await getEvent(ev.event_id);
  assert.deepEqual(got.exception.values[0].stacktrace.frames, frames);
  assert.equal(got.errors.length, 1);
  assert.equal(got.errors[0].type, 'js_invalid_source');
  assert.match(got.errors[0].reason, /mappings/);
});

test('the store keeps to its byte budget (least recently used go, counted) and the decoded-map cache to its own', async () => {
  const small = await startCollector({ port: 0, dataDir: path.join(tmp, 'budget'), projects: { 1: { publicKey: KEY } }, sourceMaps: { maxTotalBytes: 3 * 4096, cacheBytes: 1 } });
  try {
    const post = (release) => fetch(`${small.url}/api/sourcemaps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ release, bundles: [{ url: '~/assets/checkout.js', code: bundle.code, map: bundle.map + ' '.repeat(Number(release.slice(1)) + 1) }] }) });
    for (let i = 0; i < 8; i++) assert.equal((await post(`r${i}`)).status, 200);
    const stats = (await (await fetch(`${small.url}/__stats`)).json()).sourcemaps;
    assert.ok(stats.evicted > 0, JSON.stringify(stats));
    assert.ok(stats.stored_bytes <= 3 * 4096 || stats.bundles === 1, JSON.stringify(stats));
    const releases = (await (await fetch(`${small.url}/api/sourcemaps`)).json()).map((b) => b.release);
    assert.ok(releases.includes('r7') && !releases.includes('r0'), releases.join());
    // With a cache of one byte, reading events of two bundles in turn decodes each time (and
    // evicts the other), and still resolves. (Identical content shares one decoded entry: each
    // upload above differs by its trailing spaces.)
    assert.equal((await post('r0')).status, 200);
    for (const [i, release] of [[0, 'r7'], [1, 'r0'], [2, 'r7']]) {
      const text = JSON.stringify({ event_id: `${i}`.padStart(32, 'b'), release, exception: { values: [{ type: 'E', value: 'v', stacktrace: { frames: bundle.frames } }] } });
      await fetch(`${small.url}/api/1/envelope/?sentry_key=${KEY}`, { method: 'POST', body: `{}\n{"type":"event"}\n${text}\n` });
      const got = (await (await fetch(`${small.url}/api/events/${`${i}`.padStart(32, 'b')}`)).json()).event;
      assert.equal(bundleFrames(got.exception.values[0].stacktrace.frames)[0].function, 'applyCoupon');
    }
    const s2 = (await (await fetch(`${small.url}/__stats`)).json()).sourcemaps;
    assert.ok(s2.loads >= 3 && s2.cache_evictions >= 2, JSON.stringify(s2));
  } finally {
    await small.close();
  }
});

test('the upload command: usage errors exit 2, an unreachable collector or a refused file exits 1 with a line per file', async () => {
  const usage = await runCli(['sourcemaps', 'upload', bundle.dir]);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /--url/);
  assert.equal((await runCli(['sourcemaps', 'upload', bundle.dir, '--url', 'http://127.0.0.1:1', '--bogus', 'x'])).status, 2);
  const down = await runCli(['sourcemaps', 'upload', bundle.dir, '--url', 'http://127.0.0.1:9']);
  assert.equal(down.status, 1);
  assert.match(JSON.parse(down.stdout).error, /cannot reach the collector/);
  const badDir = path.join(tmp, 'bad-build');
  fs.mkdirSync(badDir);
  fs.writeFileSync(path.join(badDir, 'app.js'), 'x()\n//# sourceMappingURL=app.js.map\n');
  fs.writeFileSync(path.join(badDir, 'app.js.map'), '{"version":3,"sources":["a"],"mappings":"???"}');
  fs.writeFileSync(path.join(badDir, 'nomap.js'), 'y()\n');
  const bad = await runCli(['sourcemaps', 'upload', badDir, '--url', `http://127.0.0.1:${c.port}`]);
  assert.equal(bad.status, 1);
  const lines = bad.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.match(lines.find((l) => l.file === 'app.js').error, /^400: .*mappings/);
  assert.equal(lines.find((l) => l.file === 'nomap.js').skipped, 'no source map');
});

test('the issue list shows the culprit of resolved frames: issues stored before their map resolve when it arrives, new ones after ingest', async () => {
  const col = await startCollector({ port: 0, dataDir: path.join(tmp, 'culprits'), projects: { 1: { publicKey: KEY } } });
  try {
    let n = 0;
    const send = async (value, frames = bundle.frames, over = {}) => {
      n += 1;
      const text = JSON.stringify({ event_id: n.toString(16).padStart(32, 'c'), timestamp: Date.now() / 1000, platform: 'javascript', release: RELEASE,
        exception: { values: [{ type: 'TypeError', value, stacktrace: { frames } }] }, ...over });
      const r = await fetch(`${col.url}/api/1/envelope/?sentry_key=${KEY}`, { method: 'POST', body: `{}\n{"type":"event"}\n${text}\n` });
      assert.equal(r.status, 200);
    };
    const issues = async (query = '') => (await (await fetch(`${col.url}/api/issues?query=${encodeURIComponent(query)}`)).json());
    const culprit = async (title) => (await issues()).find((i) => i.title === title).culprit;
    // The frame the collector names as the culprit: the innermost in-app one, minified.
    const inner = bundle.frames.filter((f) => f.in_app === true).pop();
    assert.ok(inner.abs_path.endsWith('/checkout.js'), 'the innermost in-app frame is in the bundle');
    const minified = `${inner.function} (${inner.filename})`;
    const resolved = 'applyCoupon (demo/bundle/src/pricing.js)';
    // Another bundle's frames (no map for it) keep their culprit.
    const vendor = bundle.frames.map((f) => (f.abs_path.endsWith('/checkout.js') ? { ...f, abs_path: 'http://shop.example/assets/vendor.js', filename: 'http://shop.example/assets/vendor.js' } : f));

    // 1. Events first, then the map (the usual order): the existing issue resolves.
    await send('coupon is undefined');
    await send('vendor failed', vendor);
    await col.issueDisplay.idle();
    assert.equal(await culprit('TypeError: coupon is undefined'), minified, 'no map yet');
    const up = await fetch(`${col.url}/api/sourcemaps`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ release: RELEASE, bundles: [{ url: '~/assets/checkout.js', code: bundle.code, map: bundle.map }] }) });
    assert.equal(up.status, 200);
    await col.issueDisplay.idle();
    assert.equal(await culprit('TypeError: coupon is undefined'), resolved);
    assert.equal(await culprit('TypeError: vendor failed'), `${inner.function} (http://shop.example/assets/vendor.js)`);
    // The free-text search and the issue page use the resolved culprit too.
    assert.deepEqual((await issues('applyCoupon')).map((i) => i.title), ['TypeError: coupon is undefined']);
    const id = (await issues()).find((i) => i.title === 'TypeError: coupon is undefined').id;
    assert.equal((await (await fetch(`${col.url}/api/issues/${id}`)).json()).culprit, resolved);

    // 2. The map first: a new issue gets its culprit resolved after ingest, and its repeats keep it.
    await send('cart is empty');
    await col.issueDisplay.idle();
    assert.equal(await culprit('TypeError: cart is empty'), resolved);
    await send('cart is empty');
    assert.equal(await culprit('TypeError: cart is empty'), resolved, 'a repeat with the same title does not bring the minified culprit back');
    // A new title of the same issue (one fingerprint) is resolved again.
    await send('cart is empty (2 lines)', bundle.frames, { fingerprint: ['cart'] });
    await send('cart is empty (3 lines)', bundle.frames, { fingerprint: ['cart'] });
    await col.issueDisplay.idle();
    assert.equal(await culprit('TypeError: cart is empty (3 lines)'), resolved);
    // The stored events stay as sent.
    const raw = (await (await fetch(`${col.url}/api/events?limit=1`)).json())[0].event;
    assert.deepEqual(raw.exception.values[0].stacktrace.frames, bundle.frames);
    const stats = (await (await fetch(`${col.url}/__stats`)).json()).sourcemaps;
    assert.ok(stats.issues_updated >= 3, JSON.stringify(stats)); // one per issue, and once more per title the fingerprinted one got before its resolution ran
    assert.equal(stats.issues_dropped, 0);
  } finally {
    await col.close();
  }
});
