// What the WASM core's code is made of: function body sizes by owner (from the name section of
// build/bench-profiling/faultline.wasm, which `node bench/profile.mjs` builds: same code as dist/,
// plus names), and what removing a dependency would save (code reachable only through it, by the
// static call graph; exports and the indirect-call table are the roots).
//   node bench/wasm-size.mjs            needs wasm-objdump (Debian: wabt) and c++filt (binutils)
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { repo, gz } from './sizes.mjs';

const wasm = path.join(repo, 'build/bench-profiling/faultline.wasm');
if (!fs.existsSync(wasm)) {
  console.error('build/bench-profiling/faultline.wasm is missing: run node bench/profile.mjs capture first (it builds it)');
  process.exit(1);
}
const run = (cmd, args, input) => execFileSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 1 << 28 });
const headers = run('wasm-objdump', ['-x', wasm]);
const dis = run('wasm-objdump', ['-d', wasm]);

const size = new Map();
for (const m of headers.matchAll(/^\s*- func\[\d+\] size=(\d+) <(.*)>$/gm)) size.set(m[2], Number(m[1]));
const elems = [...headers.matchAll(/elem\[\d+\] = func\[\d+\] <(.*)>$/gm)].map((m) => m[1]);
const exportsList = [...headers.matchAll(/^\s*- func\[\d+\] <(.*)> -> "/gm)].map((m) => m[1]);
const calls = new Map();
let cur = null;
for (const line of dis.split('\n')) {
  let m = /^[0-9a-f]+ func\[\d+\] <(.*)>:$/.exec(line);
  if (m) {
    cur = m[1];
    calls.set(cur, new Set());
    continue;
  }
  m = /\|\s*call \d+ <(.*)>$/.exec(line);
  if (m && cur) calls.get(cur).add(m[1]);
}
const names = [...size.keys()];
const demangled = run('c++filt', [], names.join('\n')).split('\n');
const dem = new Map(names.map((n, i) => [n, demangled[i] || n]));

// Owner of a function: its own qualified name with template arguments and parameters removed.
function owner(n) {
  let s = dem.get(n).replace(/\(anonymous namespace\)::/g, '');
  for (let i = 0; i < 8; i++) s = s.replace(/<[^<>]*>/g, '');
  s = s.replace(/\(.*$/, '');
  if (/^nlohmann::/.test(s) || /nlohmann/.test(dem.get(n))) return 'nlohmann::json (parser, serializer, DOM, std:: containers of json)';
  if (/^emscripten::|_embind_|^__getTypeName|^__cxxabiv1::|^__dynamic_cast/.test(s)) return 'Embind + C++ ABI (type info for Embind)';
  if (/^(printf_core|fmt_fp|__vfprintf_internal|pop_arg|snprintf|vsnprintf|sn_write|out|pad|fmt_[xou]|getint|__fwritex)/.test(s)) return 'libc printf (snprintf)';
  if (/^(__floatscan|decfloat|hexfloat|scanexp|strtod|strtof|strtold|__shlim|__shgetc|scalbnl?|fmodl|copysignl|frexpl?|__(add|sub|mul|div)tf3|__(extend|trunc)\w+|__fix\w+|__float\w+|__letf2|__getf2|__eqtf2|__netf2|__unordtf2|__lttf2|__gttf2|__multi3|__ashlti3|__lshrti3)$/.test(s)) return 'libc strtod + long double soft-float';
  if (/^std::|^__cxx|^std::__2/.test(s)) return 'libc++ (std::)';
  if (/^(Core|fingerprint|parseStack)\b/.test(s)) return `bindings: ${s.split('::').slice(0, 2).join('::')}`;
  if (/^faultline::/.test(s)) return `faultline core: ${/^faultline::(\w+)/.exec(s)[1]}`;
  if (/^(malloc|free|emmalloc|sbrk|memcpy|memset|memmove|__memcpy|strlen|memcmp|memchr|strchr|abort|emscripten_|__wasm_call_ctors|stackSave|stackRestore|stackAlloc|__errno_location|operator new|operator delete)/.test(s)) return 'libc/emmalloc/runtime';
  return 'other (libc, compiler runtime, anonymous helpers)';
}

function reach(roots, removed) {
  const seen = new Set();
  const st = roots.filter((r) => !removed.has(r));
  while (st.length) {
    const f = st.pop();
    if (seen.has(f) || removed.has(f)) continue;
    seen.add(f);
    for (const c of calls.get(f) || []) st.push(c);
  }
  return seen;
}
const roots = [...exportsList, ...elems];
const sum = (set) => [...set].reduce((s, f) => s + (size.get(f) || 0), 0);
const total = sum(reach(roots, new Set()));
const saving = (pred, dropRoots = []) => total - sum(reach(roots.filter((r) => !dropRoots.some((d) => dem.get(r).startsWith(d))), new Set(names.filter(pred))));

const byOwner = {};
for (const [n, s] of size) byOwner[owner(n)] = (byOwner[owner(n)] || 0) + s;
const codeSec = /Code start=0x([0-9a-f]+) end=0x([0-9a-f]+)/.exec(run('wasm-objdump', ['-h', wasm]));
const dataSec = /Data start=0x([0-9a-f]+) end=0x([0-9a-f]+)/.exec(run('wasm-objdump', ['-h', wasm]));
const secBytes = (m) => (m ? parseInt(m[2], 16) - parseInt(m[1], 16) : 0);
const dist = path.join(repo, 'dist/faultline.wasm');
console.log(`dist/faultline.wasm: ${fs.statSync(dist).size} bytes, ${gz(fs.readFileSync(dist))} gzip -9; code section ${secBytes(codeSec)} bytes in ${size.size} functions, data ${secBytes(dataSec)} bytes`);
console.log('\ncode by owner (function body bytes, uncompressed):');
for (const [k, v] of Object.entries(byOwner).sort((a, b) => b[1] - a[1])) console.log(`  ${String(v).padStart(7)}  ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
console.log('\ncode that exists only because of (static call graph, uncompressed bytes):');
const cuts = [
  ['strtod (nlohmann lexer parses numbers with std::strtod -> long double soft-float)', (n) => /::strtof\(double&/.test(dem.get(n))],
  ['snprintf (nlohmann: \\u00XX escapes and error token text; Embind __getTypeName)', (n) => ['snprintf', 'vsnprintf', '__vfprintf_internal'].includes(n), ['fmt_fp', 'pop_arg_long_double']],
  ['Embind type names (__getTypeName export)', (n) => n === '__getTypeName', ['__getTypeName']],
  ['Scrubber', (n) => /^faultline::Scrubber::/.test(dem.get(n))],
  ['Core::clientReport', (n) => /Core::clientReport/.test(dem.get(n))],
  ['debug exports fingerprint()/parseStack()', (n) => /^\(anonymous namespace\)::(fingerprint|parseStack)\(/.test(dem.get(n))],
];
for (const [label, pred, dropRoots] of cuts) console.log(`  ${String(saving(pred, dropRoots)).padStart(7)}  ${label}`);
console.log('\nlargest functions:');
for (const [n, s] of [...size].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${String(s).padStart(7)}  ${dem.get(n).replace(/std::__2::basic_string<char, std::__2::char_traits<char>, std::__2::allocator<char> >/g, 'std::string').slice(0, 140)}`);
