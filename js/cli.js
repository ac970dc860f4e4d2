#!/usr/bin/env node
// `faultline` command-line tool: runs the same WASM core as the browser SDK.
//   faultline parse-stack   NDJSON {"stack","message"} on stdin  -> {"frames":[...]} per line
//   faultline fingerprint   NDJSON {"type","value","stack"}      -> {"fingerprint","title","frames","parts"}
// One output line per non-empty input line, in order; a malformed line yields {"error": "..."}.
import { createInterface } from 'node:readline';
import { loadCore } from './core-node.js';

const USAGE = `usage: faultline <command>

commands:
  parse-stack   read NDJSON lines {"stack": "...", "message": "..."} on stdin,
                write {"frames": [...]} (Sentry frames, oldest first) per line
  fingerprint   read NDJSON lines {"type": "...", "value": "...", "stack": "..."} on stdin,
                write {"fingerprint": "...", "title": "...", "frames": [...], "parts": {...}} per line
  help          show this text

A malformed input line gets an {"error": "..."} line in its place; processing continues.`;

async function main(argv) {
  const cmd = argv[0];
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    process.stdout.write(USAGE + '\n');
    return cmd ? 0 : 2;
  }
  if (cmd !== 'parse-stack' && cmd !== 'fingerprint') {
    process.stderr.write(`faultline: unknown command '${cmd}'\n\n${USAGE}\n`);
    return 2;
  }
  const mod = await loadCore();
  const op = cmd === 'parse-stack' ? mod.parseStack : mod.fingerprint;
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

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`faultline: ${err && err.message ? err.message : err}\n`);
    process.exitCode = 1;
  },
);
