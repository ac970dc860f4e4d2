// Validates events against Sentry's published event schema (../shared/schemas), with ajv.
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import Ajv from 'ajv';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');

export function sharedDir() {
  const candidates = [process.env.FAULTLINE_SHARED_DIR, path.resolve(root, '../shared'), path.resolve(root, 'shared')];
  for (const c of candidates) if (c && existsSync(path.join(c, 'schemas/sentry-event.schema.json'))) return c;
  throw new Error(`Sentry event schema not found (looked in ${candidates.filter(Boolean).join(', ')})`);
}

let validate = null;
export function validateEvent(event) {
  if (!validate) {
    const schema = JSON.parse(readFileSync(path.join(sharedDir(), 'schemas/sentry-event.schema.json'), 'utf8'));
    // The schema uses Rust-ish formats (uint64, double, ...) that are documentation, not checks.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    validate = ajv.compile(schema);
  }
  const ok = validate(event);
  return ok ? [] : validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}`);
}

/** Splits an envelope into { header, items: [{ header, payload }] } honouring `length`. */
export function parseEnvelope(body) {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  let pos = buf.indexOf(0x0a);
  const header = JSON.parse(buf.subarray(0, pos < 0 ? buf.length : pos).toString('utf8'));
  const items = [];
  pos = pos < 0 ? buf.length : pos + 1;
  while (pos < buf.length) {
    let nl = buf.indexOf(0x0a, pos);
    if (nl < 0) nl = buf.length;
    const line = buf.subarray(pos, nl).toString('utf8');
    pos = nl + 1;
    if (!line.trim()) continue;
    const ih = JSON.parse(line);
    let payload;
    if (typeof ih.length === 'number') {
      payload = buf.subarray(pos, pos + ih.length).toString('utf8');
      pos += ih.length + 1;
    } else {
      let end = buf.indexOf(0x0a, pos);
      if (end < 0) end = buf.length;
      payload = buf.subarray(pos, end).toString('utf8');
      pos = end + 1;
    }
    items.push({ header: ih, payload });
  }
  return { header, items };
}
