// Privacy: a page full of PII (form fields, URLs with tokens, e-mails in messages, cookies, user
// data) produces events in which none of it appears with default options; sendDefaultPii: true
// opts in to e-mail/IP deliberately, while secrets stay filtered.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from './lib/browsers.js';
import { startSdkSite } from './lib/site.js';
import { validateEvent } from '../node/lib/schema.js';

let site;
let browser;
before(async () => {
  site = await startSdkSite();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 60000 });
});
after(async () => {
  await browser?.close();
  await site?.close();
});
beforeEach(() => site.reset());

async function pageFullOfPii(config) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${site.url}/demo/sdk.html?config=${encodeURIComponent(JSON.stringify(config))}`);
  await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 30000 });
  await page.fill('#email', 'typed.value@example.com');
  await page.click('#buy');
  await page.evaluate(async () => {
    document.cookie = 'session=s3cr3t-cookie-value; path=/';
    history.pushState({}, '', '/demo/sdk.html?access_token=tok-123456&email=url.person@example.com');
    console.log('charging card 4111 1111 1111 1111 for buyer.person@example.com');
    await fetch('/__echo?api_key=KEY-999888&q=shoes');
    window.SDK.setUser({ id: '7', email: 'user.person@example.com', ip_address: '203.0.113.9', username: 'seven' });
    window.SDK.setExtra('form', { password: 'hunter2-pass', note: 'call me at msg.person@example.com' });
    window.SDK.captureException(new Error('login failed: password=hunter2-pass for msg.person@example.com'));
    window.SDK.captureMessage('token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U and Bearer abcdefghijklmnop from 198.51.100.7');
    await window.SDK.flush(5000);
  });
  await ctx.close();
  const events = await site.events();
  assert.equal(events.length, 2);
  for (const e of events) assert.deepEqual(validateEvent(e), []);
  return JSON.stringify(events);
}

const SECRETS = ['hunter2-pass', 'tok-123456', 's3cr3t-cookie-value', '4111 1111 1111 1111', 'KEY-999888', 'abcdefghijklmnop',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0'];
const PERSONAL = ['typed.value@example.com', 'url.person@example.com', 'buyer.person@example.com', 'user.person@example.com',
  'msg.person@example.com', '203.0.113.9', '198.51.100.7'];

test('with default options no PII and no secret from the page appears in any event', async () => {
  const dump = await pageFullOfPii({});
  for (const leak of [...SECRETS, ...PERSONAL]) assert.ok(!dump.includes(leak), `${leak} leaked`);
  assert.ok(dump.includes('"username":"seven"'), 'non-PII user fields are kept');
  assert.ok(dump.includes('ui.click'), 'the click is recorded as a selector');
});

test('sendDefaultPii: true sends e-mail and IP addresses but still never secrets', async () => {
  const dump = await pageFullOfPii({ sendDefaultPii: true });
  for (const leak of SECRETS) assert.ok(!dump.includes(leak), `${leak} leaked`);
  assert.ok(dump.includes('msg.person@example.com'), 'e-mail kept when opted in');
  assert.ok(dump.includes('user.person@example.com'));
  assert.ok(!dump.includes('typed.value@example.com'), 'typed values are never recorded, whatever the option');
});
