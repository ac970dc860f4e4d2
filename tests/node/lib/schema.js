// Validates events against Sentry's published event schema (tests/fixtures/sentry-schema, copied
// from Sentry's sentry-data-schemas, MIT), with ajv.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import Ajv from 'ajv';
import { parseEnvelope as parseCollectorEnvelope } from '../../../demo/collector/server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');

export const SCHEMA_PATH = path.join(root, 'tests/fixtures/sentry-schema/sentry-event.schema.json');

let validate = null;
/**
 * Errors of an event against the published schema, as it is (no mapping): the wire form the SDK
 * sends (js/wire.js) must validate as sent. [] when valid.
 */
export function validateEvent(event) {
  if (!validate) {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
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
