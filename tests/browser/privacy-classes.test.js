// Every secret class of issue 14 in every place an event carries text, in real Chromium, with the
// WASM core and with the JS fallback core (a strict CSP without 'wasm-unsafe-eval', so the page
// cannot compile WebAssembly). Written from the classes: for each class, a fresh made-up secret is
// generated for each place (so a leak names its class and place), planted in the form that place
// naturally holds (text, or a URL for navigation, fetch and the request URL), next to a control
// value that must arrive (so a place that dropped its data cannot pass for a scrubbed one). The
// envelopes are checked as the collector receives them: raw bytes, also for encoded forms.
//
// Classes: JSON in messages; key=value text; key: value text (and an Authorization header); a
// URL-encoded e-mail; the query keys key, pass, PHPSESSID, code, sid; AWS access key ids and bare
// secret keys; GitHub, GitLab, Stripe and Slack tokens; PEM private-key bodies with and without
// their BEGIN line; IBANs (mod-97 checksum); US SSNs; card numbers (Luhn).
// Places: message, exception value, extra, contexts, breadcrumbs (console message, navigation URL,
// fetch URL), request URL, tags, user.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { useChromiumScenarios } from './pages/sdk-common/harness.js';
import { crumbsOf } from './lib/events.js';
import { validateEvent } from '../node/lib/schema.js';

const scenario = useChromiumScenarios();
const init = `(F, dsn) => F.init({ dsn, release: 'classes@1' })`;
const PLACES = ['message', 'exception', 'extra', 'context', 'console', 'navigation', 'fetch', 'tag', 'user'];

const rnd = (alphabet, n) => Array.from(crypto.randomBytes(n), (b) => alphabet[b % alphabet.length]).join('');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const digits = (n) => rnd('0123456789', n);

function luhnDigit(body) {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = +body[body.length - 1 - i];
    if (i % 2 == 0 && (d *= 2) > 9) d -= 9;
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}
function iban(country, bban) {
  const num = (bban + country + '00').replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  return country + String(98 - Number(BigInt(num) % 97n)).padStart(2, '0') + bban;
}
function awsSecret() {
  // 30 random bytes in base64 with the evidence the rule documents (README, Privacy: ~99.7% of
  // random keys have it).
  for (;;) {
    const k = crypto.randomBytes(30).toString('base64');
    const classes = k.replace(/[+/]/g, '').replace(/[A-Z]/g, 'U').replace(/[a-z]/g, 'l').replace(/[0-9]/g, 'd');
    const changes = [...classes].filter((c, i) => i > 0 && c != classes[i - 1]).length;
    const wordy = (k.match(/[a-z]{3,}/g) || []).reduce((n, w) => n + w.length, 0);
    if (/U/.test(classes) && /l/.test(classes) && /d/.test(classes) && changes >= 12 && wordy < 20 && k[0] != '/') return k;
  }
}
function pemLines(label) {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
  const pem = privateKey.export({ type: label == 'RSA' ? 'pkcs1' : 'pkcs8', format: 'pem' });
  return pem.split('\n').filter((l) => l && !l.startsWith('-----'));
}

// Each class: make() -> { secrets: [strings that must never arrive], text: as written in text,
// url: as a query string (without '?') }.
const CLASSES = {
  json: () => { const s = 'pw' + rnd(LOWNUM, 10); return { secrets: [s], text: `request failed ${JSON.stringify({ user: 'ann', password: s, refresh_token: s + 'r' })}`, extraSecrets: [s + 'r'] }; },
  kvEquals: () => { const s = 'kv' + rnd(LOWNUM, 10); return { secrets: [s], text: `login failed password=${s} for ann` }; },
  kvColon: () => { const s = 'kc' + rnd(LOWNUM, 10), b = 'Bb' + rnd(ALNUM, 16); return { secrets: [s, b], text: `retry with password: ${s}\nAuthorization: Bearer ${b}` }; },
  encodedEmail: () => { const s = 'jane.' + rnd(LOWNUM, 8); return { secrets: [s], text: `signup ?email=${s}%40example.com`, url: `email=${s}%40example.com` }; },
  queryKeys: () => {
    const v = ['key', 'pass', 'PHPSESSID', 'code', 'sid'].map((k) => [k, k.toLowerCase().slice(0, 3) + rnd(LOWNUM, 10)]);
    const q = v.map(([k, s]) => `${k}=${s}`).join('&');
    return { secrets: v.map(([, s]) => s), text: `GET /login?${q}&lang=en`, url: q };
  },
  awsKeyId: () => { const s = 'AKIA' + rnd('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16); return { secrets: [s], text: `aws ${s} configured` }; },
  awsSecret: () => { const s = awsSecret(); return { secrets: [s], text: `s3 signing failed with ${s} for bucket logs` }; },
  github: () => { const s = 'ghp_' + rnd(ALNUM, 36); return { secrets: [s], text: `push with ${s} ok` }; },
  gitlab: () => { const s = 'glpat-' + rnd(ALNUM, 20); return { secrets: [s], text: `clone with ${s} ok` }; },
  stripe: () => { const s = 'sk_live_' + rnd(ALNUM, 24); return { secrets: [s], text: `charge via ${s}` }; },
  slack: () => { const s = `xoxb-${digits(12)}-${digits(13)}-${rnd(ALNUM, 24)}`; return { secrets: [s], text: `posted with ${s}` }; },
  pem: () => { const l = pemLines('RSA'); return { secrets: l, text: `key -----BEGIN RSA PRIVATE KEY-----\n${l.join('\n')}\n-----END RSA PRIVATE KEY----- loaded` }; },
  pemBare: () => { const l = pemLines('PKCS8'); return { secrets: l, text: `key material:\n${l.join('\n')}\nloaded` }; },
  iban: () => { const s = iban('DE', digits(18)); return { secrets: [s], text: `pay to ${s} today` }; },
  ssn: () => { const s = `${100 + (crypto.randomBytes(1)[0] % 500)}-${10 + (crypto.randomBytes(1)[0] % 89)}-${1000 + (crypto.randomBytes(2).readUInt16BE() % 8999)}`; return { secrets: [s], text: `ssn ${s} on file` }; },
  card: () => {
    const body = '4' + digits(14), n = body + luhnDigit(body);
    const spaced = n.replace(/(\d{4})(?=\d)/g, '$1 ');
    return { secrets: [n, spaced], text: `card ${spaced} declined` };
  },
};

// Plants one class in every place; returns the control values that must arrive.
function planFor(name) {
  const plan = {};
  for (const place of PLACES) {
    const c = CLASSES[name]();
    const ctl = `ctl-${name}-${place}`;
    plan[place] = { ...c, secrets: [...c.secrets, ...(c.extraSecrets || [])], ctl,
      url: `ctl=${ctl}&${c.url || 'note=' + encodeURIComponent(c.text)}` };
  }
  return plan;
}

async function plantClass(page, name, plan) {
  await page.evaluate(async ({ name, plan }) => {
    const F = window.F;
    F.setExtra('planted', `${plan.extra.ctl} ${plan.extra.text}`);
    F.setContext('planted', { note: `${plan.context.ctl} ${plan.context.text}` });
    F.setTag('planted', `${plan.tag.ctl} ${plan.tag.text}`.slice(0, 200));
    F.setUser({ id: plan.user.ctl, username: plan.user.text });
    console.log(`${plan.console.ctl} ${plan.console.text}`);
    history.pushState({}, '', `/pages/sdk-basic/?${plan.navigation.url}`);
    await fetch(`/echo?${plan.fetch.url}`);
    F.captureMessage(`${plan.message.ctl} ${plan.message.text}`);
    F.captureException(new Error(`${plan.exception.ctl} ${plan.exception.text}`));
    // The next class starts from a clean URL (its request URL then carries only its own plant).
    await new Promise((r) => setTimeout(r, 10));
  }, { name, plan });
}

// Forms in which a secret could arrive: as written, percent-encoded (once or twice), JSON-escaped,
// and with its digits turned into placeholders (grouping parts: "ab<num>cd").
function leaked(raw, secret) {
  const forms = [secret, encodeURIComponent(secret), encodeURIComponent(encodeURIComponent(secret)), JSON.stringify(secret).slice(1, -1)];
  if (forms.some((f) => raw.includes(f))) return true;
  if ((secret.match(/[a-z]/gi) || []).length < 4) return false;
  const skeleton = secret.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/[0-9]+/g, '(?:[0-9]+|<[^>]{1,16}>)');
  return new RegExp(skeleton).test(raw);
}

async function check(core, { page, server, flush }) {
  const plans = Object.fromEntries(Object.keys(CLASSES).map((name) => [name, planFor(name)]));
  for (const [name, plan] of Object.entries(plans)) await plantClass(page, name, plan);
  assert.equal(await flush(), true, 'flush delivered everything');
  const events = server.events();
  assert.equal(events.length, 2 * Object.keys(CLASSES).length, `two events per class with the ${core} core`);
  for (const ev of events) assert.deepEqual(validateEvent(ev), [], 'schema-valid as sent');

  // Every place carried its control value to the collector.
  const dump = JSON.stringify(events);
  const missing = [];
  for (const [name, plan] of Object.entries(plans)) for (const place of PLACES) if (!dump.includes(plan[place].ctl)) missing.push(`${name}/${place}`);
  assert.deepEqual(missing, [], `places that did not arrive with the ${core} core`);
  // The request URL of each class's events is the URL its navigation planted.
  for (const ev of events) assert.match(ev.request?.url || '', /ctl=ctl-\w+-navigation/, 'request.url carries the planted URL');
  assert.ok(crumbsOf(events.at(-1)).some((b) => b.category === 'fetch'), 'fetch breadcrumbs');

  const raw = server.envelopes.map((e) => e.raw + (e.query || '')).join('\n');
  const leaks = [];
  for (const [name, plan] of Object.entries(plans)) {
    for (const place of PLACES) for (const s of plan[place].secrets) if (leaked(raw, s)) leaks.push(`${name} in ${place}: ${s.slice(0, 24)}`);
  }
  const total = Object.values(plans).reduce((n, p) => n + PLACES.reduce((m, pl) => m + p[pl].secrets.length, 0), 0);
  console.log(`[privacy-classes] ${core}: ${leaks.length} of ${total} planted secrets (${Object.keys(CLASSES).length} classes x ${PLACES.length} places) reached the collector`);
  assert.deepEqual(leaks, [], `secrets reached the collector with the ${core} core`);
}

test('WASM core (CSP script-src self + wasm-unsafe-eval): no secret of any class reaches the collector from any place', async () => {
  const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";
  await scenario({ server: { csp }, init, core: 'wasm' }, (ctx) => check('wasm', ctx));
});

test('JS fallback core (strict CSP, no wasm-unsafe-eval): no secret of any class reaches the collector from any place', async () => {
  const csp = "default-src 'self'; script-src 'self'";
  await scenario({ server: { csp }, init, core: 'js-fallback' }, (ctx) => check('js-fallback', ctx));
});
