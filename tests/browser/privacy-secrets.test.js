// Secrets in structured text, in real Chromium, with both cores (WASM, and the JS fallback by
// blocking the .wasm): a page plants one made-up secret of every class (JSON keys, escaped JSON,
// key: value and key=value text, Authorization headers, URL-encoded e-mails, session cookies and
// query keys, cloud/VCS/payment/chat tokens, PEM bodies, IBAN, SSN, card numbers, JWTs) through
// every path the SDK reads (console.log of objects, error messages, captureMessage, URLs of
// navigation and fetch, request.url, stack frame file names, extra, contexts, tags, breadcrumb
// data). With default options none of them may reach the collector, in any form (raw envelope
// bytes are searched), while the non-secret control values planted next to them must arrive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useChromiumScenarios } from './pages/sdk-common/harness.js';
import { validateEvent } from '../node/lib/schema.js';

const scenario = useChromiumScenarios();
const init = `(F, dsn) => F.init({ dsn, release: 'sec@1' })`;

// Each secret is unique, so any occurrence in the collected bytes is a leak of that secret.
const S = {
  jsonPassword: 'pw-json-7f3a91', jsonToken: 'tok-json-5b2c88', accessToken: 'at-json-91d0e2x', refreshToken: 'rt-json-3c7f55x',
  nestedPassword: 'pw-nested-6e02', kvPassword: 'kvpass-44e1c9', basicUserPass: 'ann:basic-pw-2291', bearer: 'brr6a1f0c9e77q',
  emailLocal: 'jane.doe.planted', queryKey: 'qk-8812aa', queryPass: 'qp-19bbe0', phpsessid: 'phps7c1d22a0', jsessionid: 'JS9F31A2C4D5',
  code: 'oauthcode-5e6f', sid: 'sid-a71c0e', awsId: 'AKIAQ3EGRJ7Z4PLANTED', awsSecret: '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',
  github: 'ghp_PLANTEDa1b2c3d4e5f6g7h8i9j0k1l2m3n4o5', stripe: 'sk_live_PLANTED4eC39HqLyjWDarjt', slack: 'xoxb-912345678012-PLANTED-AbCdEfGhIjKl',
  google: 'AIzaSyPLANTED4JsXZ-HjGw7ISLn_3namBGewQe', pemBody: 'MIIEplantedPEMbodyQIBADANBgkqhkiG9w0BAQEFAASC', iban: 'DE89370400440532013000',
  ssn: '219-09-9999', card: '4012 8888 8888 1881', jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.c2lnbmF0dXJlcGxhbnRlZA',
  cookieSession: 'lsess-0d9c8b7a', csrf: 'csrf-5a4b3c2d1e',
};
const CONTROL = ['ctl-order-4471', '0b6f8a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b', 'v3.2.1', '90210', 'qwerty', '2024-11-02', 'E_TIMEOUT',
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'];

// What must never appear: every secret, the e-mail's local part in any encoding, the Basic
// credentials encoded and decoded, the card digits grouped or not.
function forbidden() {
  const basic64 = Buffer.from(S.basicUserPass).toString('base64');
  return [...Object.values(S), basic64, 'basic-pw-2291', S.card.replace(/ /g, ''), 'jane.doe.planted%40', 'jane.doe.planted%2540'];
}

async function plant(page) {
  await page.evaluate(async ({ S, CONTROL }) => {
    const basic = btoa(S.basicUserPass);
    const email = `${S.emailLocal}%40example.com`;
    // URLs: navigation breadcrumbs, request.url of every later event, fetch breadcrumbs.
    history.pushState({}, '', `/pages/sdk-basic/?email=${email}&key=${S.queryKey}&pass=${S.queryPass}&PHPSESSID=${S.phpsessid}` +
      `&code=${S.code}&sid=${S.sid}&order=${CONTROL[0]}`);
    await fetch(`/echo?redirect=%2Flogin%3Fpassword%3D${S.nestedPassword}x%26next%3D1&JSESSIONID=${S.jsessionid}&ref=${CONTROL[1]}`);
    // console.log of objects (JSON text in the breadcrumb) and key: value text.
    console.log('login payload', { user: 'ann', password: S.jsonPassword, token: S.jsonToken, zip_code: CONTROL[3] });
    console.warn(`retrying with password: ${S.kvPassword}\nAuthorization: Basic ${basic}`);
    console.info(`headers Cookie: laravel_session=${S.cookieSession}; XSRF-TOKEN=${S.csrf}`);
    // Scope: extra, contexts, tags, breadcrumb data.
    F.setExtra('cloud', { note: `aws ${S.awsId} configured`, aws_secret_access_key: S.awsSecret, keyboard: CONTROL[4] });
    F.setExtra('log', `AWS_SECRET_ACCESS_KEY=${S.awsSecret} deploy ${CONTROL[2]} with ${S.github}`);
    F.setContext('billing', { memo: `pay to ${S.iban} ssn ${S.ssn} card ${S.card}`, day: CONTROL[5] });
    F.setTag('stripe', S.stripe);
    F.setTag('release_day', CONTROL[5]);
    F.addBreadcrumb({ category: 'custom', message: `posted with ${S.slack}`, data: { maps: `loaded ${S.google}`,
      pem: `-----BEGIN RSA PRIVATE KEY-----\n${S.pemBody}\n-----END RSA PRIVATE KEY-----`, code: CONTROL[6], sha: CONTROL[7] } });
    // Error messages with JSON, escaped JSON, tokens.
    F.captureException(new Error(`token refresh failed ${JSON.stringify({ access_token: S.accessToken, refresh_token: S.refreshToken, expires_in: 3599 })}`));
    F.captureException(new Error(`bad body ${JSON.stringify({ body: JSON.stringify({ password: S.nestedPassword, order: CONTROL[0] }) })}`));
    F.captureMessage(`call failed: Bearer ${S.bearer} / jwt ${S.jwt} / ${email}`);
    // An uncaught error from a script whose URL carries an encoded e-mail (frame file names).
    await new Promise((resolve) => {
      const s = document.createElement('script');
      s.src = `/pages/sdk-basic/app.js?user=${email}&sid=${S.sid}`;
      s.onload = resolve;
      document.head.append(s);
    });
    throwLater(renderCart, null);
    await new Promise((r) => setTimeout(r, 50));
  }, { S, CONTROL });
}

async function check(core, { page, server, flush }) {
  await plant(page);
  await flush();
  const events = server.events();
  assert.equal(events.length, 4, `4 events expected with the ${core} core`);
  for (const ev of events) assert.deepEqual(validateEvent(ev), []);
  // Every path did carry its data (a path that dropped it would make this test vacuous).
  const last = events.at(-1);
  const crumbs = last.breadcrumbs.values;
  for (const cat of ['navigation', 'fetch', 'console', 'custom']) assert.ok(crumbs.some((b) => (b.category || b.type) === cat || b.category === cat), `${cat} breadcrumb`);
  assert.ok(last.extra && last.extra.cloud && last.contexts.billing && last.tags.stripe, 'extra, contexts and tags arrived');
  assert.ok(events.every((e) => e.request && /\/pages\/sdk-basic\//.test(e.request.url)), 'request.url is set');
  const raw = server.envelopes.map((e) => e.raw + (e.query || '')).join('\n') + server.requests.map((r) => r.path + r.search).filter((p) => p.startsWith('/api/')).join('\n');
  // Also in parameterized form (grouping parts show digits as placeholders: "brr<num>a<num>f…").
  const skeleton = (s) => new RegExp(s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/[0-9]+/g, '(?:[0-9]+|<[^>]{1,16}>)'));
  const leaks = forbidden().filter((s) => raw.includes(s) || raw.includes(JSON.stringify(s).slice(1, -1)) || ((s.match(/[a-z]/gi) || []).length >= 4 && skeleton(s).test(raw)));
  console.log(`[privacy-secrets] ${core}: ${leaks.length} of ${forbidden().length} planted secret forms reached the collector${leaks.length ? ': ' + leaks.join(', ') : ''}`);
  assert.deepEqual(leaks, [], `secrets reached the collector with the ${core} core`);
  const dump = JSON.stringify(events);
  for (const c of CONTROL) assert.ok(dump.includes(c), `control value ${c} is kept with the ${core} core`);
}

test('WASM core: no planted secret of any class reaches the collector; control values do', async () => {
  await scenario({ init, core: 'wasm' }, (ctx) => check('wasm', ctx));
});

test('JS fallback core (the .wasm blocked): no planted secret reaches the collector; control values do', async () => {
  await scenario({ server: { blockWasm: true }, init, core: 'js-fallback' }, (ctx) => check('js-fallback', ctx));
});
