// The local collector's viewer: plain DOM, no framework, no innerHTML with event data (every
// string goes through textContent). It renders events of any shape: every field is checked before
// use. State lives in the URL (?query=&sort=&issue=&event=&trace=&view=).
const $ = (sel) => document.querySelector(sel);
const SVG = 'http://www.w3.org/2000/svg';

import { trimLine } from './context-line.js';
import { splitTerms } from './query-terms.js';

// --- safe accessors for untrusted event data ----------------------------------------------
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (v) => (Array.isArray(v) ? v : isObj(v) ? Object.values(v) : []);
const objs = (v) => list(v).filter(isObj);
function text(value, max = 2000) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.length > max ? value.slice(0, max) + '…' : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let json;
  try {
    json = JSON.stringify(value);
  } catch {
    json = String(Object.prototype.toString.call(value));
  }
  return json && json.length > max ? json.slice(0, max) + '…' : json || '';
}
const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
function seconds(value) {
  if (num(value) !== null) return value > 1e11 ? value / 1000 : value;
  if (typeof value === 'string') {
    const d = Date.parse(value);
    return Number.isNaN(d) ? null : d / 1000;
  }
  return null;
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'className') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c instanceof Node ? c : String(c));
  return node;
}

function relTime(value) {
  const time = seconds(value);
  if (time === null) return '';
  const age = Date.now() / 1000 - time;
  if (age < 0) return 'in the future';
  if (age < 45) return 'just now';
  if (age < 3600) return `${Math.round(age / 60)} min ago`;
  if (age < 86400) return `${Math.round(age / 3600)} h ago`;
  return `${Math.round(age / 86400)} d ago`;
}
const absTime = (value) => {
  const time = seconds(value);
  return time === null ? '' : new Date(time * 1000).toLocaleString();
};
const fmtNum = (n) => (num(n) === null ? '' : n.toLocaleString('en-US'));

async function api(path, init) {
  const res = await fetch(path, init);
  let body = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  return { ok: res.ok, status: res.status, body, headers: res.headers };
}

// --- URL state --------------------------------------------------------------------------------
const state = { query: 'is:unresolved', sort: 'date', cursor: null, cursors: [], issue: null, event: null, trace: null, view: 'issues' };
function readUrl() {
  const params = new URLSearchParams(location.search);
  state.query = params.has('query') ? params.get('query') : 'is:unresolved';
  state.sort = params.get('sort') || 'date';
  state.cursor = params.get('cursor');
  state.issue = params.get('issue');
  state.event = params.get('event');
  state.trace = params.get('trace');
  state.view = params.get('view') || 'issues';
}
function writeUrl(push = true) {
  const params = new URLSearchParams();
  if (state.view !== 'issues') params.set('view', state.view);
  if (state.query !== 'is:unresolved') params.set('query', state.query);
  if (state.sort !== 'date') params.set('sort', state.sort);
  if (state.cursor) params.set('cursor', state.cursor);
  if (state.issue) params.set('issue', state.issue);
  if (state.event) params.set('event', state.event);
  if (state.trace) params.set('trace', state.trace);
  const url = params.toString() ? `?${params}` : location.pathname;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}

// --- issue list ---------------------------------------------------------------------------------
const rows = new Map(); // issue id -> {tr, issue}
let pendingNew = 0;

function sparkline(values, width = 64, height = 22) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  svg.setAttribute('class', 'spark');
  svg.setAttribute('role', 'img');
  const vals = Array.isArray(values) ? values.map((v) => num(v) || 0) : [];
  const max = Math.max(1, ...vals);
  svg.setAttribute('aria-label', `occurrences per hour, last ${vals.length} h, peak ${max}`);
  const barWidth = width / Math.max(1, vals.length);
  vals.forEach((count, index) => {
    if (!count) return;
    const barHeight = Math.max(1.5, (count / max) * (height - 2));
    const rect = document.createElementNS(SVG, 'rect');
    rect.setAttribute('x', (index * barWidth).toFixed(1));
    rect.setAttribute('y', (height - barHeight).toFixed(1));
    rect.setAttribute('width', Math.max(1, barWidth - 1).toFixed(1));
    rect.setAttribute('height', barHeight.toFixed(1));
    svg.append(rect);
  });
  return svg;
}

const badge = (level) => el('span', { className: `badge level-${['fatal', 'error', 'warning', 'info', 'debug'].includes(level) ? level : 'error'}`, title: `level: ${text(level)}` }, text(level || 'error').slice(0, 1).toUpperCase());

// The message under an issue's title when the title does not show it (an issue titled by the
// function of a synthetic exception's crash frame, as Sentry titles it, keeps its message here).
function messageLine(issue) {
  const message = text(issue.message, 2000).split('\n')[0].trim();
  return message && !text(issue.title).includes(message) ? message : '';
}
const subLine = (issue, max) => [messageLine(issue).slice(0, max), text(issue.culprit, max)].filter(Boolean).join(' · ');

function issueRow(issue) {
  const status = issue.status !== 'unresolved' ? el('span', { className: `status status-${issue.status}` }, issue.status) : issue.substatus === 'regressed' ? el('span', { className: 'status status-regressed' }, 'regressed') : null;
  const tr = el('tr', { 'data-id': issue.id, tabindex: '0', 'aria-selected': String(issue.id === state.issue) },
    el('td', { className: 'issue-cell' }, badge(issue.level), el('div', { className: 'title' }, text(issue.title, 300), status),
      el('div', { className: 'sub' }, subLine(issue, 200))),
    el('td', { className: 'spark-col' }, sparkline(issue.stats && issue.stats['24h'])),
    el('td', { className: 'num count' }, fmtNum(issue.count)),
    el('td', { className: 'num users' }, fmtNum(issue.users)),
    el('td', { className: 'seen' }, el('time', { datetime: new Date((seconds(issue.last_seen) || 0) * 1000).toISOString(), title: absTime(issue.last_seen) }, relTime(issue.last_seen)),
      el('div', { className: 'sub' }, `first ${relTime(issue.first_seen)}`)));
  tr.addEventListener('click', () => openIssue(issue.id));
  tr.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') openIssue(issue.id);
  });
  return tr;
}

// Live update of one row in place: only the cells that change.
function updateRow(issue) {
  const row = rows.get(issue.id);
  if (!row) return false;
  row.issue = { ...row.issue, ...issue, stats: row.issue.stats };
  const spark = row.tr.querySelector('.spark-col');
  if (row.issue.stats && Array.isArray(row.issue.stats['24h'])) {
    const grew = (num(issue.count) || 0) - (num(row.tr.dataset.count ? Number(row.tr.dataset.count) : null) || 0);
    const series = row.issue.stats['24h'];
    if (grew > 0 && row.tr.dataset.count) series[series.length - 1] += grew;
    spark.replaceChildren(sparkline(series));
  }
  row.tr.dataset.count = String(issue.count);
  row.tr.querySelector('.count').textContent = fmtNum(issue.count);
  row.tr.querySelector('.users').textContent = fmtNum(issue.users);
  const time = row.tr.querySelector('.seen time');
  time.textContent = relTime(issue.last_seen);
  time.title = absTime(issue.last_seen);
  row.tr.classList.add('flash');
  setTimeout(() => row.tr.classList.remove('flash'), 800);
  return true;
}

let listToken = 0;
// Loads the list of state.query; true when it loaded, false when the server refused the query
// (the list is then emptied: the rows of another query would look like its results), undefined
// when a newer load replaced this one.
async function loadList() {
  const token = ++listToken;
  const params = new URLSearchParams({ query: state.query, sort: state.sort, limit: '25' });
  if (state.cursor) params.set('cursor', state.cursor);
  const response = await api(`/api/issues?${params}`);
  if (token !== listToken) return undefined;
  const err = $('#query-error');
  if (!response.ok) {
    rows.clear();
    $('#issues tbody').replaceChildren();
    $('#empty').hidden = true;
    $('#next').disabled = true;
    $('#prev').disabled = true;
    err.hidden = false;
    err.textContent = response.body && response.body.detail ? `Search: ${response.body.detail}` : `Search failed (${response.status})`;
    if (response.body && num(response.body.position) !== null) {
      const searchBox = $('#q');
      searchBox.focus();
      searchBox.setSelectionRange(response.body.position, Math.min(searchBox.value.length, response.body.position + 1));
    }
    return false;
  }
  err.hidden = true;
  const body = $('#issues tbody');
  rows.clear();
  const frag = document.createDocumentFragment();
  for (const issue of Array.isArray(response.body) ? response.body : []) {
    const tr = issueRow(issue);
    tr.dataset.count = String(issue.count);
    rows.set(issue.id, { tr, issue: issue });
    frag.append(tr);
  }
  body.replaceChildren(frag);
  $('#empty').hidden = rows.size > 0;
  if (!rows.size) showEmpty(token);
  state.next = response.headers.get('x-next-cursor');
  $('#next').disabled = !state.next;
  // A page reached from a URL (a reload of ?cursor=…) has no pages behind it in memory: "Newer"
  // then goes back to the first page.
  $('#prev').disabled = !state.cursor;
  $('#prev').textContent = state.cursor && !state.cursors.length ? '← First page' : '← Newer';
  pendingNew = 0;
  $('#new-issues').hidden = true;
  markSelected();
  return true;
}

// An empty list says why: nothing stored yet, or nothing matching the search.
async function showEmpty(token) {
  const box = $('#empty');
  const stats = await api('/__stats');
  if (token !== listToken) return;
  const any = stats.ok && isObj(stats.body) && num(stats.body.issues) > 0;
  box.replaceChildren(...(any
    ? ['No issue matches ', el('code', {}, text(state.query, 300) || '(all)'), '.']
    : ['No issues yet. Open the ', el('a', { href: '/demo/' }, 'demo page'), ' and press a button.']));
}

function markSelected() {
  for (const [id, r] of rows) r.tr.setAttribute('aria-selected', String(id === state.issue));
}

function renderChips() {
  const box = $('#chips');
  box.replaceChildren();
  const quick = [['Unresolved', 'is:unresolved'], ['Resolved', 'is:resolved'], ['Ignored', 'is:ignored'], ['Regressed', 'is:regressed'], ['Last 24 h', 'lastSeen:-24h'], ['Has user', 'has:user'], ['Errors', 'level:error']];
  const terms = splitTerms(state.query);
  for (const [label, term] of quick) {
    const on = terms.includes(term);
    box.append(el('button', { type: 'button', className: on ? 'chip on' : 'chip', 'aria-pressed': String(on), onclick: () => toggleTerm(term) }, label));
  }
  for (const term of terms) {
    if (quick.some(([, q]) => q === term)) continue;
    box.append(el('button', { type: 'button', className: 'chip on term', title: 'remove this filter', onclick: () => toggleTerm(term) }, `${term} ×`));
  }
}

function toggleTerm(term) {
  const terms = splitTerms(state.query);
  const index = terms.indexOf(term);
  if (index >= 0) terms.splice(index, 1);
  else {
    // is:* terms replace each other.
    const key = term.split(':')[0] + ':';
    if (key === 'is:') for (let k = terms.length - 1; k >= 0; k--) if (terms[k].startsWith('is:')) terms.splice(k, 1);
    terms.push(term);
  }
  setQuery(terms.join(' '));
}

// A new search: the URL and the chips take it only once the server accepted it.
async function setQuery(query) {
  const before = { query: state.query, cursor: state.cursor, cursors: state.cursors };
  state.query = query;
  $('#q').value = query;
  state.cursor = null;
  state.cursors = [];
  const loaded = await loadList();
  if (loaded === false) {
    Object.assign(state, before);
    return;
  }
  if (loaded) {
    writeUrl();
    renderChips();
  }
}

// --- issue detail -------------------------------------------------------------------------------
let current = null; // the issue shown

async function openIssue(id, eventId = null, push = true) {
  state.issue = id;
  state.event = eventId;
  state.trace = null;
  state.view = 'issues';
  if (push) writeUrl();
  markSelected();
  show('detail');
  const pane = $('#detail');
  const response = await api(`/api/issues/${encodeURIComponent(id)}`);
  if (!response.ok || !isObj(response.body)) {
    pane.replaceChildren(el('p', { className: 'error' }, 'This issue does not exist (any more).'));
    return;
  }
  current = response.body;
  let evData = null;
  let notice = null;
  if (eventId) {
    // Asked through the issue: an event of another issue is never shown under this one.
    const eventResponse = await api(`/api/issues/${encodeURIComponent(id)}/events/${encodeURIComponent(eventId)}`);
    if (eventResponse.ok && isObj(eventResponse.body)) evData = eventResponse.body;
    else notice = `The requested event ${text(eventId, 64)} is not a stored event of this issue; ${current.latest == null ? 'none of its events is stored' : 'its latest event is shown'}.`;
  }
  const event = evData ? evData.event : current.latest;
  renderIssue(current, event, evData, notice);
}

// r / i / u on a list row (the focused one): its status changes in place, the row keeps focus.
async function setRowStatus(id, status) {
  const response = await api(`/api/issues/${encodeURIComponent(id)}`, { method: 'PUT', body: JSON.stringify({ status }), headers: { 'content-type': 'application/json' } });
  const row = rows.get(id);
  if (!response.ok || !row) return;
  const focused = document.activeElement === row.tr;
  row.tr.replaceWith((row.tr = issueRow({ ...row.issue, ...response.body, stats: row.issue.stats })));
  row.tr.dataset.count = String(row.issue.count);
  row.issue = { ...row.issue, ...response.body };
  if (focused) row.tr.focus();
  if (current && current.id === id) openIssue(id, state.event, false);
}

function actions(issue) {
  const set = async (status) => {
    const response = await api(`/api/issues/${encodeURIComponent(issue.id)}`, { method: 'PUT', body: JSON.stringify({ status }), headers: { 'content-type': 'application/json' } });
    if (response.ok) {
      const row = rows.get(issue.id);
      if (row) row.tr.replaceWith((row.tr = issueRow({ ...row.issue, ...response.body })));
      openIssue(issue.id, state.event, false);
    }
  };
  return el('div', { className: 'actions' },
    issue.status !== 'resolved' ? el('button', { type: 'button', id: 'act-resolve', onclick: () => set('resolved') }, 'Resolve') : null,
    issue.status !== 'ignored' ? el('button', { type: 'button', id: 'act-ignore', onclick: () => set('ignored') }, 'Ignore') : null,
    issue.status !== 'unresolved' ? el('button', { type: 'button', id: 'act-unresolve', onclick: () => set('unresolved') }, 'Unresolve') : null);
}

function keyvals(pairs, className = 'kv') {
  const list = el('dl', { className });
  for (const [label, value] of pairs) {
    if (value === undefined || value === null || value === '') continue;
    list.append(el('dt', {}, text(label, 200)), el('dd', {}, value instanceof Node ? value : text(value)));
  }
  return list;
}

function section(title, ...content) {
  return el('section', { className: 'block' }, el('h3', {}, title), ...content);
}

function mapBars(map) {
  const entries = Object.entries(isObj(map) ? map : {}).sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((s, [, n]) => s + (num(n) || 0), 0) || 1;
  return entries.slice(0, 5).map(([k, n]) => `${k} ${Math.round(((num(n) || 0) / total) * 100)}%`).join(', ');
}

function renderIssue(issue, event, evData, notice = null) {
  const pane = $('#detail');
  const safeEvent = isObj(event) ? event : {};
  const head = el('div', { className: 'detail-head' },
    el('button', { type: 'button', className: 'back', onclick: () => back() }, '← Issues'),
    el('h2', { id: 'd-title' }, badge(issue.level), ' ', text(issue.title, 500)),
    el('div', { className: 'sub' }, subLine(issue, 300)),
    el('div', { className: 'facts' },
      el('span', {}, el('b', {}, fmtNum(issue.count)), ' events'), el('span', {}, el('b', {}, fmtNum(issue.users)), ' users'),
      el('span', {}, 'first ', relTime(issue.first_seen)), el('span', {}, 'last ', relTime(issue.last_seen)),
      el('span', { className: `status status-${issue.status}` }, issue.substatus === 'regressed' ? 'regressed' : issue.status)),
    actions(issue),
    keyvals([['browsers', mapBars(issue.browsers)], ['releases', mapBars(issue.releases)], ['environments', mapBars(issue.environments)],
      ['stored events', issue.stored_events < issue.events ? `${fmtNum(issue.stored_events)} of ${fmtNum(issue.events)} (older ones past retention; counts stay true)` : fmtNum(issue.stored_events)]]));
  const chart = el('div', { className: 'chart', id: 'd-chart' });
  const tabs = el('div', { className: 'tabs', role: 'tablist' });
  const body = el('div', { id: 'd-body' });
  const tabDefs = [['event', 'Event'], ['events', 'All events'], ['tags', 'Tags']];
  const selectTab = (name) => {
    for (const b of tabs.children) b.setAttribute('aria-selected', String(b.dataset.tab === name));
    if (name === 'event') body.replaceChildren(...(notice ? [el('p', { className: 'note', id: 'd-event-notice' }, notice)] : []), renderEvent(safeEvent, evData, issue));
    if (name === 'events') renderEventsList(issue, body);
    if (name === 'tags') renderTags(issue, body);
  };
  for (const [name, label] of tabDefs) tabs.append(el('button', { type: 'button', role: 'tab', 'data-tab': name, id: `tab-${name}`, onclick: () => selectTab(name) }, label));
  pane.replaceChildren(head, chart, tabs, body);
  selectTab('event');
  api(`/api/issues/${encodeURIComponent(issue.id)}/stats?interval=1h&period=24h`).then((response) => {
    if (!response.ok || !Array.isArray(response.body)) return;
    chart.replaceChildren(el('div', { className: 'sub' }, 'Occurrences per hour, last 24 h'), sparkline(response.body.map((b) => (Array.isArray(b) ? b[1] : 0)), 480, 48));
  });
}

function renderEvent(event, evData, issue) {
  const wrap = el('div', { className: 'event', id: 'd-event' });
  if (!evData && !Object.keys(event).length && issue.latest == null) {
    // Every event of the issue expired by retention: its figures stay, no body does.
    wrap.append(el('p', { className: 'note', id: 'd-no-event' }, 'No event of this issue is stored any more (past retention); its counts, chart and tags remain.'));
    return wrap;
  }
  const eventId = text(event.event_id, 64);
  const nav = el('div', { className: 'event-nav' },
    el('span', { className: 'sub' }, `Event ${eventId || '(no id)'} · ${absTime(event.timestamp)}`),
    evData && evData.previous ? el('button', { type: 'button', onclick: () => openIssue(issue.id, evData.previous) }, '← Older') : null,
    evData && evData.next ? el('button', { type: 'button', onclick: () => openIssue(issue.id, evData.next) }, 'Newer →') : null);
  wrap.append(nav);
  const contexts = isObj(event.contexts) ? event.contexts : {};
  const faultline = isObj(contexts.faultline) ? contexts.faultline : {};
  if (num(faultline.count) > 1) wrap.append(el('p', { className: 'note' }, `This event stands for ${fmtNum(faultline.count)} occurrences (${faultline.summary === true ? 'a summary of repeats counted in the page' : 'aggregated in the page'}).`));
  // Exception chain, outermost last as Sentry shows it: the newest (the one thrown) first.
  const values = objs(isObj(event.exception) ? event.exception.values ?? event.exception : event.exception);
  if (values.length) wrap.append(exceptionSection(values));
  const procErrors = objs(event.errors).slice(0, 20);
  if (procErrors.length) wrap.append(section('Processing errors', el('ul', { id: 'd-processing-errors' }, procErrors.map((e) => el('li', {}, `${text(e.type, 80)}: ${[text(e.name, 100), e.value === undefined ? '' : `was ${text(JSON.stringify(e.value), 100)}`, text(e.url, 300), text(e.reason, 300)].filter(Boolean).join(' ')}`)))));
  const msg = isObj(event.logentry) ? text(event.logentry.formatted || event.logentry.message) : isObj(event.message) ? text(event.message.formatted || event.message.message) : text(event.message);
  if (msg) wrap.append(section('Message', el('pre', { className: 'message' }, msg)));
  const crumbs = objs(isObj(event.breadcrumbs) ? event.breadcrumbs.values : event.breadcrumbs);
  if (crumbs.length) wrap.append(breadcrumbsSection(crumbs, seconds(event.timestamp)));
  const trace = isObj(contexts.trace) ? contexts.trace : {};
  const traceId = typeof trace.trace_id === 'string' && /^[0-9a-f]{32}$/i.test(trace.trace_id) ? trace.trace_id : null;
  const req = isObj(event.request) ? event.request : {};
  wrap.append(section('Overview', keyvals([
    ['level', event.level], ['release', event.release], ['environment', event.environment], ['platform', event.platform], ['url', req.url],
    ['trace', traceId ? el('a', { href: `?trace=${traceId}`, onclick: (e) => { e.preventDefault(); openTrace(traceId); } }, traceId) : null],
    ['sdk', isObj(event.sdk) ? `${text(event.sdk.name, 80)} ${text(event.sdk.version, 40)}` : null],
  ])));
  if (event.user !== undefined) wrap.append(section('User', isObj(event.user) ? keyvals(Object.entries(event.user)) : el('p', {}, text(event.user))));
  const tags = isObj(event.tags) ? Object.entries(event.tags) : Array.isArray(event.tags) ? event.tags.filter(Array.isArray) : [];
  if (tags.length) wrap.append(section('Tags', el('div', { className: 'taglist' }, tags.map(([k, v]) => el('button', { type: 'button', className: 'tag', title: 'search for this tag', onclick: () => setQuery(`${text(k, 64)}:${JSON.stringify(text(v, 200))}`) }, `${text(k, 64)}: ${text(v, 200)}`)))));
  const ctx = Object.entries(contexts).filter(([k]) => k !== 'faultline');
  if (ctx.length) wrap.append(section('Contexts', ...ctx.map(([k, v]) => el('div', { className: 'ctx' }, el('h4', {}, k), isObj(v) ? keyvals(Object.entries(v)) : el('p', {}, text(v))))));
  if (event.extra !== undefined) wrap.append(section('Extra', isObj(event.extra) ? keyvals(Object.entries(event.extra)) : el('p', {}, text(event.extra))));
  // Why grouped: the fingerprint and Faultline's grouping parts.
  const fingerprint = Array.isArray(event.fingerprint) ? event.fingerprint.map((x) => text(x, 200)).join(' | ') : text(event.fingerprint);
  const why = [];
  if (fingerprint) why.push(['fingerprint', fingerprint]);
  if (isObj(faultline.grouping)) for (const [k, v] of Object.entries(faultline.grouping)) why.push([k, v]);
  wrap.append(section('Why grouped', why.length ? keyvals(why) : el('p', {}, 'Sent without a fingerprint or grouping data: grouped here by exception type and value (or message).')));
  let raw = '';
  try {
    raw = JSON.stringify(event, null, 2);
  } catch {
    raw = '(not serialisable)';
  }
  wrap.append(el('details', { className: 'block raw' }, el('summary', {}, 'Raw JSON'), el('pre', {}, raw.length > 500000 ? raw.slice(0, 500000) + '\n…' : raw)));
  return wrap;
}

// The Exception section: each exception of the chain with its frames, and a toggle between the
// original and the minified frames when source maps resolved them.
function exceptionSection(values) {
  const exc = el('div', { id: 'd-exception' });
  // Frames the collector resolved with an uploaded source map come in `stacktrace`, the frames as
  // the SDK sent them in `raw_stacktrace` (Sentry's names): a toggle shows either.
  const drawFrames = (minified) => {
    exc.replaceChildren();
    [...values].reverse().forEach((exception, idx) => {
      const synthetic = isObj(exception.mechanism) && exception.mechanism.synthetic === true;
      const mech = isObj(exception.mechanism) ? ` (${text(exception.mechanism.type, 50)}${exception.mechanism.handled === false ? ', unhandled' : ''}${synthetic ? ', synthetic' : ''})` : '';
      // A synthetic exception (the SDK's, to carry a stack) without a type is not given one.
      const type = text(exception.type, 200) || (synthetic ? '' : 'Error');
      const stacktrace = minified && isObj(exception.raw_stacktrace) ? exception.raw_stacktrace : exception.stacktrace;
      const frames = objs(isObj(stacktrace) ? stacktrace.frames : null);
      const frameList = el('ol', { className: 'frames' });
      for (const f of [...frames].reverse()) frameList.append(frameItem(f));
      exc.append(el('div', { className: 'exc' }, el('div', { className: 'exc-head' }, idx > 0 ? 'caused by ' : '', type ? el('b', {}, type) : '', type ? ': ' : '', text(exception.value, 2000), mech), frameList));
    });
    exc.dataset.display = minified ? 'minified' : 'original';
  };
  const mapped = values.some((v) => isObj(v.raw_stacktrace));
  let toggle = null;
  if (mapped) {
    const pick = (minified) => {
      for (const b of toggle.querySelectorAll('button')) b.setAttribute('aria-pressed', String((b.dataset.display === 'minified') === minified));
      drawFrames(minified);
    };
    toggle = el('div', { className: 'frames-toggle', id: 'd-frames-toggle', role: 'group', 'aria-label': 'Frames to show' },
      el('span', { className: 'sub' }, 'Resolved with uploaded source maps. Show: '),
      el('button', { type: 'button', 'data-display': 'original', 'aria-pressed': 'true', onclick: () => pick(false) }, 'Original'),
      el('button', { type: 'button', 'data-display': 'minified', 'aria-pressed': 'false', onclick: () => pick(true) }, 'Minified'));
  }
  drawFrames(false);
  return section('Exception', toggle, exc);
}

// The event's last 100 breadcrumbs, each with its time relative to the event's (`end`, seconds).
function breadcrumbsSection(crumbs, end) {
  const crumbList = el('ol', { className: 'crumbs', id: 'd-crumbs' });
  for (const crumb of crumbs.slice(-100)) {
    const time = seconds(crumb.timestamp);
    const rel = time !== null && end !== null ? `${(time - end).toFixed(2)} s` : '';
    crumbList.append(el('li', { className: `crumb crumb-${text(crumb.level, 10) || 'info'}` },
      el('span', { className: 'time', title: absTime(time) }, rel), el('span', { className: 'cat' }, text(crumb.category, 60) || text(crumb.type, 30) || 'default'),
      el('span', { className: 'msg' }, text(crumb.message, 500)), isObj(crumb.data) ? el('code', {}, text(crumb.data, 400)) : null));
  }
  return section(`Breadcrumbs (${crumbs.length})`, crumbList);
}

// A long line (minified code) is shown around the column, as Sentry trims context lines.
const aroundColumn = (line, colno) => (typeof line !== 'string' ? line : trimLine(line, (num(colno) || 1) - 1));

const sourceCache = new Map();
function frameItem(frame) {
  const where = `${text(frame.filename, 300) || text(frame.abs_path, 300) || text(frame.module, 200) || '?'}${num(frame.lineno) !== null ? ':' + frame.lineno : ''}${num(frame.colno) !== null ? ':' + frame.colno : ''}`;
  const mapped = isObj(frame.data) && frame.data.symbolicated === true;
  const li = el('li', { className: `${frame.in_app === true ? 'app' : 'lib'}${mapped ? ' mapped' : ''}` }, el('span', { className: 'fn' }, text(frame.function, 200) || '?'), ' ', el('span', { className: 'where' }, where),
    mapped ? el('span', { className: 'badge-map', title: `resolved with ${text(frame.data.sourcemap, 300)} (${text(frame.data.resolved_with, 40)})` }, 'source map') : null);
  const ctx = el('pre', { className: 'context' });
  const showContext = (pre, line, post, lineno) => {
    const start = lineno - pre.length;
    const lines = [...pre, line, ...post];
    ctx.replaceChildren(...lines.map((l, i) => el('span', { className: start + i === lineno ? 'hl' : '' }, `${String(start + i).padStart(5)}  ${text(l, 300)}\n`)));
    li.append(ctx);
  };
  if (typeof frame.context_line === 'string' && num(frame.lineno) !== null) {
    showContext(list(frame.pre_context).map((x) => text(x)), frame.context_line, list(frame.post_context).map((x) => text(x)), frame.lineno);
  } else if (!mapped && num(frame.lineno) !== null && (typeof frame.abs_path === 'string' || typeof frame.filename === 'string')) {
    // A source on this origin (the demo page) is fetched and shown around the line.
    let url = null;
    try {
      const u = new URL(text(frame.abs_path) || text(frame.filename), location.href);
      if (u.origin === location.origin && num(frame.lineno) !== null) url = u.pathname;
    } catch {
      /* not a URL */
    }
    if (url) {
      if (!sourceCache.has(url)) sourceCache.set(url, fetch(url).then((r) => (r.ok ? r.text() : null)).catch(() => null));
      sourceCache.get(url).then((src) => {
        if (!src) return;
        const lines = src.split('\n');
        const line = frame.lineno;
        if (line < 1 || line > lines.length) return;
        showContext(lines.slice(Math.max(0, line - 4), line - 1).map((l) => aroundColumn(l, 1)), aroundColumn(lines[line - 1], frame.colno), lines.slice(line, line + 3).map((l) => aroundColumn(l, 1)), line);
      });
    }
  }
  return li;
}

async function renderEventsList(issue, body, cursor = null) {
  const params = new URLSearchParams({ limit: '50' });
  if (cursor) params.set('cursor', cursor);
  const response = await api(`/api/issues/${encodeURIComponent(issue.id)}/events?${params}`);
  const table = el('table', { className: 'events', id: 'd-events' }, el('thead', {}, el('tr', {}, el('th', {}, 'Event'), el('th', {}, 'When'), el('th', { className: 'num' }, 'Count'), el('th', {}, 'Browser'), el('th', {}, 'Release'), el('th', {}, 'User'))));
  const tbody = el('tbody');
  for (const row of Array.isArray(response.body) ? response.body : []) {
    const tr = el('tr', { tabindex: '0', 'data-event': row.event_id },
      el('td', {}, el('code', {}, text(row.event_id, 12)), row.summary ? el('span', { className: 'status' }, 'summary') : null),
      el('td', { title: absTime(row.timestamp) }, relTime(row.timestamp)), el('td', { className: 'num' }, fmtNum(row.count)),
      el('td', {}, text(row.browser)), el('td', {}, text(row.release)), el('td', {}, text(row.user)));
    const open = () => openIssue(issue.id, row.event_id);
    tr.addEventListener('click', open);
    tr.addEventListener('keydown', (k) => k.key === 'Enter' && open());
    tbody.append(tr);
  }
  table.append(tbody);
  const next = response.headers.get('x-next-cursor');
  const none = !tbody.children.length && !cursor ? el('p', { className: 'note', id: 'd-no-events' }, 'No event of this issue is stored any more (past retention); its counts, chart and tags remain.') : null;
  // (replaceChildren would print a null as the text "null")
  body.replaceChildren(...[table, none, next ? el('button', { type: 'button', className: 'more', onclick: () => renderEventsList(issue, body, next) }, 'Older events →') : null,
    cursor ? el('button', { type: 'button', className: 'more', onclick: () => renderEventsList(issue, body) }, '↑ Newest') : null].filter(Boolean));
}

async function renderTags(issue, body) {
  const response = await api(`/api/issues/${encodeURIComponent(issue.id)}/tags`);
  const box = el('div', { className: 'tags', id: 'd-tags' });
  for (const tag of Array.isArray(response.body) ? response.body : []) {
    const rowsEl = el('ul', { className: 'tagbars' });
    for (const value of list(tag.values)) {
      const pct = tag.total ? Math.round((value.count / tag.total) * 100) : 0;
      const bar = el('span', { className: 'bar' });
      bar.style.width = `${pct}%`;
      rowsEl.append(el('li', {}, el('button', { type: 'button', className: 'tag', onclick: () => setQuery(`${tag.key}:${JSON.stringify(value.value)}`) }, text(value.value, 200)), el('span', { className: 'pct' }, `${pct}%`), bar));
    }
    box.append(el('div', { className: 'tagkey' }, el('h4', {}, `${tag.key} `, el('span', { className: 'sub' }, `${tag.unique} value(s)`)), rowsEl));
  }
  body.replaceChildren(box);
}

// --- trace view -------------------------------------------------------------------------------
async function openTrace(traceId, push = true) {
  state.trace = traceId;
  state.view = 'issues';
  if (push) writeUrl();
  show('trace');
  const pane = $('#trace');
  const response = await api(`/api/traces/${encodeURIComponent(traceId)}`);
  if (!response.ok || !isObj(response.body)) {
    pane.replaceChildren(el('button', { type: 'button', className: 'back', onclick: () => back() }, '← Back'), el('p', {}, `No spans or events stored for trace ${traceId}.`));
    return;
  }
  const trace = response.body;
  const spans = objs(trace.spans);
  const errors = objs(trace.errors);
  const starts = [...spans.map((s) => num(s.start_timestamp)), ...errors.map((e) => num(e.timestamp))].filter((x) => x !== null);
  const ends = [...spans.map((s) => num(s.timestamp)), ...errors.map((e) => num(e.timestamp))].filter((x) => x !== null);
  const t0 = Math.min(...starts);
  const t1 = Math.max(...ends);
  const dur = Math.max(0.001, t1 - t0);
  // Depth from parent links; spans whose parent is not stored (the browser's) are roots.
  const byId = new Map(spans.map((s) => [s.span_id, s]));
  const depth = (s, guard = 0) => (s.parent_span_id && byId.has(s.parent_span_id) && guard < 50 ? 1 + depth(byId.get(s.parent_span_id), guard + 1) : 0);
  const order = [];
  const children = new Map();
  for (const span of spans) {
    const parent = span.parent_span_id && byId.has(span.parent_span_id) ? span.parent_span_id : null;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(span);
  }
  const walk = (parent, guard = 0) => {
    for (const span of (children.get(parent) || []).sort((a, b) => (num(a.start_timestamp) || 0) - (num(b.start_timestamp) || 0))) {
      order.push(span);
      if (guard < 50) walk(span.span_id, guard + 1);
    }
  };
  walk(null);
  const waterfall = el('div', { className: 'waterfall', id: 'waterfall', role: 'table', 'aria-label': 'spans of the trace' });
  const placement = (startTime, endTime) => {
    const left = (((num(startTime) ?? t0) - t0) / dur) * 100;
    const width = Math.max(0.4, (((num(endTime) ?? num(startTime) ?? t0) - (num(startTime) ?? t0)) / dur) * 100);
    return [left, Math.min(width, 100 - left)];
  };
  const errorsBySpan = new Map();
  for (const error of errors) {
    const spanKey = error.span_id && byId.has(error.span_id) ? error.span_id : null;
    if (!errorsBySpan.has(spanKey)) errorsBySpan.set(spanKey, []);
    errorsBySpan.get(spanKey).push(error);
  }
  const errorMark = (error) => {
    const mark = el('a', { className: 'err-mark', href: `?issue=${encodeURIComponent(error.issue || '')}&event=${encodeURIComponent(error.event_id)}`, title: `${text(error.title)} (${text(error.platform)})`,
      onclick: (ev) => { ev.preventDefault(); if (error.issue) openIssue(error.issue, error.event_id); } }, '●');
    mark.style.left = `${placement(error.timestamp, error.timestamp)[0]}%`;
    return mark;
  };
  for (const span of order) {
    const [left, width] = placement(span.start_timestamp, span.timestamp);
    const bar = el('div', { className: `span-bar${span.is_segment ? ' segment' : ''}${span.status && span.status !== 'ok' ? ' failed' : ''}` });
    bar.style.left = `${left}%`;
    bar.style.width = `${width}%`;
    const track = el('div', { className: 'track' }, bar, ...(errorsBySpan.get(span.span_id) || []).map(errorMark));
    const duration = num(span.timestamp) !== null && num(span.start_timestamp) !== null ? `${((span.timestamp - span.start_timestamp) * 1000).toFixed(1)} ms` : '';
    const label = el('div', { className: 'span-label' }, el('span', { className: 'op' }, text(span.op, 60) || 'span'), ' ', text(span.description, 200), ' ', el('span', { className: 'sub' }, `${duration}${span.service ? ' · ' + text(span.service, 30) : ''}${span.status ? ' · ' + text(span.status, 30) : ''}`));
    label.style.paddingLeft = `${Math.min(depth(span), 12) * 14}px`;
    waterfall.append(el('div', { className: 'span-row', role: 'row', 'data-span': span.span_id }, label, track));
  }
  const loose = errorsBySpan.get(null) || [];
  if (loose.length) {
    waterfall.append(el('div', { className: 'span-row errors-row', role: 'row' }, el('div', { className: 'span-label' }, el('span', { className: 'op' }, 'errors'), ' not attached to a stored span (e.g. the browser)'),
      el('div', { className: 'track' }, ...loose.map(errorMark))));
  }
  const errList = el('ul', { className: 'trace-errors', id: 'trace-errors' }, errors.map((e) => el('li', {}, badge(e.level), ' ',
    el('a', { href: `?issue=${encodeURIComponent(e.issue || '')}`, onclick: (ev) => { ev.preventDefault(); if (e.issue) openIssue(e.issue, e.event_id); } }, text(e.title, 300)),
    ' ', el('span', { className: 'sub' }, `${text(e.platform) || '?'} · ${text(e.sdk)} · ${absTime(e.timestamp)}`))));
  pane.replaceChildren(el('button', { type: 'button', className: 'back', onclick: () => back() }, '← Back'),
    el('h2', {}, 'Trace ', el('code', {}, trace.trace_id)),
    el('p', { className: 'sub' }, `${spans.length} span(s), ${num(trace.errors_total) ?? errors.length} error(s)${num(trace.errors_total) > errors.length ? ` (first ${errors.length} shown)` : ''}, ${(dur * 1000).toFixed(1)} ms`),
    section('Errors in this trace', errList), section('Waterfall', waterfall));
}

// --- metrics page --------------------------------------------------------------------------------
let metricsTimer = null;
async function renderMetrics() {
  const [metricsResponse, sessions] = await Promise.all([api('/api/metrics'), api('/api/sessions')]);
  if (!metricsResponse.ok || !isObj(metricsResponse.body)) return;
  const metrics = metricsResponse.body;
  const health = Array.isArray(sessions.body) ? sessions.body : [];
  const routes = isObj(metrics.eqt) && isObj(metrics.eqt.routes) ? Object.entries(metrics.eqt.routes) : [];
  const pane = $('#metrics');
  pane.replaceChildren(el('h2', {}, 'Live figures'),
    section('EGR — event generation rate (last minute)', keyvals([['events / min', fmtNum(metrics.egr.events_per_min)], ['occurrences / min', fmtNum(metrics.egr.occurrences_per_min)]]),
      el('ol', { className: 'top' }, list(metrics.egr.top_issues).map((t) => el('li', {}, el('a', { href: `?issue=${encodeURIComponent(t.issue)}` }, t.issue), ` ${fmtNum(t.occurrences_per_min)} / min`)))),
    section('ETD — occurrence → stored', keyvals([['p50', metrics.etd.p50 === null ? '—' : `${fmtNum(metrics.etd.p50)} ms`], ['p95', metrics.etd.p95 === null ? '—' : `${fmtNum(metrics.etd.p95)} ms`], ['events measured', fmtNum(metrics.etd.n)]])),
    section('EST — storage', keyvals([['on disk', `${(metrics.est.disk_bytes / 1048576).toFixed(1)} MiB`], ['bytes / stored event', fmtNum(metrics.est.bytes_per_event)], ['bytes / occurrence', fmtNum(metrics.est.bytes_per_occurrence)], ['stored events', fmtNum(metrics.est.stored_events)]])),
    isObj(metrics.upstream) ? section('Upstream (forwarding)', el('div', { id: 'upstream' }, keyvals([['sent', fmtNum(metrics.upstream.sent)], ['queued', fmtNum(metrics.upstream.queued)], ['retries', fmtNum(metrics.upstream.retries)],
      ['refused by the upstream (dropped)', fmtNum(metrics.upstream.rejected)], ['queue full (not forwarded)', fmtNum(metrics.upstream.dropped_queue_full)], ['last error', text(metrics.upstream.last_error, 400)]]))) : null,
    section('EQT — query time per route', el('table', { id: 'eqt' }, el('thead', {}, el('tr', {}, el('th', {}, 'route'), el('th', { className: 'num' }, 'n'), el('th', { className: 'num' }, 'p50 ms'), el('th', { className: 'num' }, 'p95 ms'))),
      el('tbody', {}, routes.map(([k, v]) => el('tr', {}, el('td', {}, k), el('td', { className: 'num' }, fmtNum(v.n)), el('td', { className: 'num' }, text(v.p50)), el('td', { className: 'num' }, text(v.p95))))))),
    section('Release health (sessions)', health.length ? el('table', { id: 'health' }, el('thead', {}, el('tr', {}, ...['release', 'sessions', 'crash-free', 'crashed', 'errored', 'abnormal', 'users'].map((h, i) => el('th', { className: i ? 'num' : '' }, h)))),
      el('tbody', {}, health.map((h) => el('tr', {}, el('td', {}, text(h.release) || '(none)'), el('td', { className: 'num' }, fmtNum(h.sessions)),
        el('td', { className: 'num' }, num(h.crash_free_rate) === null ? '—' : `${(h.crash_free_rate * 100).toFixed(2)} %`), el('td', { className: 'num' }, fmtNum(h.crashed)),
        el('td', { className: 'num' }, fmtNum(h.errored)), el('td', { className: 'num' }, fmtNum(h.abnormal)), el('td', { className: 'num' }, fmtNum(h.users))))))
      : el('p', { className: 'sub' }, 'No sessions received yet (SDKs send them when release health is on).')));
}

// --- views, keys, live stream ---------------------------------------------------------------------
function show(which) {
  document.body.dataset.view = which;
  $('#detail').hidden = which !== 'detail';
  $('#trace').hidden = which !== 'trace';
  $('#metrics').hidden = which !== 'metrics';
  $('#issues-pane').hidden = which === 'metrics';
  $('#search').hidden = which === 'metrics';
  clearInterval(metricsTimer);
  if (which === 'metrics') {
    renderMetrics();
    metricsTimer = setInterval(renderMetrics, 2000);
  }
}

function back() {
  state.issue = null;
  state.event = null;
  state.trace = null;
  writeUrl();
  markSelected();
  show('list');
  const first = $('#issues tbody tr');
  if (first) first.focus();
}

function route() {
  readUrl();
  $('#q').value = state.query;
  $('#sort').value = state.sort;
  renderChips();
  if (state.view === 'metrics') {
    show('metrics');
    return;
  }
  loadList();
  if (state.trace) openTrace(state.trace, false);
  else if (state.issue) openIssue(state.issue, state.event, false);
  else show('list');
}

function moveSelection(delta) {
  const trs = [...document.querySelectorAll('#issues tbody tr')];
  if (!trs.length) return;
  let index = trs.indexOf(document.activeElement);
  if (index < 0) index = trs.findIndex((t) => t.dataset.id === state.issue);
  index = Math.max(0, Math.min(trs.length - 1, index + delta));
  trs[index].focus();
}

document.addEventListener('keydown', (event) => {
  const typing = event.target && (event.target.tagName === 'INPUT' || event.target.tagName === 'SELECT' || event.target.tagName === 'TEXTAREA');
  if (typing) {
    if (event.key === 'Escape') event.target.blur();
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === '/') {
    event.preventDefault();
    $('#q').focus();
  } else if (event.key === 'j') moveSelection(1);
  else if (event.key === 'k') moveSelection(-1);
  else if (event.key === 'Escape') back();
  else if (['r', 'i', 'u'].includes(event.key)) {
    const row = event.target && event.target.closest ? event.target.closest('#issues tbody tr') : null;
    if (row && row.dataset.id) setRowStatus(row.dataset.id, { r: 'resolved', i: 'ignored', u: 'unresolved' }[event.key]);
    else if (current && state.issue) {
      const b = $({ r: '#act-resolve', i: '#act-ignore', u: '#act-unresolve' }[event.key]);
      if (b) b.click();
    }
  }
});

$('#search').addEventListener('submit', (event) => {
  event.preventDefault();
  state.sort = $('#sort').value;
  setQuery($('#q').value.trim());
});
$('#sort').addEventListener('change', () => {
  state.sort = $('#sort').value;
  state.cursor = null;
  state.cursors = [];
  writeUrl();
  loadList();
});
$('#next').addEventListener('click', () => {
  if (!state.next) return;
  state.cursors.push(state.cursor);
  state.cursor = state.next;
  writeUrl();
  loadList();
});
$('#prev').addEventListener('click', () => {
  state.cursor = state.cursors.pop() || null;
  writeUrl();
  loadList();
});
$('#show-new').addEventListener('click', () => loadList());
for (const link of document.querySelectorAll('nav a[data-view]')) {
  link.addEventListener('click', (event) => {
    event.preventDefault();
    state.view = link.dataset.view;
    state.issue = null;
    state.trace = null;
    writeUrl();
    route();
  });
}
window.addEventListener('popstate', route);

async function refreshTotals() {
  const r = await api('/__stats');
  if (r.ok && isObj(r.body) && isObj(r.body.stored)) $('#totals').textContent = `${fmtNum(r.body.issues)} issue(s) · ${fmtNum(r.body.stored.occurrences)} occurrence(s)`;
}
let totalsTimer = null;

const stream = new EventSource('/api/stream');
stream.addEventListener('issue', (message) => {
  let issue;
  try {
    issue = JSON.parse(message.data);
  } catch {
    return;
  }
  if (!isObj(issue)) return;
  const plain = !state.cursor && state.sort === 'date' && (state.query === 'is:unresolved' || state.query === '') && issue.status === 'unresolved';
  if (!updateRow(issue) && plain) {
    // Newest first and no filter beyond the default: the new issue goes on top, nothing else moves.
    const tr = issueRow(issue);
    tr.dataset.count = String(issue.count);
    rows.set(issue.id, { tr, issue: { ...issue, stats: { '24h': [...new Array(23).fill(0), num(issue.count) || 0] } } });
    updateRow(issue);
    $('#issues tbody').prepend(tr);
    $('#empty').hidden = true;
    const all = $('#issues tbody').children;
    if (all.length > 25) {
      const last = all[all.length - 1];
      rows.delete(last.dataset.id);
      last.remove();
    }
  } else if (!rows.has(issue.id)) {
    // Not on this page: the list is not re-rendered under the reader; a notice offers it.
    pendingNew += 1;
    const banner = $('#new-issues');
    banner.hidden = false;
    $('#show-new').textContent = `${pendingNew} update(s) to issues not shown — refresh the list`;
  }
  if (current && issue.id === current.id) {
    const facts = $('#detail .facts b');
    if (facts) facts.textContent = fmtNum(issue.count);
  }
  if (!totalsTimer) totalsTimer = setTimeout(() => { totalsTimer = null; refreshTotals(); }, 500);
});

route();
refreshTotals();
