// Validates events against Sentry's published event schema (../shared/schemas), with ajv.
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import Ajv from 'ajv';
import { parseEnvelope as parseCollectorEnvelope } from '../../../demo/collector/server.js';

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

/** Splits an envelope into { header, items: [{ header, payload }] } with the collector's parser. */
export function parseEnvelope(body) {
  const env = parseCollectorEnvelope(Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'));
  return { header: env.header, items: env.items.map((i) => ({ header: i.header, payload: i.payload.toString('utf8') })) };
}
