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

/**
 * The event as Relay stores it, from the forms SDKs send and Relay accepts on ingestion (the schema
 * describes the stored form, @sentry/browser sends these): a top-level `message` string is the
 * legacy alias of `logentry` (its `formatted`); `breadcrumbs` may be a bare array (Relay's Values<T>
 * reads both); user keys the User interface does not name are stored under `user.data`, and a
 * numeric `user.id` as a string; tag values are lenient strings (numbers and booleans become strings; other values
 * are dropped with an error annotation, which Sentry's own test suite records as "handled
 * gracefully"); the `log` level is stored as `info`. Everything else is validated as sent.
 */
export function asRelayStores(event) {
  if (!event || typeof event != 'object') return event;
  const ev = { ...event };
  if (typeof ev.message == 'string') {
    ev.logentry = { formatted: ev.message, ...ev.logentry };
    delete ev.message;
  }
  if (Array.isArray(ev.breadcrumbs)) ev.breadcrumbs = { values: ev.breadcrumbs };
  if (ev.user && typeof ev.user == 'object') {  // keys the User interface does not name are stored under user.data
    const KNOWN = ['id', 'email', 'ip_address', 'username', 'name', 'geo', 'segment', 'data', 'sentry_user'];
    const user = {}, data = {};
    for (const [k, v] of Object.entries(ev.user)) (KNOWN.includes(k) ? user : data)[k] = v;
    if (typeof user.id == 'number') user.id = String(user.id);  // a lenient string
    if (Object.keys(data).length) user.data = { ...data, ...user.data };
    ev.user = user;
  }
  const level = (l) => (l === 'log' ? 'info' : l);
  if (ev.level) ev.level = level(ev.level);
  if (ev.breadcrumbs && Array.isArray(ev.breadcrumbs.values)) {
    const known = ['fatal', 'error', 'warning', 'info', 'debug'];
    ev.breadcrumbs = { values: ev.breadcrumbs.values.map((b) => {
      if (!b || typeof b != 'object' || b.level === undefined) return b;
      const l = level(b.level);
      const { level: _, ...rest } = b;
      return known.includes(l) ? { ...b, level: l } : rest;  // an unknown level is dropped (annotated) by Relay
    }) };
  }
  if (ev.tags && typeof ev.tags == 'object' && !Array.isArray(ev.tags)) {
    const tags = {};
    for (const [k, v] of Object.entries(ev.tags)) {
      if (v === null || typeof v == 'string') tags[k] = v;
      else if (typeof v == 'number' || typeof v == 'boolean') tags[k] = String(v);
    }
    ev.tags = tags;
  }
  return ev;
}

let validate = null;
export function validateEvent(event) {
  if (!validate) {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
    // The schema uses Rust-ish formats (uint64, double, ...) that are documentation, not checks.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    validate = ajv.compile(schema);
  }
  const ok = validate(asRelayStores(event));
  return ok ? [] : validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}`);
}

/** Splits an envelope into { header, items: [{ header, payload }] } with the collector's parser. */
export function parseEnvelope(body) {
  const env = parseCollectorEnvelope(Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'));
  return { header: env.header, items: env.items.map((i) => ({ header: i.header, payload: i.payload.toString('utf8') })) };
}
