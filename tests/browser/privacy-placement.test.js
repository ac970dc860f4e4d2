// Where scrubbing applies, in real Chromium, through the public API only, with the WASM core and
// with the JS fallback under a strict CSP (no 'wasm-unsafe-eval'). The outside attack of
// 2026-12-01 found secrets that the rules recognise but that sat in places the scrubber did not
// read. Each place here gets secrets generated from their classes (a sensitive key and a value, an
// e-mail, a Luhn-valid card number, a GitHub token, a valid IBAN), fresh for each run:
//   parameterize values (logentry.params), console arguments split as key and value, the session's
//   distinct id (did), the exception type, object keys (extra, tags, context names), breadcrumb
//   category, fingerprint entries (captureEvent and scope.setFingerprint), a tab around '=', a
//   lower-case IBAN, a card number given as a Number, a JSON key written with a \u escape.
// None may reach the collector in any form (raw envelope bytes of events and sessions are searched,
// as written and JSON-escaped), and the control values planted in the same places must arrive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { useChromiumScenarios } from './pages/sdk-common/harness.js';
import { validateEvent } from '../node/lib/schema.js';

const scenario = useChromiumScenarios();
const init = `(F, dsn) => F.init({ dsn, release: 'place@1' })`;

const pick = (xs) => xs[crypto.randomInt(xs.length)];
const alnum = (n) => Array.from({ length: n }, () => pick([...'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'])).join('');
const digits = (n) => Array.from({ length: n }, () => crypto.randomInt(10)).join('');
function luhnCard() {
  const body = pick(['4', '51', '52', '53', '54', '55']) + digits(14);
  const d = body.slice(0, 15);
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    let x = +d[14 - i];
    if (i % 2 == 0) x *= 2;
    sum += x > 9 ? x - 9 : x;
  }
  return d + ((10 - (sum % 10)) % 10);
}
function iban() {
  const bban = digits(18);  // DE: 8-digit bank code + 10-digit account
  const num = BigInt(bban + '1314' + '00');  // D=13 E=14, check digits 00
  const check = String(98n - (num % 97n)).padStart(2, '0');
  return `de${check}${bban}`;
}
const password = () => `${alnum(6)}${digits(3)}${alnum(3)}`;  // letters and digits: looks like a secret
const key = () => pick(['password', 'passwd', 'api_key', 'client_secret', 'access_token', 'auth_token']);
const email = () => `${alnum(5).toLowerCase()}.${alnum(6).toLowerCase()}${digits(2)}@${pick(['example.com', 'example.org', 'corp.example'])}`;

function plants() {
  const S = {
    paramKey: key(), paramValue: password(), paramKey2: key(), paramValue2: password(),
    consoleKey: key(), consoleValue: password(), bareKey: key(), bareValue: password(),
    didEmail: email(), typeKey: key(), typeValue: password(),
    extraEmail: email(), extraCard: luhnCard(), tagEmail: email(), ctxToken: `ghp_${alnum(36)}`,
    categoryKey: key(), categoryValue: password(), fpEmail: email(), scopeFpEmail: email(),
    tabKey: key(), tabValue: password(), iban: iban(), numberCard: luhnCard(), escKey: key(), escValue: password(),
  };
  // The \u escape of one letter of the key, as JSON.stringify of a hand-written text might carry.
  const at = crypto.randomInt(S.escKey.length);
  S.escKeyWritten = S.escKey.slice(0, at) + '\\u' + S.escKey.charCodeAt(at).toString(16).padStart(4, '0') + S.escKey.slice(at + 1);
  return S;
}
const SECRET_FIELDS = ['paramValue', 'paramValue2', 'consoleValue', 'bareValue', 'didEmail', 'typeValue', 'extraEmail', 'extraCard', 'tagEmail',
  'ctxToken', 'categoryValue', 'fpEmail', 'scopeFpEmail', 'tabValue', 'iban', 'numberCard', 'escValue'];
const CONTROL = { param: `ctl-user-${digits(4)}`, consoleCount: 70000 + crypto.randomInt(9999), extraKey: `order_${digits(3)}`, tag: `beta-${digits(3)}`,
  ctx: `cart_${digits(3)}`, category: 'ui.click', fp: `checkout-${digits(3)}`, id: 'u-' + digits(6) };

async function plant(page, S) {
  await page.evaluate(async ({ S, C }) => {
    F.setUser({ id: S.didEmail });
    console.log(`${S.consoleKey}:`, S.consoleValue);
    console.log(S.bareKey, S.bareValue);
    console.log('count:', C.consoleCount);
    F.setExtra(S.extraEmail, 'x');
    F.setExtra(S.extraCard, true);
    F.setExtra(C.extraKey, 'kept');
    F.setExtra('amount', S.numberCard.length == 16 ? Number(S.numberCard) : 0);
    F.setTag(S.tagEmail, 'v');
    F.setTag('channel', C.tag);
    F.setContext(S.ctxToken, { a: 1 });
    F.setContext(C.ctx, { b: 2 });
    F.addBreadcrumb({ category: `auth ${S.categoryKey}=${S.categoryValue}`, message: 'm' });
    F.addBreadcrumb({ category: C.category, message: 'n' });
    F.captureMessage(F.parameterize`login ${S.paramKey}=${S.paramValue} as ${C.param}`);
    F.captureMessage(F.parameterize`${S.paramKey2}: ${S.paramValue2}`);
    const err = new Error('typed');
    err.name = `${S.typeKey}=${S.typeValue}`;
    F.captureException(err);
    F.captureEvent({ message: 'fp event', fingerprint: ['{{ default }}', S.fpEmail, C.fp] });
    F.withScope((scope) => {
      scope.setFingerprint([S.scopeFpEmail, C.fp]);
      F.captureMessage('scoped fingerprint');
    });
    F.captureMessage(`retry ${S.tabKey}\t=\t${S.tabValue} on ${S.iban}`);
    F.captureMessage(`body {"${S.escKeyWritten}":"${S.escValue}"}`);
  }, { S, C: CONTROL });
}

async function check(core, { page, server, flush }) {
  const S = plants();
  await plant(page, S);
  await flush();
  await page.evaluate(() => window.F.close(5000));
  const events = server.events();
  assert.equal(events.length, 7, `7 events expected with the ${core} core`);
  for (const ev of events) assert.deepEqual(validateEvent(ev), []);
  const raw = server.envelopes.map((e) => e.raw + (e.query || '')).join('\n');
  const leaks = SECRET_FIELDS.filter((f) => raw.includes(S[f]) || raw.includes(JSON.stringify(S[f]).slice(1, -1)));
  console.log(`[privacy-placement] ${core}: ${leaks.length} of ${SECRET_FIELDS.length} planted secrets reached the collector${leaks.length ? ': ' + leaks.map((f) => `${f}=${S[f]}`).join(', ') : ''}`);
  assert.deepEqual(leaks, [], `secrets reached the collector with the ${core} core`);

  // Each place carried its data, scrubbed, and the control values next to the secrets arrived.
  const byMsg = (m) => events.find((e) => (e.logentry?.formatted || '').includes(m) || e.exception?.values?.[0]?.value == m);
  const param = byMsg(CONTROL.param);
  assert.deepEqual(param.logentry.params, [S.paramKey, '[Filtered]', CONTROL.param], 'parameterize values');
  const crumbs = param.breadcrumbs.values;
  const args = crumbs.filter((b) => b.category == 'console').map((b) => b.data.arguments);
  assert.deepEqual(args.slice(0, 3), [[`${S.consoleKey}:`, '[Filtered]'], [S.bareKey, '[Filtered]'], ['count:', CONTROL.consoleCount]], 'console arguments');
  assert.deepEqual(crumbs.filter((b) => b.type != 'default' || !b.data).map((b) => b.category).filter((c) => c && c.startsWith('auth') || c == CONTROL.category),
    [`auth ${S.categoryKey}=[Filtered]`, CONTROL.category], 'breadcrumb categories');
  assert.equal(param.user.id, '[email]');
  assert.equal(param.extra['[email]'], 'x');
  assert.equal(param.extra['[card]'], true);
  assert.equal(param.extra[CONTROL.extraKey], 'kept');
  assert.equal(param.extra.amount, '[card]');
  assert.equal(param.tags['[email]'], 'v');
  assert.equal(param.tags.channel, CONTROL.tag);
  assert.deepEqual(param.contexts['[token]'], { a: 1 });
  assert.deepEqual(param.contexts[CONTROL.ctx], { b: 2 });
  assert.equal(byMsg('typed').exception.values[0].type, `${S.typeKey}=[Filtered]`);
  // ({{ default }} becomes the core's own fingerprint with the WASM core.)
  assert.deepEqual(events.find((e) => e.logentry?.formatted == 'fp event').fingerprint.slice(1), ['[email]', CONTROL.fp]);
  assert.deepEqual(events.find((e) => e.logentry?.formatted == 'scoped fingerprint').fingerprint, ['[email]', CONTROL.fp]);
  assert.equal(byMsg('retry').logentry.formatted, `retry ${S.tabKey}\t=\t[Filtered] on [iban]`);
  assert.equal(byMsg('body').logentry.formatted, `body {"${S.escKeyWritten}":"[Filtered]"}`);
  // The session's distinct id: taken from user.id as Sentry does, scrubbed as user.id is.
  const dids = server.envelopes.flatMap((e) => (e.items || []).filter((i) => i.header.type == 'session').map((i) => i.payload.did));
  assert.ok(dids.length > 0, 'a session update was sent');
  assert.ok(dids.includes('[email]'), `session did: ${JSON.stringify(dids)}`);
}

test('WASM core: secrets in every place the attack found arrive scrubbed; control values arrive', async () => {
  await scenario({ init, core: 'wasm' }, (ctx) => check('wasm', ctx));
});

test('JS fallback core under a strict CSP (no wasm-unsafe-eval): the same places are scrubbed', async () => {
  const csp = "default-src 'self'; script-src 'self' 'unsafe-inline'";
  await scenario({ server: { csp }, init, core: 'js-fallback' }, (ctx) => check('js-fallback', ctx));
});
