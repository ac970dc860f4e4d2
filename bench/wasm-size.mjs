// What the browser's WASM module is made of, by section, by origin and by own source file.
//
//   node bench/wasm-size.mjs          builds build/bench-profiling/ when it is older than the sources
//                                     (the CMake configuration of `scripts/build.sh wasm` plus
//                                     --profiling-funcs: the same code as dist/, plus a name section)
//   node bench/wasm-size.mjs --top 40 also lists the 40 largest functions
//
// Needs wasm-objdump (Debian: wabt, for the call graph), c++filt (binutils) and llvm-nm (to read
// which object file defines a function; the build's objects are LLVM bitcode under -flto).
//
// Origin of a function: our own sources by the object file that defines it (strong symbols of
// build/bench-profiling/CMakeFiles/*/{src,bindings}/*.o); template and inline code (weak symbols)
// and the system libraries by the function's qualified name. A function of ours that takes a
// `json` is ours (the old version of this script counted it as nlohmann's). Sizes are function
// bodies, uncompressed; "gzip alone" compresses one group's bodies by themselves (a group's share
// of the module's gzip is near its raw share times the module's ratio, not that figure).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { repo, gz } from './sizes.mjs';

const top = process.argv.includes('--top') ? Number(process.argv[process.argv.indexOf('--top') + 1]) : 15;
const prof = path.join(repo, 'build/bench-profiling');
const wasmPath = path.join(prof, 'faultline.wasm');
const run = (cmd, args, input) => execFileSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 1 << 28 });

function newest(dir) {
  let t = 0;
  for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, f.name);
    t = Math.max(t, f.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}
const srcTime = Math.max(newest(path.join(repo, 'src')), newest(path.join(repo, 'bindings')), fs.statSync(path.join(repo, 'CMakeLists.txt')).mtimeMs);
if (!fs.existsSync(wasmPath) || fs.statSync(wasmPath).mtimeMs < srcTime) {
  console.error('[wasm-size] building build/bench-profiling (the browser module with a name section)');
  const inc = path.join(repo, 'build/json-include');
  fs.mkdirSync(inc, { recursive: true });
  if (!fs.existsSync(path.join(inc, 'nlohmann'))) fs.symlinkSync('/usr/include/nlohmann', path.join(inc, 'nlohmann'));
  execFileSync('bash', ['-c', `source scripts/env.sh && emcmake cmake -S . -B "${prof}" -DCMAKE_BUILD_TYPE=MinSizeRel -DFAULTLINE_JSON_INCLUDE="${inc}" ` +
    `-DFAULTLINE_TESTS=OFF -DCMAKE_EXE_LINKER_FLAGS=--profiling-funcs >/dev/null && cmake --build "${prof}" -j 2 --target faultline_wasm >/dev/null`], { cwd: repo, stdio: 'inherit' });
}

// --- the binary: sections, function bodies, names --------------------------------------------
const bin = fs.readFileSync(wasmPath);
function leb(buf, pos) {
  let v = 0, shift = 0, b;
  do { b = buf[pos++]; v += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
  return [v, pos];
}
const SECTION = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount'];
const sections = [];
let importedFuncs = 0;
const bodies = [];       // [{ index, bytes: Buffer }]
const names = new Map(); // function index -> name
const dataSegments = []; // Buffer per active segment
for (let pos = 8; pos < bin.length;) {
  const id = bin[pos];
  let [len, p] = leb(bin, pos + 1);
  const end = p + len;
  let name = SECTION[id] || `id ${id}`;
  if (id === 0) {
    const [nlen, q] = leb(bin, p);
    name = `custom "${bin.toString('utf8', q, q + nlen)}"`;
    if (bin.toString('utf8', q, q + nlen) === 'name') {
      let r = q + nlen;
      while (r < end) {
        const sub = bin[r];
        let [slen, s] = leb(bin, r + 1);
        if (sub === 1) {
          let [count, t] = leb(bin, s);
          for (let i = 0; i < count; i++) {
            let idx, l;
            [idx, t] = leb(bin, t);
            [l, t] = leb(bin, t);
            names.set(idx, bin.toString('utf8', t, t + l));
            t += l;
          }
        }
        r = s + slen;
      }
    }
  } else if (id === 2) {
    let [count, q] = leb(bin, p);
    for (let i = 0; i < count; i++) {
      let l;
      [l, q] = leb(bin, q); q += l;
      [l, q] = leb(bin, q); q += l;
      const kind = bin[q++];
      if (kind === 0) { importedFuncs++; [, q] = leb(bin, q); }
      else if (kind === 1) { q++; const [flags, q2] = leb(bin, q); q = q2; [, q] = leb(bin, q); if (flags & 1) [, q] = leb(bin, q); }
      else if (kind === 2) { const [flags, q2] = leb(bin, q); q = q2; [, q] = leb(bin, q); if (flags & 1) [, q] = leb(bin, q); }
      else if (kind === 3) q += 2;
    }
  } else if (id === 10) {
    let [count, q] = leb(bin, p);
    for (let i = 0; i < count; i++) {
      let l;
      [l, q] = leb(bin, q);
      bodies.push({ index: importedFuncs + i, bytes: bin.subarray(q, q + l) });
      q += l;
    }
  } else if (id === 11) {
    let [count, q] = leb(bin, p);
    for (let i = 0; i < count; i++) {
      const [flags, q1] = leb(bin, q); q = q1;
      if (flags === 2) [, q] = leb(bin, q);
      if (flags !== 1) { while (bin[q] !== 0x0b) q++; q++; }  // init expression
      let l;
      [l, q] = leb(bin, q);
      dataSegments.push(bin.subarray(q, q + l));
      q += l;
    }
  }
  sections.push({ name, bytes: end - pos });
  pos = end;
}

// --- who defines what: our object files -------------------------------------------------------
// The name section holds demangled names (Emscripten's --profiling-funcs), so the objects' symbols
// are demangled too before they are matched.
const definedIn = new Map();  // demangled name -> 'src/x.cpp'
for (const dir of ['CMakeFiles/faultline_core.dir/src', 'CMakeFiles/faultline_wasm.dir/bindings']) {
  const abs = path.join(prof, dir);
  if (!fs.existsSync(abs)) continue;
  for (const f of fs.readdirSync(abs).filter((x) => x.endsWith('.o'))) {
    const syms = [];
    for (const line of run('llvm-nm', ['--defined-only', path.join(abs, f)]).split('\n')) {
      const m = /^\S+\s+[Tt]\s+(\S+)$/.exec(line.trim());
      if (m) syms.push(m[1]);
    }
    const dem = run('c++filt', [], syms.join('\n')).split('\n');
    const file = `${dir.split('/').pop()}/${f.replace(/\.cpp\.o$/, '.cpp')}`;
    for (const d of dem) if (d) definedIn.set(d, definedIn.has(d) && definedIn.get(d) !== file ? 'several files (same name)' : file);
  }
}

const fnNames = bodies.map((b) => names.get(b.index) || `func${b.index}`);
const demangled = fnNames;
const JSON_T = /nlohmann::json_abi_v[\d_]+::basic_json<[^]*$/;

function qualified(dem) {
  let s = dem.replace(/\(anonymous namespace\)::/g, '');
  for (let i = 0; i < 10; i++) s = s.replace(/<[^<>]*>/g, '');
  return s.replace(/\(.*$/, '').replace(/^.* /, '');
}

// Origin of one function: [group, subgroup].
function origin(mangled, dem) {
  const q = qualified(dem);
  const file = definedIn.get(dem);
  if (file && !/^(nlohmann|std)::/.test(q)) return ['own code', file];
  if (/^nlohmann::/.test(q) || (/^std::/.test(q) && /nlohmann/.test(dem))) {
    if (/detail::(lexer|parser|json_sax|input_adapter|iterator_input_adapter|exception|parse_error|type_error|out_of_range|invalid_iterator|other_error|concat)|::sax_parse|::parse\(/.test(dem) || /std::__2::vector<bool/.test(dem) || /std::__2::function/.test(dem) || /::exception::/.test(q)) return ['nlohmann/json', 'reader (lexer, parser, DOM builder, error texts)'];
    if (/detail::(serializer|dtoa_impl|to_chars)|::dump\(/.test(dem)) return ['nlohmann/json', 'serializer'];
    return ['nlohmann/json', 'DOM (basic_json, its std::map/std::vector, iterators)'];
  }
  if (/^faultline::/.test(q)) return ['own code', 'templates and inline functions (no one file)'];
  if (/^(printf_core|fmt_fp|vfprintf|__vfprintf_internal|vsnprintf|snprintf|sprintf|pop_arg|sn_write|out|pad|fmt_[xou]|getint|__fwritex|__towrite|wctomb|wcrtomb|frexp|__signbit\w*|__fpclassify\w*)$/.test(q)) return ['libc', 'printf (snprintf)'];
  if (/^(strtod|strtof|strtold|strtox|__floatscan|decfloat|hexfloat|scanexp|__shlim|__shgetc|strtoull|strtoll|strtoul|strtol|__intscan|scalbn\w*|copysign\w*|fmodl)$/.test(q) || /^__\w+(tf|ti)\d$/.test(q)) return ['libc', 'number parsing (strtod, strtoull)'];
  if (/^(malloc|free|calloc|realloc|emmalloc\w*|sbrk|claim_more_memory|attempt_allocate|\w*_memalign|memalign|aligned_alloc|emscripten_get_heap_size|emscripten_resize_heap)$/.test(q) || /^operator (new|delete)/.test(q)) return ['libc', 'allocator (emmalloc) and operator new'];
  if (/^__cxxabiv1::|^__cxa_|^__dynamic_cast|^std::(exception|bad_\w+|type_info|logic_error|runtime_error|length_error|out_of_range|__libcpp_refstring)/.test(q) || /^std::__2::__throw_/.test(dem)) return ['libc++', 'C++ ABI (type_info, std::exception, throw helpers)'];
  if (/^std::/.test(q)) {
    if (/^std::(__2::)?(basic_string|__str_find|char_traits|to_string|operator\+|basic_string_view)|std::__2::basic_string<char/.test(dem) && !/(map|tree|vector|hash)/.test(q)) return ['libc++', 'std::string'];
    if (/__tree|map|set/.test(q)) return ['libc++', 'std::map/std::set'];
    if (/__hash|unordered|__next_prime|__murmur|__cityhash/.test(q)) return ['libc++', 'std::unordered_map and its hashing'];
    if (/vector|__split_buffer|deque|list/.test(q)) return ['libc++', 'std::vector/std::deque/std::list'];
    if (/sort|__insertion|stable|__merge|lower_bound|upper_bound/.test(q)) return ['libc++', 'algorithms (sort)'];
    if (/function/.test(q)) return ['libc++', 'std::function'];
    if (/to_chars|__itoa|__to_chars/.test(q)) return ['libc++', 'to_chars'];
    return ['libc++', 'other'];
  }
  if (/^(mem\w+|str\w+|__memcpy|__memset|isdigit|isspace|tolower|toupper|abs|__lockfile|__unlockfile|__errno_location|abort|__wasm_call_ctors|stack\w+|emscripten_\w+|_emscripten_\w+|__lctrans\w*|__stdio\w+)$/.test(q)) return ['libc', 'memory, string and runtime'];
  if (/^fl_/.test(q) || /^(anonymous namespace)/.test(dem)) return ['own code', 'bindings/faultline_wasm.cpp'];
  return ['other', q];
}

const groups = new Map();
const fnInfo = [];
for (let i = 0; i < bodies.length; i++) {
  const [g, sub] = origin(fnNames[i], demangled[i]);
  const key = `${g}\u0000${sub}`;
  if (!groups.has(key)) groups.set(key, { g, sub, bytes: 0, n: 0, bufs: [] });
  const e = groups.get(key);
  e.bytes += bodies[i].bytes.length; e.n++; e.bufs.push(bodies[i].bytes);
  fnInfo.push({ name: demangled[i], size: bodies[i].bytes.length, g, sub });
}
const codeTotal = bodies.reduce((s, b) => s + b.bytes.length, 0);
const dataTotal = dataSegments.reduce((s, b) => s + b.length, 0);

const dist = path.join(repo, 'dist/faultline.wasm');
const distBuf = fs.readFileSync(dist);
const stripped = bin.length - (sections.find((s) => s.name === 'custom "name"')?.bytes || 0);
console.log(`dist/faultline.wasm: ${distBuf.length} bytes, ${gz(distBuf)} gzip -9 (node zlib)` +
  `; the profiling build without its name section: ${stripped} bytes`);
console.log('\nsections (bytes):');
for (const s of sections) if (s.name !== 'custom "name"') console.log(`  ${String(s.bytes).padStart(7)}  ${s.name}`);
const pct = (v, t) => `${((100 * v) / t).toFixed(1).padStart(5)} %`;
console.log(`\ncode by origin: ${codeTotal} bytes of function bodies in ${bodies.length} functions ` +
  `(gzip alone: ${gz(Buffer.concat(bodies.map((b) => b.bytes)))}); data ${dataTotal} bytes (gzip alone: ${gz(Buffer.concat(dataSegments))})`);
const byGroup = new Map();
for (const e of groups.values()) {
  if (!byGroup.has(e.g)) byGroup.set(e.g, []);
  byGroup.get(e.g).push(e);
}
const groupTotal = (list) => list.reduce((s, e) => s + e.bytes, 0);
for (const [g, list] of [...byGroup].sort((a, b) => groupTotal(b[1]) - groupTotal(a[1]))) {
  const t = groupTotal(list);
  console.log(`  ${String(t).padStart(7)}  ${pct(t, codeTotal)}  ${g} (gzip alone ${gz(Buffer.concat(list.flatMap((e) => e.bufs)))})`);
  for (const e of list.sort((a, b) => b.bytes - a.bytes)) {
    if (g === 'other' && e.bytes < 200) continue;
    console.log(`  ${String(e.bytes).padStart(15)}  ${e.sub} (${e.n} functions)`);
  }
  if (g === 'other') {
    const rest = list.filter((e) => e.bytes < 200);
    if (rest.length) console.log(`  ${String(groupTotal(rest)).padStart(15)}  ${rest.length} smaller ones`);
  }
}

// Data: the string constants by what reads them is not in the binary; the largest runs of text
// say what the bytes are.
console.log('\ndata: the largest segments');
for (const [i, seg] of dataSegments.map((s, i) => [i, s]).sort((a, b) => b[1].length - a[1].length).slice(0, 4)) {
  const text = seg.toString('latin1').replace(/[^\x20-\x7e]+/g, ' ').slice(0, 90);
  console.log(`  ${String(seg.length).padStart(7)}  segment ${i}: ${text}…`);
}

// Call graph: code reachable only through a function.
const dis = run('wasm-objdump', ['-d', wasmPath]);
const calls = new Map();
let cur = null;
for (const line of dis.split('\n')) {
  let m = /^[0-9a-f]+ func\[\d+\] <(.*)>:$/.exec(line);
  if (m) { cur = m[1]; calls.set(cur, new Set()); continue; }
  m = /\|\s*call \d+ <(.*)>$/.exec(line);
  if (m && cur) calls.get(cur).add(m[1]);
}
const headers = run('wasm-objdump', ['-x', '-j', 'Export', wasmPath]) + run('wasm-objdump', ['-x', '-j', 'Elem', wasmPath]);
const roots = [...headers.matchAll(/(?:elem\[\d+\] = func\[\d+\]|- func\[\d+\]) <(.*)>(?: -> "[^"]*")?$/gm)].map((m) => m[1]);
const sizeOf = new Map(fnNames.map((n, i) => [n, bodies[i].bytes.length]));
const demOf = new Map(fnNames.map((n, i) => [n, demangled[i]]));
function reach(removed) {
  const seen = new Set();
  const st = roots.filter((r) => !removed.has(r));
  while (st.length) {
    const f = st.pop();
    if (seen.has(f) || removed.has(f)) continue;
    seen.add(f);
    for (const c of calls.get(f) || []) st.push(c);
  }
  return [...seen].reduce((s, f) => s + (sizeOf.get(f) || 0), 0);
}
const all = reach(new Set());
console.log('\ncode that exists only because of (static call graph, uncompressed bytes):');
const cuts = [
  ['printf (nlohmann lexer: snprintf "<U+%.4X>" in parse error texts)', (n) => /^(v?snprintf|printf_core)$/.test(n)],
  ['nlohmann parse error texts (parse_error::create)', (n) => /parse_error::create/.test(n)],
  ['the Scrubber', (n) => /^faultline::Scrubber::/.test(n)],
  ['symbol tables (fl_add_symbol_table)', (n) => n === 'fl_add_symbol_table'],
  ['the CLI\'s parseStack/fingerprint exports', (n) => /^fl_(parse_stack|fingerprint)$/.test(n)],
];
for (const [label, pred] of cuts) console.log(`  ${String(all - reach(new Set(fnNames.filter(pred)))).padStart(7)}  ${label}`);

console.log(`\nlargest functions:`);
for (const f of fnInfo.sort((a, b) => b.size - a.size).slice(0, top)) {
  console.log(`  ${String(f.size).padStart(7)}  ${f.name.replace(/std::__2::basic_string<char, std::__2::char_traits<char>, std::__2::allocator<char> >/g, 'std::string').replace(JSON_T, 'json…').slice(0, 130)}  [${f.sub}]`);
}
