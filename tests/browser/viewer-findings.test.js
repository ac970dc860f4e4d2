// Viewer defects an outside tester found as a new user (issue 12), each checked in a real browser:
// the "Last 24 h" chip, the events tab of a one-page issue, a bad search, the empty state, a
// reloaded page-2 URL, r/i/u on a list row, an issue whose events all expired, and an event id
// of another issue in an issue's URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCollector } from '../../demo/collector/server.js';
import { launchChromium, launchFirefox } from './lib/browsers.js';

const KEY = 'findings-viewer-key';
const NOW = Date.now() / 1000;
let dir;
let c;
let seq = 0;
const id32 = () => (++seq).toString(16).padStart(32, 'a');

async function send(events) {
  const lines = [JSON.stringify({})];
  for (const e of events) {
    const t = JSON.stringify({ event_id: id32(), level: 'error', platform: 'javascript', ...e });
    lines.push(JSON.stringify({ type: 'event', length: Buffer.byteLength(t) }), t);
  }
  const r = await fetch(`${c.url}/api/1/envelope/?sentry_key=${KEY}`, { method: 'POST', body: lines.join('\n') + '\n' });
  assert.equal(r.status, 200);
}
const issueOf = async (q) => (await (await fetch(`${c.url}/api/issues?query=${encodeURIComponent(q)}`)).json())[0];

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-viewer-findings-'));
  c = await startCollector({ port: 0, dataDir: dir, projects: { 1: { publicKey: KEY } } });
  // An issue all of whose events expire (retention goes by arrival: run it as if 6 days later,
  // before anything else is stored).
  await send([{ message: 'gone issue', timestamp: NOW - 60 }]);
  c.store.retention.maxAgeDays = 5;
  c.store.enforceRetention(NOW + 6 * 86400);
  c.store.retention.maxAgeDays = 0;
  // An old issue (first seen 3 days ago) that happened again a minute ago, 30 fillers for paging.
  await send([{ message: 'walrus old but active', timestamp: NOW - 3 * 86400 }]);
  await send([{ message: 'walrus old but active', timestamp: NOW - 60 }]);
  await send(Array.from({ length: 30 }, (_, i) => ({ message: `filler issue ${i}`, timestamp: NOW - 7200 - i })));
});
after(async () => {
  await c.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(launch) {
  const browser = await launch();
  const errors = [];
  try {
    const page = await browser.newPage();
    page.raw.on('pageerror', (e) => errors.push(String(e && e.message ? e.message : e)));
    const rowsText = () => page.evaluate(() => [...document.querySelectorAll('#issues tbody tr .title')].map((t) => t.textContent));
    const search = (q) => page.evaluate((v) => {
      document.querySelector('#q').value = v;
      document.querySelector('#search button[type=submit]').click();
    }, q);
    await page.goto(c.url + '/');
    await page.waitFor(() => document.querySelectorAll('#issues tbody tr').length === 25);

    // The "Last 24 h" chip filters on last seen: an issue first seen 3 days ago that happened a
    // minute ago stays.
    await page.evaluate(() => [...document.querySelectorAll('#chips .chip')].find((b) => b.textContent === 'Last 24 h').click());
    await page.waitFor(() => location.search.includes('lastSeen'));
    await page.waitFor(() => document.querySelectorAll('#issues tbody tr').length > 0);
    assert.ok((await rowsText()).some((t) => t.includes('walrus old but active')));

    // A bad search: error with its position, no rows of the previous query, no chip, URL unchanged.
    await search('is:unresolved');
    await page.waitFor(() => document.querySelectorAll('#issues tbody tr').length === 25 && !location.search.includes('query'));
    const urlBefore = await page.evaluate(() => location.search);
    await search('is:unresolved release:"demo@1.0.0 level:error');
    await page.waitFor(() => !document.querySelector('#query-error').hidden);
    const bad = await page.evaluate(() => ({
      error: document.querySelector('#query-error').textContent, rows: document.querySelectorAll('#issues tbody tr').length,
      chips: [...document.querySelectorAll('#chips .chip.term')].map((b) => b.textContent), url: location.search,
    }));
    assert.match(bad.error, /position 22/);
    assert.equal(bad.rows, 0, 'the previous results are not shown under a refused search');
    assert.deepEqual(bad.chips, []);
    assert.equal(bad.url, urlBefore);

    // A quoted phrase is one chip (not one per word), and removing it leaves the other terms whole.
    await search('is:unresolved "walrus old" level:error');
    await page.waitFor(() => location.search.includes('walrus'));
    const chipTexts = () => page.evaluate(() => [...document.querySelectorAll('#chips .chip.term')].map((b) => b.textContent));
    assert.deepEqual(await chipTexts(), ['"walrus old" ×']);
    await page.evaluate(() => [...document.querySelectorAll('#chips .chip.term')][0].click());
    await page.waitFor(() => !location.search.includes('walrus'));
    assert.equal(await page.evaluate(() => document.querySelector('#q').value), 'is:unresolved level:error');

    // No match among existing issues: the empty state says so (not "press a button").
    await search('nosuchwordanywhere');
    await page.waitFor(() => !document.querySelector('#empty').hidden && document.querySelector('#empty').textContent.includes('matches'));
    assert.match(await page.evaluate(() => document.querySelector('#empty').textContent), /No issue matches nosuchwordanywhere/);

    // A reloaded page-2 URL keeps a way back to page 1.
    await search('');
    await page.waitFor(() => document.querySelectorAll('#issues tbody tr').length === 25);
    await page.click('#next');
    await page.waitFor(() => location.search.includes('cursor=') && document.querySelectorAll('#issues tbody tr').length < 25);
    await page.goto(c.url + '/' + (await page.evaluate(() => location.search)));
    await page.waitFor(() => document.querySelectorAll('#issues tbody tr').length > 0 && document.querySelectorAll('#issues tbody tr').length < 25);
    assert.equal(await page.evaluate(() => document.querySelector('#prev').disabled), false);
    await page.click('#prev');
    await page.waitFor(() => document.querySelectorAll('#issues tbody tr').length === 25 && !location.search.includes('cursor'));

    // r on a focused list row resolves that issue, u reopens it.
    const first = await page.evaluate(() => {
      const tr = document.querySelector('#issues tbody tr');
      tr.focus();
      return tr.dataset.id;
    });
    await page.raw.keyboard.press('r');
    await page.waitFor((id) => document.querySelector(`#issues tbody tr[data-id="${id}"] .status-resolved`), first);
    assert.equal((await (await fetch(`${c.url}/api/issues/${first}`)).json()).status, 'resolved');
    assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.dataset.id), first);
    await page.raw.keyboard.press('u');
    await page.waitFor((id) => !document.querySelector(`#issues tbody tr[data-id="${id}"] .status-resolved`), first);
    assert.equal((await (await fetch(`${c.url}/api/issues/${first}`)).json()).status, 'unresolved');

    // "All events" of an issue whose events fit on one page: no stray "null" text.
    const walrus = await issueOf('walrus');
    await page.goto(`${c.url}/?issue=${walrus.id}`);
    await page.waitFor(() => document.querySelector('#tab-events'));
    await page.click('#tab-events');
    await page.waitFor(() => document.querySelectorAll('#d-events tbody tr').length === 2);
    assert.doesNotMatch(await page.evaluate(() => document.querySelector('#d-body').textContent), /null/);

    // An issue whose events all expired says so, with its figures.
    const gone = await issueOf('"gone issue"');
    assert.equal(gone.count, 1);
    await page.goto(`${c.url}/?issue=${gone.id}`);
    await page.waitFor(() => document.querySelector('#d-no-event'));
    const goneView = await page.evaluate(() => ({ text: document.querySelector('#d-body').textContent, raw: !!document.querySelector('#d-event .raw'), head: document.querySelector('.detail-head').textContent }));
    assert.match(goneView.text, /No event of this issue is stored any more/);
    assert.ok(!goneView.raw && !goneView.text.includes('(no id)'));
    assert.match(goneView.head, /1 events/);
    await page.click('#tab-events');
    await page.waitFor(() => document.querySelector('#d-no-events'));

    // ?issue=A&event=<an event of issue B>: A's latest event with a note, never B's event under
    // A's header; for an issue with no stored event, its "no event stored" notice and the note.
    const filler = await issueOf('"filler issue 3"');
    const fillerEvent = (await (await fetch(`${c.url}/api/issues/${filler.id}/events`)).json())[0].event_id;
    const walrusLatest = (await (await fetch(`${c.url}/api/issues/${walrus.id}`)).json()).latest.event_id;
    await page.goto(`${c.url}/?issue=${walrus.id}&event=${fillerEvent}`);
    await page.waitFor(() => document.querySelector('#d-event-notice'));
    const mixed = await page.evaluate(() => ({ notice: document.querySelector('#d-event-notice').textContent, event: document.querySelector('#d-event .event-nav .sub').textContent, title: document.querySelector('#d-title').textContent }));
    assert.match(mixed.notice, /not a stored event of this issue; its latest event is shown/);
    assert.match(mixed.title, /walrus/);
    assert.ok(mixed.event.includes(walrusLatest) && !mixed.event.includes(fillerEvent), mixed.event);
    await page.goto(`${c.url}/?issue=${gone.id}&event=${fillerEvent}`);
    await page.waitFor(() => document.querySelector('#d-no-event'));
    assert.match(await page.evaluate(() => document.querySelector('#d-body').textContent), /not a stored event of this issue; none of its events is stored/);
    assert.equal(await page.evaluate(() => !!document.querySelector('#d-event .raw')), false);
    // The issue's own event by id is shown, with no note.
    await page.goto(`${c.url}/?issue=${filler.id}&event=${fillerEvent}`);
    await page.waitFor(() => document.querySelector('#d-event .event-nav'));
    assert.ok((await page.evaluate(() => document.querySelector('#d-event .event-nav .sub').textContent)).includes(fillerEvent));
    assert.equal(await page.evaluate(() => !!document.querySelector('#d-event-notice')), false);
    await page.close();
  } finally {
    await browser.close();
  }
  assert.deepEqual(errors, [], 'no exception in the viewer');
}

test('viewer fixes from the outside tester, in Chromium', { timeout: 180000 }, async () => {
  await run(launchChromium);
});

test('viewer fixes from the outside tester, in Firefox ESR', { timeout: 240000 }, async () => {
  await run(launchFirefox);
});
