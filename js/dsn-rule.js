// The DSN rule as one expression: what is a valid Sentry DSN, and its parts. Small enough for the
// SDK's critical path (js/index.js decides with it whether to start, and where envelopes go);
// js/dsn.js adds the error messages (a scanner held to this expression by tests/node/dsn.test.js)
// for the JS fallback core and the collector. The rules are the C++ core's (src/dsn.cpp), one
// table for both: tests/fixtures/dsn.json.

// Key and project id [\w.~-], host [\w.-], IPv6 host [\w.:-] in brackets, port 1-5 digits (range
// checked after), path [\w.~/-]; trailing slashes, then a query or fragment, are ignored.
const DSN_SHAPE = /^(https?):\/\/([\w.~-]+)(?::[^@/]*)?@(\[[\w.:-]+\]|[\w.-]+)(?::(\d{1,5}))?((?:\/[\w.~/-]*)?)\/([\w.~-]+)\/*(?:[?#][^]*)?$/;

/**
 * The parts of a valid DSN, { scheme, publicKey, host, port, path, projectId } (port 0 = the
 * scheme's default; path '' or '/prefix'), or null.
 */
export function dsnParts(text) {
  const t = typeof text == 'string' ? text.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '') : '';
  const m = t.length <= 2048 && DSN_SHAPE.exec(t);
  let port = m ? +(m[4] || 0) : 0;
  if (!m || (m[4] && !(port > 0 && port < 65536))) return null;
  if (port == (m[1] == 'https' ? 443 : 80)) port = 0;
  return { scheme: m[1], publicKey: m[2], host: m[3], port, path: m[5], projectId: m[6] };
}

/** scheme://host[:port] */
export const dsnOrigin = (d) => `${d.scheme}://${d.host}${d.port ? ':' + d.port : ''}`;

/** Where envelopes go: origin + path + /api/<project>/envelope/ */
export const envelopeUrl = (d) => `${dsnOrigin(d)}${d.path}/api/${d.projectId}/envelope/`;
