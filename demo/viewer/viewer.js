// The local collector's viewer: plain DOM, no framework, no innerHTML with event data (every
// string goes through textContent). It renders events of any shape: every field is checked before
// use. State lives in the URL (?query=&sort=&issue=&event=&trace=&view=).
const $ = (sel) => document.querySelector(sel);
const SVG = 'http://www.w3.org/2000/svg';

import { trimLine } from './context-line.js';

// --- safe accessors for untrusted event data ----------------------------------------------
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (v) => (Array.isArray(v) ? v : isObj(v) ? Object.values(v) : []);
const objs = (v) => list(v).filter(isObj);
function text(v, max = 2000) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.length > max ? v.slice(0, max) + '…' : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  let s;
  try {
    s = JSON.stringify(v);
  } catch {
    s = String(Object.prototype.toString.call(v));
  }
  return s && s.length > max ? s.slice(0, max) + '…' : s || '';
}
const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
function seconds(v) {
  if (num(v) !== null) return v > 1e11 ? v / 1000 : v;
  if (typeof v === 'string') {
    const d = Date.parse(v);
    return Number.isNaN(d) ? null : d / 1000;
  }
  return null;
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'className') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c instanceof Node ? c : String(c));
  return node;
}

function relTime(s) {
  const t = seconds(s);
  if (t === null) return '';
  const d = Date.now() / 1000 - t;
  if (d < 0) return 'in the future';
  if (d < 45) return 'just now';
  if (d < 3600) return `${Math.round(d / 60)} min ago`;
  if (d < 86400) return `${Math.round(d / 3600)} h ago`;
  return `${Math.round(d / 86400)} d ago`;
}
const absTime = (s) => {
  const t = seconds(s);
  return t === null ? '' : new Date(t * 1000).toLocaleString();
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
  const p = new URLSearchParams(location.search);
  state.query = p.has('query') ? p.get('query') : 'is:unresolved';
  state.sort = p.get('sort') || 'date';
  state.cursor = p.get('cursor');
  state.issue = p.get('issue');
  state.event = p.get('event');
  state.trace = p.get('trace');
  state.view = p.get('view') || 'issues';
}
function writeUrl(push = true) {
  const p = new URLSearchParams();
  if (state.view !== 'issues') p.set('view', state.view);
  if (state.query !== 'is:unresolved') p.set('query', state.query);
  if (state.sort !== 'date') p.set('sort', state.sort);
  if (state.cursor) p.set('cursor', state.cursor);
  if (state.issue) p.set('issue', state.issue);
  if (state.event) p.set('event', state.event);
  if (state.trace) p.set('trace', state.trace);
  const url = p.toString() ? `?${p}` : location.pathname;
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
  const w = width / Math.max(1, vals.length);
  vals.forEach((v, i) => {
    if (!v) return;
    const h = Math.max(1.5, (v / max) * (height - 2));
    const r = document.createElementNS(SVG, 'rect');
    r.setAttribute('x', (i * w).toFixed(1));
    r.setAttribute('y', (height - h).toFixed(1));
    r.setAttribute('width', Math.max(1, w - 1).toFixed(1));
    r.setAttribute('height', h.toFixed(1));
    svg.append(r);
  });
  return svg;
}

const badge = (level) => el('span', { className: `badge level-${['fatal', 'error', 'warning', 'info', 'debug'].includes(level) ? level : 'error'}`, title: `level: ${text(level)}` }, text(level || 'error').slice(0, 1).toUpperCase());

// The message under an issue's title when the title does not show it (an issue titled by the
// function of a synthetic exception's crash frame, as Sentry titles it, keeps its message here).
function messageLine(i) {
  const m = text(i.message, 2000).split('\n')[0].trim();
  return m && !text(i.title).includes(m) ? m : '';
}
const subLine = (i, max) => [messageLine(i).slice(0, max), text(i.culprit, max)].filter(Boolean).join(' · ');

function issueRow(i) {
  const status = i.status !== 'unresolved' ? el('span', { className: `status status-${i.status}` }, i.status) : i.substatus === 'regressed' ? el('span', { className: 'status status-regressed' }, 'regressed') : null;
  const tr = el('tr', { 'data-id': i.id, tabindex: '0', 'aria-selected': String(i.id === state.issue) },
    el('td', { className: 'issue-cell' }, badge(i.level), el('div', { className: 'title' }, text(i.title, 300), status),
      el('div', { className: 'sub' }, subLine(i, 200))),
    el('td', { className: 'spark-col' }, sparkline(i.stats && i.stats['24h'])),
    el('td', { className: 'num count' }, fmtNum(i.count)),
    el('td', { className: 'num users' }, fmtNum(i.users)),
    el('td', { className: 'seen' }, el('time', { datetime: new Date((seconds(i.last_seen) || 0) * 1000).toISOString(), title: absTime(i.last_seen) }, relTime(i.last_seen)),
      el('div', { className: 'sub' }, `first ${relTime(i.first_seen)}`)));
  tr.addEventListener('click', () => openIssue(i.id));
  tr.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') openIssue(i.id);
  });
  return tr;
}

// Live update of one row in place: only the cells that change.
function updateRow(i) {
  const r = rows.get(i.id);
  if (!r) return false;
  r.issue = { ...r.issue, ...i, stats: r.issue.stats };
  const spark = r.tr.querySelector('.spark-col');
  if (r.issue.stats && Array.isArray(r.issue.stats['24h'])) {
    const grew = (num(i.count) || 0) - (num(r.tr.dataset.count ? Number(r.tr.dataset.count) : null) || 0);
    const s = r.issue.stats['24h'];
    if (grew > 0 && r.tr.dataset.count) s[s.length - 1] += grew;
    spark.replaceChildren(sparkline(s));
  }
  r.tr.dataset.count = String(i.count);
  r.tr.querySelector('.count').textContent = fmtNum(i.count);
  r.tr.querySelector('.users').textContent = fmtNum(i.users);
  const t = r.tr.querySelector('.seen time');
  t.textContent = relTime(i.last_seen);
  t.title = absTime(i.last_seen);
  r.tr.classList.add('flash');
  setTimeout(() => r.tr.classList.remove('flash'), 800);
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
  const r = await api(`/api/issues?${params}`);
  if (token !== listToken) return undefined;
  const err = $('#query-error');
  if (!r.ok) {
    rows.clear();
    $('#issues tbody').replaceChildren();
    $('#empty').hidden = true;
    $('#next').disabled = true;
    $('#prev').disabled = true;
    err.hidden = false;
    err.textContent = r.body && r.body.detail ? `Search: ${r.body.detail}` : `Search failed (${r.status})`;
    if (r.body && num(r.body.position) !== null) {
      const q = $('#q');
      q.focus();
      q.setSelectionRange(r.body.position, Math.min(q.value.length, r.body.position + 1));
    }
    return false;
  }
  err.hidden = true;
  const body = $('#issues tbody');
  rows.clear();
  const frag = document.createDocumentFragment();
  for (const i of Array.isArray(r.body) ? r.body : []) {
    const tr = issueRow(i);
    tr.dataset.count = String(i.count);
    rows.set(i.id, { tr, issue: i });
    frag.append(tr);
  }
  body.replaceChildren(frag);
  $('#empty').hidden = rows.size > 0;
  if (!rows.size) showEmpty(token);
  state.next = r.headers.get('x-next-cursor');
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
  const st = await api('/__stats');
  if (token !== listToken) return;
  const any = st.ok && isObj(st.body) && num(st.body.issues) > 0;
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
  const terms = state.query.split(/\s+/).filter(Boolean);
  for (const [label, term] of quick) {
    const on = terms.includes(term);
    box.append(el('button', { type: 'button', className: on ? 'chip on' : 'chip', 'aria-pressed': String(on), onclick: () => toggleTerm(term) }, label));
  }
  for (const t of terms) {
    if (quick.some(([, q]) => q === t)) continue;
    box.append(el('button', { type: 'button', className: 'chip on term', title: 'remove this filter', onclick: () => toggleTerm(t) }, `${t} ×`));
  }
}

function toggleTerm(term) {
  const terms = state.query.split(/\s+/).filter(Boolean);
  const i = terms.indexOf(term);
  if (i >= 0) terms.splice(i, 1);
  else {
    // is:* terms replace each other.
    const key = term.split(':')[0] + ':';
    if (key === 'is:') for (let k = terms.length - 1; k >= 0; k--) if (terms[k].startsWith('is:')) terms.splice(k, 1);
    terms.push(term);
  }
  setQuery(terms.join(' '));
}

// A new search: the URL and the chips take it only once the server accepted it.
async function setQuery(q) {
  const before = { query: state.query, cursor: state.cursor, cursors: state.cursors };
  state.query = q;
  $('#q').value = q;
  state.cursor = null;
  state.cursors = [];
  const ok = await loadList();
  if (ok === false) {
    Object.assign(state, before);
    return;
  }
  if (ok) {
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
  const r = await api(`/api/issues/${encodeURIComponent(id)}`);
  if (!r.ok || !isObj(r.body)) {
    pane.replaceChildren(el('p', { className: 'error' }, 'This issue does not exist (any more).'));
    return;
  }
  current = r.body;
  let evData = null;
  let notice = null;
  if (eventId) {
    // Asked through the issue: an event of another issue is never shown under this one.
    const e = await api(`/api/issues/${encodeURIComponent(id)}/events/${encodeURIComponent(eventId)}`);
    if (e.ok && isObj(e.body)) evData = e.body;
    else notice = `The requested event ${text(eventId, 64)} is not a stored event of this issue; ${current.latest == null ? 'none of its events is stored' : 'its latest event is shown'}.`;
  }
  const event = evData ? evData.event : current.latest;
  renderIssue(current, event, evData, notice);
}

// r / i / u on a list row (the focused one): its status changes in place, the row keeps focus.
async function setRowStatus(id, status) {
  const r = await api(`/api/issues/${encodeURIComponent(id)}`, { method: 'PUT', body: JSON.stringify({ status }), headers: { 'content-type': 'application/json' } });
  const row = rows.get(id);
  if (!r.ok || !row) return;
  const focused = document.activeElement === row.tr;
  row.tr.replaceWith((row.tr = issueRow({ ...row.issue, ...r.body, stats: row.issue.stats })));
  row.tr.dataset.count = String(row.issue.count);
  row.issue = { ...row.issue, ...r.body };
  if (focused) row.tr.focus();
  if (current && current.id === id) openIssue(id, state.event, false);
}

function actions(issue) {
  const set = async (status) => {
    const r = await api(`/api/issues/${encodeURIComponent(issue.id)}`, { method: 'PUT', body: JSON.stringify({ status }), headers: { 'content-type': 'application/json' } });
    if (r.ok) {
      const row = rows.get(issue.id);
      if (row) row.tr.replaceWith((row.tr = issueRow({ ...row.issue, ...r.body })));
      openIssue(issue.id, state.event, false);
    }
  };
  return el('div', { className: 'actions' },
    issue.status !== 'resolved' ? el('button', { type: 'button', id: 'act-resolve', onclick: () => set('resolved') }, 'Resolve') : null,
    issue.status !== 'ignored' ? el('button', { type: 'button', id: 'act-ignore', onclick: () => set('ignored') }, 'Ignore') : null,
    issue.status !== 'unresolved' ? el('button', { type: 'button', id: 'act-unresolve', onclick: () => set('unresolved') }, 'Unresolve') : null);
}

function keyvals(pairs, className = 'kv') {
  const d = el('dl', { className });
  for (const [k, v] of pairs) {
    if (v === undefined || v === null || v === '') continue;
    d.append(el('dt', {}, text(k, 200)), el('dd', {}, v instanceof Node ? v : text(v)));
  }
  return d;
}

function section(title, ...content) {
  return el('section', { className: 'block' }, el('h3', {}, title), ...content);
}

function mapBars(m) {
  const entries = Object.entries(isObj(m) ? m : {}).sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((s, [, n]) => s + (num(n) || 0), 0) || 1;
  return entries.slice(0, 5).map(([k, n]) => `${k} ${Math.round(((num(n) || 0) / total) * 100)}%`).join(', ');
}

function renderIssue(issue, event, evData, notice = null) {
  const pane = $('#detail');
  const ev = isObj(event) ? event : {};
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
    if (name === 'event') body.replaceChildren(...(notice ? [el('p', { className: 'note', id: 'd-event-notice' }, notice)] : []), renderEvent(ev, evData, issue));
    if (name === 'events') renderEventsList(issue, body);
    if (name === 'tags') renderTags(issue, body);
  };
  for (const [name, label] of tabDefs) tabs.append(el('button', { type: 'button', role: 'tab', 'data-tab': name, id: `tab-${name}`, onclick: () => selectTab(name) }, label));
  pane.replaceChildren(head, chart, tabs, body);
  selectTab('event');
  api(`/api/issues/${encodeURIComponent(issue.id)}/stats?interval=1h&period=24h`).then((r) => {
    if (!r.ok || !Array.isArray(r.body)) return;
    chart.replaceChildren(el('div', { className: 'sub' }, 'Occurrences per hour, last 24 h'), sparkline(r.body.map((b) => (Array.isArray(b) ? b[1] : 0)), 480, 48));
  });
}

function renderEvent(ev, evData, issue) {
  const wrap = el('div', { className: 'event', id: 'd-event' });
  if (!evData && !Object.keys(ev).length && issue.latest == null) {
    // Every event of the issue expired by retention: its figures stay, no body does.
    wrap.append(el('p', { className: 'note', id: 'd-no-event' }, 'No event of this issue is stored any more (past retention); its counts, chart and tags remain.'));
    return wrap;
  }
  const eventId = text(ev.event_id, 64);
  const nav = el('div', { className: 'event-nav' },
    el('span', { className: 'sub' }, `Event ${eventId || '(no id)'} · ${absTime(ev.timestamp)}`),
    evData && evData.previous ? el('button', { type: 'button', onclick: () => openIssue(issue.id, evData.previous) }, '← Older') : null,
    evData && evData.next ? el('button', { type: 'button', onclick: () => openIssue(issue.id, evData.next) }, 'Newer →') : null);
  wrap.append(nav);
  const c = isObj(ev.contexts) ? ev.contexts : {};
  const fl = isObj(c.faultline) ? c.faultline : {};
  if (num(fl.count) > 1) wrap.append(el('p', { className: 'note' }, `This event stands for ${fmtNum(fl.count)} occurrences (${fl.summary === true ? 'a summary of repeats counted in the page' : 'aggregated in the page'}).`));
  // Exception chain, outermost last as Sentry shows it: the newest (the one thrown) first.
  const values = objs(isObj(ev.exception) ? ev.exception.values ?? ev.exception : ev.exception);
  if (values.length) {
    const exc = el('div', { id: 'd-exception' });
    // Frames the collector resolved with an uploaded source map come in `stacktrace`, the frames as
    // the SDK sent them in `raw_stacktrace` (Sentry's names): a toggle shows either.
    const drawFrames = (minified) => {
      exc.replaceChildren();
      [...values].reverse().forEach((v, idx) => {
        const synthetic = isObj(v.mechanism) && v.mechanism.synthetic === true;
        const mech = isObj(v.mechanism) ? ` (${text(v.mechanism.type, 50)}${v.mechanism.handled === false ? ', unhandled' : ''}${synthetic ? ', synthetic' : ''})` : '';
        // A synthetic exception (the SDK's, to carry a stack) without a type is not given one.
        const type = text(v.type, 200) || (synthetic ? '' : 'Error');
        const st = minified && isObj(v.raw_stacktrace) ? v.raw_stacktrace : v.stacktrace;
        const frames = objs(isObj(st) ? st.frames : null);
        const ol = el('ol', { className: 'frames' });
        for (const f of [...frames].reverse()) ol.append(frameItem(f));
        exc.append(el('div', { className: 'exc' }, el('div', { className: 'exc-head' }, idx > 0 ? 'caused by ' : '', type ? el('b', {}, type) : '', type ? ': ' : '', text(v.value, 2000), mech), ol));
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
    wrap.append(section('Exception', toggle, exc));
  }
  const procErrors = objs(ev.errors).slice(0, 20);
  if (procErrors.length) wrap.append(section('Processing errors', el('ul', { id: 'd-processing-errors' }, procErrors.map((e) => el('li', {}, `${text(e.type, 80)}: ${[text(e.name, 100), e.value === undefined ? '' : `was ${text(JSON.stringify(e.value), 100)}`, text(e.url, 300), text(e.reason, 300)].filter(Boolean).join(' ')}`)))));
  const msg = isObj(ev.logentry) ? text(ev.logentry.formatted || ev.logentry.message) : isObj(ev.message) ? text(ev.message.formatted || ev.message.message) : text(ev.message);
  if (msg) wrap.append(section('Message', el('pre', { className: 'message' }, msg)));
  const crumbs = objs(isObj(ev.breadcrumbs) ? ev.breadcrumbs.values : ev.breadcrumbs);
  if (crumbs.length) {
    const ol = el('ol', { className: 'crumbs', id: 'd-crumbs' });
    const end = seconds(ev.timestamp);
    for (const b of crumbs.slice(-100)) {
      const t = seconds(b.timestamp);
      const rel = t !== null && end !== null ? `${(t - end).toFixed(2)} s` : '';
      ol.append(el('li', { className: `crumb crumb-${text(b.level, 10) || 'info'}` },
        el('span', { className: 'time', title: absTime(t) }, rel), el('span', { className: 'cat' }, text(b.category, 60) || text(b.type, 30) || 'default'),
        el('span', { className: 'msg' }, text(b.message, 500)), isObj(b.data) ? el('code', {}, text(b.data, 400)) : null));
    }
    wrap.append(section(`Breadcrumbs (${crumbs.length})`, ol));
  }
  const trace = isObj(c.trace) ? c.trace : {};
  const traceId = typeof trace.trace_id === 'string' && /^[0-9a-f]{32}$/i.test(trace.trace_id) ? trace.trace_id : null;
  const req = isObj(ev.request) ? ev.request : {};
  wrap.append(section('Overview', keyvals([
    ['level', ev.level], ['release', ev.release], ['environment', ev.environment], ['platform', ev.platform], ['url', req.url],
    ['trace', traceId ? el('a', { href: `?trace=${traceId}`, onclick: (e) => { e.preventDefault(); openTrace(traceId); } }, traceId) : null],
    ['sdk', isObj(ev.sdk) ? `${text(ev.sdk.name, 80)} ${text(ev.sdk.version, 40)}` : null],
  ])));
  if (ev.user !== undefined) wrap.append(section('User', isObj(ev.user) ? keyvals(Object.entries(ev.user)) : el('p', {}, text(ev.user))));
  const tags = isObj(ev.tags) ? Object.entries(ev.tags) : Array.isArray(ev.tags) ? ev.tags.filter(Array.isArray) : [];
  if (tags.length) wrap.append(section('Tags', el('div', { className: 'taglist' }, tags.map(([k, v]) => el('button', { type: 'button', className: 'tag', title: 'search for this tag', onclick: () => setQuery(`${text(k, 64)}:${JSON.stringify(text(v, 200))}`) }, `${text(k, 64)}: ${text(v, 200)}`)))));
  const ctx = Object.entries(c).filter(([k]) => k !== 'faultline');
  if (ctx.length) wrap.append(section('Contexts', ...ctx.map(([k, v]) => el('div', { className: 'ctx' }, el('h4', {}, k), isObj(v) ? keyvals(Object.entries(v)) : el('p', {}, text(v))))));
  if (ev.extra !== undefined) wrap.append(section('Extra', isObj(ev.extra) ? keyvals(Object.entries(ev.extra)) : el('p', {}, text(ev.extra))));
  // Why grouped: the fingerprint and Faultline's grouping parts.
  const fp = Array.isArray(ev.fingerprint) ? ev.fingerprint.map((x) => text(x, 200)).join(' | ') : text(ev.fingerprint);
  const why = [];
  if (fp) why.push(['fingerprint', fp]);
  if (isObj(fl.grouping)) for (const [k, v] of Object.entries(fl.grouping)) why.push([k, v]);
  wrap.append(section('Why grouped', why.length ? keyvals(why) : el('p', {}, 'Sent without a fingerprint or grouping data: grouped here by exception type and value (or message).')));
  let raw = '';
  try {
    raw = JSON.stringify(ev, null, 2);
  } catch {
    raw = '(not serialisable)';
  }
  wrap.append(el('details', { className: 'block raw' }, el('summary', {}, 'Raw JSON'), el('pre', {}, raw.length > 500000 ? raw.slice(0, 500000) + '\n…' : raw)));
  return wrap;
}

// A long line (minified code) is shown around the column, as Sentry trims context lines.
const aroundColumn = (line, colno) => (typeof line !== 'string' ? line : trimLine(line, (num(colno) || 1) - 1));

const sourceCache = new Map();
function frameItem(f) {
  const where = `${text(f.filename, 300) || text(f.abs_path, 300) || text(f.module, 200) || '?'}${num(f.lineno) !== null ? ':' + f.lineno : ''}${num(f.colno) !== null ? ':' + f.colno : ''}`;
  const mapped = isObj(f.data) && f.data.symbolicated === true;
  const li = el('li', { className: `${f.in_app === true ? 'app' : 'lib'}${mapped ? ' mapped' : ''}` }, el('span', { className: 'fn' }, text(f.function, 200) || '?'), ' ', el('span', { className: 'where' }, where),
    mapped ? el('span', { className: 'badge-map', title: `resolved with ${text(f.data.sourcemap, 300)} (${text(f.data.resolved_with, 40)})` }, 'source map') : null);
  const ctx = el('pre', { className: 'context' });
  const showContext = (pre, line, post, lineno) => {
    const start = lineno - pre.length;
    const lines = [...pre, line, ...post];
    ctx.replaceChildren(...lines.map((l, i) => el('span', { className: start + i === lineno ? 'hl' : '' }, `${String(start + i).padStart(5)}  ${text(l, 300)}\n`)));
    li.append(ctx);
  };
  if (typeof f.context_line === 'string' && num(f.lineno) !== null) {
    showContext(list(f.pre_context).map((x) => text(x)), f.context_line, list(f.post_context).map((x) => text(x)), f.lineno);
  } else if (!mapped && num(f.lineno) !== null && (typeof f.abs_path === 'string' || typeof f.filename === 'string')) {
    // A source on this origin (the demo page) is fetched and shown around the line.
    let url = null;
    try {
      const u = new URL(text(f.abs_path) || text(f.filename), location.href);
      if (u.origin === location.origin && num(f.lineno) !== null) url = u.pathname;
    } catch {
      /* not a URL */
    }
    if (url) {
      if (!sourceCache.has(url)) sourceCache.set(url, fetch(url).then((r) => (r.ok ? r.text() : null)).catch(() => null));
      sourceCache.get(url).then((src) => {
        if (!src) return;
        const lines = src.split('\n');
        const n = f.lineno;
        if (n < 1 || n > lines.length) return;
        showContext(lines.slice(Math.max(0, n - 4), n - 1).map((l) => aroundColumn(l, 1)), aroundColumn(lines[n - 1], f.colno), lines.slice(n, n + 3).map((l) => aroundColumn(l, 1)), n);
      });
    }
  }
  return li;
}

async function renderEventsList(issue, body, cursor = null) {
  const p = new URLSearchParams({ limit: '50' });
  if (cursor) p.set('cursor', cursor);
  const r = await api(`/api/issues/${encodeURIComponent(issue.id)}/events?${p}`);
  const table = el('table', { className: 'events', id: 'd-events' }, el('thead', {}, el('tr', {}, el('th', {}, 'Event'), el('th', {}, 'When'), el('th', { className: 'num' }, 'Count'), el('th', {}, 'Browser'), el('th', {}, 'Release'), el('th', {}, 'User'))));
  const tb = el('tbody');
  for (const e of Array.isArray(r.body) ? r.body : []) {
    const tr = el('tr', { tabindex: '0', 'data-event': e.event_id },
      el('td', {}, el('code', {}, text(e.event_id, 12)), e.summary ? el('span', { className: 'status' }, 'summary') : null),
      el('td', { title: absTime(e.timestamp) }, relTime(e.timestamp)), el('td', { className: 'num' }, fmtNum(e.count)),
      el('td', {}, text(e.browser)), el('td', {}, text(e.release)), el('td', {}, text(e.user)));
    const open = () => openIssue(issue.id, e.event_id);
    tr.addEventListener('click', open);
    tr.addEventListener('keydown', (k) => k.key === 'Enter' && open());
    tb.append(tr);
  }
  table.append(tb);
  const next = r.headers.get('x-next-cursor');
  const none = !tb.children.length && !cursor ? el('p', { className: 'note', id: 'd-no-events' }, 'No event of this issue is stored any more (past retention); its counts, chart and tags remain.') : null;
  // (replaceChildren would print a null as the text "null")
  body.replaceChildren(...[table, none, next ? el('button', { type: 'button', className: 'more', onclick: () => renderEventsList(issue, body, next) }, 'Older events →') : null,
    cursor ? el('button', { type: 'button', className: 'more', onclick: () => renderEventsList(issue, body) }, '↑ Newest') : null].filter(Boolean));
}

async function renderTags(issue, body) {
  const r = await api(`/api/issues/${encodeURIComponent(issue.id)}/tags`);
  const box = el('div', { className: 'tags', id: 'd-tags' });
  for (const t of Array.isArray(r.body) ? r.body : []) {
    const rowsEl = el('ul', { className: 'tagbars' });
    for (const v of list(t.values)) {
      const pct = t.total ? Math.round((v.count / t.total) * 100) : 0;
      const bar = el('span', { className: 'bar' });
      bar.style.width = `${pct}%`;
      rowsEl.append(el('li', {}, el('button', { type: 'button', className: 'tag', onclick: () => setQuery(`${t.key}:${JSON.stringify(v.value)}`) }, text(v.value, 200)), el('span', { className: 'pct' }, `${pct}%`), bar));
    }
    box.append(el('div', { className: 'tagkey' }, el('h4', {}, `${t.key} `, el('span', { className: 'sub' }, `${t.unique} value(s)`)), rowsEl));
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
  const r = await api(`/api/traces/${encodeURIComponent(traceId)}`);
  if (!r.ok || !isObj(r.body)) {
    pane.replaceChildren(el('button', { type: 'button', className: 'back', onclick: () => back() }, '← Back'), el('p', {}, `No spans or events stored for trace ${traceId}.`));
    return;
  }
  const t = r.body;
  const spans = objs(t.spans);
  const errors = objs(t.errors);
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
  for (const s of spans) {
    const p = s.parent_span_id && byId.has(s.parent_span_id) ? s.parent_span_id : null;
    if (!children.has(p)) children.set(p, []);
    children.get(p).push(s);
  }
  const walk = (p, guard = 0) => {
    for (const s of (children.get(p) || []).sort((a, b) => (num(a.start_timestamp) || 0) - (num(b.start_timestamp) || 0))) {
      order.push(s);
      if (guard < 50) walk(s.span_id, guard + 1);
    }
  };
  walk(null);
  const wf = el('div', { className: 'waterfall', id: 'waterfall', role: 'table', 'aria-label': 'spans of the trace' });
  const pos = (a, b) => {
    const left = (((num(a) ?? t0) - t0) / dur) * 100;
    const width = Math.max(0.4, (((num(b) ?? num(a) ?? t0) - (num(a) ?? t0)) / dur) * 100);
    return [left, Math.min(width, 100 - left)];
  };
  const errorsBySpan = new Map();
  for (const e of errors) {
    const k = e.span_id && byId.has(e.span_id) ? e.span_id : null;
    if (!errorsBySpan.has(k)) errorsBySpan.set(k, []);
    errorsBySpan.get(k).push(e);
  }
  const errorMark = (e) => {
    const m = el('a', { className: 'err-mark', href: `?issue=${encodeURIComponent(e.issue || '')}&event=${encodeURIComponent(e.event_id)}`, title: `${text(e.title)} (${text(e.platform)})`,
      onclick: (ev) => { ev.preventDefault(); if (e.issue) openIssue(e.issue, e.event_id); } }, '●');
    m.style.left = `${pos(e.timestamp, e.timestamp)[0]}%`;
    return m;
  };
  for (const s of order) {
    const [left, width] = pos(s.start_timestamp, s.timestamp);
    const bar = el('div', { className: `span-bar${s.is_segment ? ' segment' : ''}${s.status && s.status !== 'ok' ? ' failed' : ''}` });
    bar.style.left = `${left}%`;
    bar.style.width = `${width}%`;
    const track = el('div', { className: 'track' }, bar, ...(errorsBySpan.get(s.span_id) || []).map(errorMark));
    const ms = num(s.timestamp) !== null && num(s.start_timestamp) !== null ? `${((s.timestamp - s.start_timestamp) * 1000).toFixed(1)} ms` : '';
    const label = el('div', { className: 'span-label' }, el('span', { className: 'op' }, text(s.op, 60) || 'span'), ' ', text(s.description, 200), ' ', el('span', { className: 'sub' }, `${ms}${s.service ? ' · ' + text(s.service, 30) : ''}${s.status ? ' · ' + text(s.status, 30) : ''}`));
    label.style.paddingLeft = `${Math.min(depth(s), 12) * 14}px`;
    wf.append(el('div', { className: 'span-row', role: 'row', 'data-span': s.span_id }, label, track));
  }
  const loose = errorsBySpan.get(null) || [];
  if (loose.length) {
    wf.append(el('div', { className: 'span-row errors-row', role: 'row' }, el('div', { className: 'span-label' }, el('span', { className: 'op' }, 'errors'), ' not attached to a stored span (e.g. the browser)'),
      el('div', { className: 'track' }, ...loose.map(errorMark))));
  }
  const errList = el('ul', { className: 'trace-errors', id: 'trace-errors' }, errors.map((e) => el('li', {}, badge(e.level), ' ',
    el('a', { href: `?issue=${encodeURIComponent(e.issue || '')}`, onclick: (ev) => { ev.preventDefault(); if (e.issue) openIssue(e.issue, e.event_id); } }, text(e.title, 300)),
    ' ', el('span', { className: 'sub' }, `${text(e.platform) || '?'} · ${text(e.sdk)} · ${absTime(e.timestamp)}`))));
  pane.replaceChildren(el('button', { type: 'button', className: 'back', onclick: () => back() }, '← Back'),
    el('h2', {}, 'Trace ', el('code', {}, t.trace_id)),
    el('p', { className: 'sub' }, `${spans.length} span(s), ${num(t.errors_total) ?? errors.length} error(s)${num(t.errors_total) > errors.length ? ` (first ${errors.length} shown)` : ''}, ${(dur * 1000).toFixed(1)} ms`),
    section('Errors in this trace', errList), section('Waterfall', wf));
}

// --- metrics page --------------------------------------------------------------------------------
let metricsTimer = null;
async function renderMetrics() {
  const [r, sessions] = await Promise.all([api('/api/metrics'), api('/api/sessions')]);
  if (!r.ok || !isObj(r.body)) return;
  const m = r.body;
  const health = Array.isArray(sessions.body) ? sessions.body : [];
  const routes = isObj(m.eqt) && isObj(m.eqt.routes) ? Object.entries(m.eqt.routes) : [];
  const pane = $('#metrics');
  pane.replaceChildren(el('h2', {}, 'Live figures'),
    section('EGR — event generation rate (last minute)', keyvals([['events / min', fmtNum(m.egr.events_per_min)], ['occurrences / min', fmtNum(m.egr.occurrences_per_min)]]),
      el('ol', { className: 'top' }, list(m.egr.top_issues).map((t) => el('li', {}, el('a', { href: `?issue=${encodeURIComponent(t.issue)}` }, t.issue), ` ${fmtNum(t.occurrences_per_min)} / min`)))),
    section('ETD — occurrence → stored', keyvals([['p50', m.etd.p50 === null ? '—' : `${fmtNum(m.etd.p50)} ms`], ['p95', m.etd.p95 === null ? '—' : `${fmtNum(m.etd.p95)} ms`], ['events measured', fmtNum(m.etd.n)]])),
    section('EST — storage', keyvals([['on disk', `${(m.est.disk_bytes / 1048576).toFixed(1)} MiB`], ['bytes / stored event', fmtNum(m.est.bytes_per_event)], ['bytes / occurrence', fmtNum(m.est.bytes_per_occurrence)], ['stored events', fmtNum(m.est.stored_events)]])),
    isObj(m.upstream) ? section('Upstream (forwarding)', el('div', { id: 'upstream' }, keyvals([['sent', fmtNum(m.upstream.sent)], ['queued', fmtNum(m.upstream.queued)], ['retries', fmtNum(m.upstream.retries)],
      ['refused by the upstream (dropped)', fmtNum(m.upstream.rejected)], ['queue full (not forwarded)', fmtNum(m.upstream.dropped_queue_full)], ['last error', text(m.upstream.last_error, 400)]]))) : null,
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
  let i = trs.indexOf(document.activeElement);
  if (i < 0) i = trs.findIndex((t) => t.dataset.id === state.issue);
  i = Math.max(0, Math.min(trs.length - 1, i + delta));
  trs[i].focus();
}

document.addEventListener('keydown', (e) => {
  const typing = e.target && (e.target.tagName === 'INPUT' || e.target.tagName === 'SELECT' || e.target.tagName === 'TEXTAREA');
  if (typing) {
    if (e.key === 'Escape') e.target.blur();
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === '/') {
    e.preventDefault();
    $('#q').focus();
  } else if (e.key === 'j') moveSelection(1);
  else if (e.key === 'k') moveSelection(-1);
  else if (e.key === 'Escape') back();
  else if (['r', 'i', 'u'].includes(e.key)) {
    const row = e.target && e.target.closest ? e.target.closest('#issues tbody tr') : null;
    if (row && row.dataset.id) setRowStatus(row.dataset.id, { r: 'resolved', i: 'ignored', u: 'unresolved' }[e.key]);
    else if (current && state.issue) {
      const b = $({ r: '#act-resolve', i: '#act-ignore', u: '#act-unresolve' }[e.key]);
      if (b) b.click();
    }
  }
});

$('#search').addEventListener('submit', (e) => {
  e.preventDefault();
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
for (const a of document.querySelectorAll('nav a[data-view]')) {
  a.addEventListener('click', (e) => {
    e.preventDefault();
    state.view = a.dataset.view;
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
stream.addEventListener('issue', (e) => {
  let i;
  try {
    i = JSON.parse(e.data);
  } catch {
    return;
  }
  if (!isObj(i)) return;
  const plain = !state.cursor && state.sort === 'date' && (state.query === 'is:unresolved' || state.query === '') && i.status === 'unresolved';
  if (!updateRow(i) && plain) {
    // Newest first and no filter beyond the default: the new issue goes on top, nothing else moves.
    const tr = issueRow(i);
    tr.dataset.count = String(i.count);
    rows.set(i.id, { tr, issue: { ...i, stats: { '24h': [...new Array(23).fill(0), num(i.count) || 0] } } });
    updateRow(i);
    $('#issues tbody').prepend(tr);
    $('#empty').hidden = true;
    const all = $('#issues tbody').children;
    if (all.length > 25) {
      const last = all[all.length - 1];
      rows.delete(last.dataset.id);
      last.remove();
    }
  } else if (!rows.has(i.id)) {
    // Not on this page: the list is not re-rendered under the reader; a notice offers it.
    pendingNew += 1;
    const n = $('#new-issues');
    n.hidden = false;
    $('#show-new').textContent = `${pendingNew} update(s) to issues not shown — refresh the list`;
  }
  if (current && i.id === current.id) {
    const facts = $('#detail .facts b');
    if (facts) facts.textContent = fmtNum(i.count);
  }
  if (!totalsTimer) totalsTimer = setTimeout(() => { totalsTimer = null; refreshTotals(); }, 500);
});

route();
refreshTotals();
