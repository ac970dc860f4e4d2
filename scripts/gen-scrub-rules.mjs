#!/usr/bin/env node
// Generates js/scrub-rules.js from src/scrub_rules.json (the one source of the scrubbing rules; the
// WASM core embeds the JSON at build). `node scripts/gen-scrub-rules.mjs --check` fails when the
// generated file is stale (tests/node/scrub-parity.test.js runs the same check).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export function generate() {
  const { note, ...rules } = JSON.parse(fs.readFileSync(path.join(root, 'src/scrub_rules.json'), 'utf8'));
  return '// Generated from src/scrub_rules.json by scripts/gen-scrub-rules.mjs: do not edit (see that file\'s note).\n' +
    `export default ${JSON.stringify(rules)};\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const out = path.join(root, 'js/scrub-rules.js');
  const text = generate();
  if (process.argv.includes('--check')) {
    if (fs.readFileSync(out, 'utf8') !== text) {
      console.error('js/scrub-rules.js is stale: run node scripts/gen-scrub-rules.mjs');
      process.exit(1);
    }
  } else {
    fs.writeFileSync(out, text);
    console.log(`[gen-scrub-rules] js/scrub-rules.js ${text.length} bytes`);
  }
}
