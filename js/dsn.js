// Sentry DSN: scheme://publickey[:secret]@host[:port]/[path/]projectid, parsed with the rules of
// the C++ core (src/dsn.cpp), for the SDK, the JS fallback core and the collector's upstream.
// tests/fixtures/dsn.json is run against both (tests/native/test_dsn.cpp, tests/node/dsn.test.js).
// Never throws.
//
// The rules are written twice, and tests/node/dsn.test.js holds the two to each other on the
// table and on generated texts: as one expression (js/dsn-rule.js dsnParts: what is accepted, and
// its parts; small enough for the SDK's critical path, where js/index.js decides with it whether to
// start and where envelopes go), and as the character scanner below (the error messages, which
// say what is wrong).

import { dsnParts } from './dsn-rule.js';

export { dsnParts };
export { dsnOrigin, envelopeUrl } from './dsn-rule.js';

/**
 * { ok: true, dsn: dsnParts(text) }, or { ok: false, error: 'invalid DSN: …' } saying what is wrong.
 */
export function parseDsn(text) {
  const dsn = dsnParts(text);
  if (dsn) return { ok: true, dsn };
  const scanned = scanDsn(text);
  return scanned.ok ? { ok: false, error: 'invalid DSN: not of the form https://key@host/project' } : scanned;
}

const KEY = /^[A-Za-z0-9._~-]+$/;  // public key, project id
const HOST = /^[A-Za-z0-9._-]+$/;
const PATH = /^[A-Za-z0-9._~/-]*$/;

/**
 * The same rules as a character scanner, for the error message: parseDsn's result shape. (One
 * pass, each check where parse_dsn in src/dsn.cpp makes it, so that the messages stay the core's.)
 */
export function scanDsn(text) {
  const fail = (why) => ({ ok: false, error: 'invalid DSN: ' + why });
  const trimmed = typeof text == 'string' ? text.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '') : '';
  if (!trimmed) return fail('empty');
  if (trimmed.length > 2048) return fail('longer than 2048 characters');
  const sep = trimmed.indexOf('://');
  if (sep < 0) return fail('missing scheme (expected https://key@host/project)');
  const scheme = trimmed.slice(0, sep);
  if (scheme != 'https' && scheme != 'http') return fail(`unsupported scheme '${scheme}' (use http or https)`);
  let rest = trimmed.slice(sep + 3);
  const atSign = rest.indexOf('@'), slash0 = rest.indexOf('/');
  if (atSign < 0 || (slash0 >= 0 && atSign > slash0)) return fail('missing public key (expected https://key@host/project)');
  const key = rest.slice(0, atSign).split(':')[0];  // a legacy ":secret" part is accepted and dropped
  if (!key) return fail('empty public key');
  if (!KEY.test(key)) return fail('public key has an invalid character');
  rest = rest.slice(atSign + 1);
  const slash = rest.indexOf('/');
  if (slash < 0) return fail('missing project id (expected https://key@host/project)');
  const hostport = rest.slice(0, slash);
  let pathpart = rest.slice(slash), host = hostport, port = '';
  if (hostport[0] == '[') {
    const close = hostport.indexOf(']');
    if (close < 0) return fail('unterminated IPv6 host');
    host = hostport.slice(0, close + 1);
    const after = hostport.slice(close + 1);
    if (after) {
      if (after[0] != ':') return fail('unexpected text after IPv6 host');
      port = after.slice(1);
      if (!port) return fail('empty port');
    }
    if (!/^[A-Za-z0-9._:-]*$/.test(host.slice(1, -1))) return fail('host has an invalid character');
  } else {
    const portColon = hostport.lastIndexOf(':');
    if (portColon >= 0) {
      host = hostport.slice(0, portColon);
      port = hostport.slice(portColon + 1);
      if (!port) return fail('empty port');
    }
    if (host && !HOST.test(host)) return fail('host has an invalid character');
  }
  if (!host || host == '[]') return fail('empty host');
  let portNumber = 0;
  if (port) {
    if (port.length > 5) return fail('port out of range');
    if (!/^[0-9]+$/.test(port)) return fail('port is not a number');
    portNumber = +port;
    if (portNumber < 1 || portNumber > 65535) return fail('port out of range');
    if ((scheme == 'https' && portNumber == 443) || (scheme == 'http' && portNumber == 80)) portNumber = 0;
  }
  // Drop query/fragment, then split "/prefix/.../project".
  const queryStart = pathpart.search(/[?#]/);
  if (queryStart >= 0) pathpart = pathpart.slice(0, queryStart);
  while (pathpart.length > 1 && pathpart.endsWith('/')) pathpart = pathpart.slice(0, -1);
  const last = pathpart.lastIndexOf('/');
  const projectId = pathpart.slice(last + 1), path = pathpart.slice(0, last);
  if (!projectId) return fail('missing project id (expected https://key@host/project)');
  if (!KEY.test(projectId)) return fail('project id has an invalid character');
  if (!PATH.test(path)) return fail('path has an invalid character');
  return { ok: true, dsn: { scheme, publicKey: key, host, port: portNumber, path, projectId } };
}

/** The canonical DSN text, without the secret. */
export const dsnString = (d) => `${d.scheme}://${d.publicKey}@${d.host}${d.port ? ':' + d.port : ''}${d.path}/${d.projectId}`;
