// Bundle sizes as a page pays them: esbuild (minify, ESM, code splitting), every output file gzip -9.
// The critical path is the entry file plus every chunk it reaches through static `import`
// statements (the browser must fetch those before the entry runs); chunks reached only through
// dynamic import() load lazily and count in the total only. Shared by bench/run.mjs and
// tests/node/size-budget.test.js so both report the same numbers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const gz = (buf) => zlib.gzipSync(buf, { level: 9 }).length;

/**
 * Bundles `entry` into `outdir` (a temporary directory when omitted) and attributes the chunks.
 * Returns { criticalGzip, lazyGzip, totalJsGzip, wasmGzip, totalGzip, files: [{file, bytes, gzip, critical, lazyOnlyOnFailure}] }.
 * wasm: path of a .wasm the SDK fetches lazily (added to the total), or null.
 */
export async function measureBundle(entry, { outdir, wasm = null, fallbackInputs = [] } = {}) {
  const tmp = !outdir;
  const dir = outdir || fs.mkdtempSync(path.join(os.tmpdir(), 'fl-size-'));
  fs.rmSync(dir, { recursive: true, force: true });
  try {
    const result = await esbuild.build({
      entryPoints: [entry], bundle: true, minify: true, format: 'esm', splitting: true, target: 'es2020',
      outdir: dir, metafile: true, write: true, logLevel: 'silent', absWorkingDir: repo,
    });
    const outputs = result.metafile.outputs;  // keys relative to absWorkingDir
    const abs = (k) => path.resolve(repo, k);
    const entryKey = Object.keys(outputs).find((k) => outputs[k].entryPoint && path.resolve(repo, outputs[k].entryPoint) === path.resolve(entry));
    if (!entryKey) throw new Error(`esbuild produced no output for ${entry}`);
    // Static closure of the entry.
    const critical = new Set();
    const visit = (k) => {
      if (critical.has(k)) return;
      critical.add(k);
      for (const imp of outputs[k].imports || []) if (imp.kind === 'import-statement' && outputs[imp.path]) visit(imp.path);
    };
    visit(entryKey);
    const files = [];
    for (const [k, info] of Object.entries(outputs)) {
      if (k.endsWith('.map')) continue;
      const buf = fs.readFileSync(abs(k));
      const inputs = Object.keys(info.inputs || {});
      files.push({
        file: path.basename(k), bytes: buf.length, gzip: gz(buf), critical: critical.has(k),
        // chunks that only the JS fallback core needs (loaded when the .wasm cannot be)
        onlyOnFailure: inputs.length > 0 && inputs.every((i) => fallbackInputs.some((f) => path.resolve(repo, i) === path.resolve(repo, f))),
        inputs: inputs.map((i) => path.relative(repo, path.resolve(repo, i))),
      });
    }
    const sum = (xs) => xs.reduce((s, f) => s + f.gzip, 0);
    const criticalGzip = sum(files.filter((f) => f.critical));
    const totalJsGzip = sum(files);
    const wasmGzip = wasm ? gz(fs.readFileSync(wasm)) : 0;
    return {
      criticalGzip, lazyGzip: totalJsGzip - criticalGzip, totalJsGzip, wasmGzip, totalGzip: totalJsGzip + wasmGzip,
      // what a page that loads the WASM normally fetches (the JS fallback chunk is never requested then)
      normalGzip: totalJsGzip - sum(files.filter((f) => f.onlyOnFailure)) + wasmGzip,
      files: files.sort((a, b) => Number(b.critical) - Number(a.critical) || b.gzip - a.gzip),
    };
  } finally {
    if (tmp) fs.rmSync(dir, { recursive: true, force: true });
  }
}
