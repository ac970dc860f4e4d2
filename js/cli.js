#!/usr/bin/env node
// `faultline` command-line tool: runs the browser SDK's C++ core, built as the tools
// module (dist/faultline-tools.*: the same parser and grouping, plus source map decoding).
//   faultline parse-stack   NDJSON {"stack","message"} on stdin  -> {"frames":[...]} per line
//   faultline fingerprint   NDJSON {"type","value","stack"}      -> {"fingerprint","title","frames","parts"}
//   faultline fingerprint --source-maps <dir>   the same, grouping on the original names the maps give
//   faultline symbolicate --source-maps <dir>   NDJSON {"stack"} -> {"frames":[...]} with original frames
//   faultline sourcemaps inject <dir>           debug IDs, registration snippet and symbol tables
//   faultline sourcemaps upload <dir> --url <collector> [--release R] [--url-prefix P] [--project N]
// One output line per non-empty input line, in order; a malformed line yields {"error": "..."}.
import { existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { createInterface } from 'node:readline';
import { MapLoader, injectDirectory, loadTools } from './sourcemaps-cli.js';
import { uploadDirectory } from './sourcemaps-upload.js';

const USAGE = `usage: faultline <command>

commands:
  parse-stack   read NDJSON lines {"stack": "...", "message": "..."} on stdin,
                write {"frames": [...]} (Sentry frames, oldest first) per line
  fingerprint   read NDJSON lines {"type": "...", "value": "...", "stack": "..."} on stdin,
                write {"fingerprint": "...", "title": "...", "frames": [...], "parts": {...}} per line
  symbolicate --source-maps <dir>
                read NDJSON lines {"stack": "..."}, write {"frames": [...]} where frames of a
                bundle with a map in <dir> show the original function, file, line and column
                ("resolved": true, the minified frame under "minified")
  sourcemaps inject <dir>
                for each built .js in <dir> with a source map: a debug ID (//# debugId= in the
                .js, debugId/debug_id in the .map), the runtime registration Sentry's and
                Faultline's SDKs read, and the symbol table <file>.flsym.json; one JSON line per file.
                --tables-from-code: also scripts without a map (unminified), with a table of
                their own code's calls (for JavaScriptCore's proper tail calls)
  sourcemaps upload <dir> --url <collector or DSN> [--release R] [--url-prefix ~/assets/] [--project N]
                send each built .js of <dir> with its map to a Faultline collector, which resolves
                stored events' frames with them (by debug ID, else by URL and release); the URL
                of <dir>/a/b.js is <url-prefix>a/b.js (default ~/); one JSON line per file
  help          show this text

fingerprint --source-maps <dir> groups on the original names and files. For a frame whose file's
basename is X, the map is <dir>/X.map, or the one named by the sourceMappingURL comment of <dir>/X,
or the map in <dir> with the debug ID of <dir>/X.

A malformed input line gets an {"error": "..."} line in its place; processing continues.`;

async function main(argv) {
  const cmd = argv[0];
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    process.stdout.write(USAGE + '\n');
    return cmd ? 0 : 2;
  }
  if (cmd === 'sourcemaps') return sourcemapsCommand(argv.slice(1));
  if (cmd !== 'parse-stack' && cmd !== 'fingerprint' && cmd !== 'symbolicate') {
    process.stderr.write(`faultline: unknown command '${cmd}'\n\n${USAGE}\n`);
    return 2;
  }
  const mapsAt = argv.indexOf('--source-maps');
  const mapsDir = mapsAt > 0 ? argv[mapsAt + 1] : undefined;
  if ((mapsAt > 0 && !mapsDir) || (cmd === 'symbolicate' && !mapsDir) || (cmd === 'parse-stack' && mapsAt > 0)) {
    process.stderr.write(`faultline: ${cmd} needs --source-maps <dir>\n\n${USAGE}\n`);
    return 2;
  }
  if (mapsDir && !existsSync(mapsDir)) {
    process.stderr.write(`faultline: --source-maps: no such directory '${mapsDir}'\n`);
    return 2;
  }
  let op;
  if (mapsDir) {
    const tools = await loadTools();
    // An absolute directory: the loader matches frames' files against paths under it, and a
    // relative one (`min/`) silently matched nothing.
    const maps = new MapLoader(tools, resolvePath(mapsDir));
    const resolved = cmd === 'symbolicate' ? tools.symbolicate : tools.fingerprintResolved;
    op = (line) => {
      const parsed = JSON.parse(tools.parseStack(line));
      const errors = parsed.frames ? maps.prepare(parsed.frames) : {};
      const out = resolved(line);
      if (Object.keys(errors).length === 0) return out;
      // A map that does not decode leaves its frames unresolved; say why beside the answer.
      const result = JSON.parse(out);
      if (!result.error) result.source_map_errors = errors;
      return JSON.stringify(result);
    };
  } else {
    // parse-stack and fingerprint are the tools module's (the browser module does not carry them).
    const tools = await loadTools();
    op = cmd === 'parse-stack' ? tools.parseStack : tools.fingerprint;
  }
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let out = [];
  const flush = () => {
    if (out.length) {
      process.stdout.write(out.join(''));
      out = [];
    }
  };
  for await (const line of rl) {
    if (line.trim() === '') continue;
    let result;
    try {
      result = op(line);
    } catch (err) {
      result = JSON.stringify({ error: `internal error: ${err && err.message ? err.message : String(err)}` });
    }
    out.push(result + '\n');
    if (out.length >= 256) flush();
  }
  flush();
  return 0;
}

const SOURCEMAPS_USAGE = 'usage: faultline sourcemaps inject <dir> [--tables-from-code]\n       faultline sourcemaps upload <dir> --url <collector> [--release R] [--url-prefix P] [--project N]';

// --name value options; unknown options and missing values are usage errors.
function options(args, names) {
  const out = { rest: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) {
      out.rest.push(a);
      continue;
    }
    const name = a.slice(2);
    if (!names.includes(name) || args[i + 1] === undefined || args[i + 1].startsWith('--')) return { error: `option ${a} ${names.includes(name) ? 'needs a value' : 'is unknown'}` };
    out[name] = args[++i];
  }
  return out;
}

async function sourcemapsCommand(args) {
  const sub = args[0];
  const tablesFromCode = sub === 'inject' && args.includes('--tables-from-code');
  if (tablesFromCode) args = args.filter((a) => a !== '--tables-from-code');
  const opts = options(args.slice(1), sub === 'upload' ? ['url', 'release', 'url-prefix', 'project'] : []);
  const dir = opts.rest && opts.rest[0];
  if ((sub !== 'inject' && sub !== 'upload') || opts.error || !dir || opts.rest.length > 1 || (sub === 'upload' && !opts.url)) {
    process.stderr.write(`faultline: ${opts.error ? opts.error + '\n' : ''}${SOURCEMAPS_USAGE}\n`);
    return 2;
  }
  if (!existsSync(dir)) {
    process.stderr.write(`faultline: sourcemaps ${sub}: no such directory '${dir}'\n`);
    return 2;
  }
  const report = sub === 'inject'
    ? await injectDirectory(dir, { tablesFromCode })
    : await uploadDirectory(dir, { url: opts.url, release: opts.release ?? null, project: opts.project ?? null, urlPrefix: opts['url-prefix'] ?? '~/' });
  for (const entry of report) process.stdout.write(JSON.stringify(entry) + '\n');
  return report.some((e) => e.error) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`faultline: ${err && err.message ? err.message : err}\n`);
    process.exitCode = 1;
  },
);
