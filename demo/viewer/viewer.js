// Live issue viewer for the local collector. No inline script, no innerHTML with event data.
const $ = (sel) => document.querySelector(sel);
const issues = new Map();
let selected = null;

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'className') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

const fmtTime = (s) => (Number.isFinite(s) ? new Date(s * 1000).toLocaleString() : '');
const keys = (o) => Object.entries(o || {}).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} (${n})`).join(', ');

function renderList() {
  const body = $('#issues tbody');
  body.replaceChildren();
  const list = [...issues.values()].sort((a, b) => b.last_seen - a.last_seen);
  $('#empty').hidden = list.length > 0;
  let total = 0;
  for (const i of list) {
    total += i.count;
    const row = el('tr', { 'data-id': i.id },
      el('td', {}, el('div', { className: 'title' }, i.title), el('div', { className: 'sub' }, `${i.events} event(s) · first seen ${fmtTime(i.first_seen)}`)),
      el('td', { className: 'num' }, i.count),
      el('td', {}, fmtTime(i.last_seen)),
      el('td', {}, keys(i.browsers)),
      el('td', {}, keys(i.releases)));
    if (i.id === selected) row.className = 'selected';
    row.addEventListener('click', () => select(i.id));
    body.append(row);
  }
  $('#totals').textContent = `${list.length} issue(s), ${total} occurrence(s)`;
}

function dl(target, pairs) {
  target.replaceChildren();
  for (const [k, v] of pairs) {
    if (v === undefined || v === null || v === '') continue;
    target.append(el('dt', {}, k), el('dd', {}, typeof v === 'string' ? v : JSON.stringify(v)));
  }
}

async function select(id) {
  selected = id;
  renderList();
  const res = await fetch(`/api/issues/${id}`);
  if (!res.ok) return;
  const issue = await res.json();
  const ev = issue.latest || {};
  $('#detail').hidden = false;
  $('#d-title').textContent = issue.title;
  dl($('#d-meta'), [['count', String(issue.count)], ['first seen', fmtTime(issue.first_seen)], ['last seen', fmtTime(issue.last_seen)],
    ['browsers', keys(issue.browsers)], ['releases', keys(issue.releases)], ['environments', keys(issue.environments)], ['fingerprint', (ev.fingerprint || []).join(', ')]]);
  const exc = $('#d-exception');
  exc.replaceChildren();
  const values = (ev.exception && ev.exception.values) || [];
  for (const v of [...values].reverse()) {
    const frames = (v.stacktrace && v.stacktrace.frames) || [];
    const list = el('ol', { className: 'frames' });
    for (const f of [...frames].reverse()) {
      const where = `${f.filename || '?'}${f.lineno !== undefined ? ':' + f.lineno : ''}${f.colno !== undefined ? ':' + f.colno : ''}`;
      list.append(el('li', { className: f.in_app ? 'app' : 'lib' }, `${f.function || '?'}  —  ${where}`));
    }
    const mech = v.mechanism ? ` (${v.mechanism.type}${v.mechanism.handled === false ? ', unhandled' : ''})` : '';
    exc.append(el('div', { className: 'exc' }, el('div', { className: 'exc-head' }, `${v.type}: ${v.value}${mech}`), list));
  }
  if (!values.length && ev.logentry) exc.append(el('div', {}, ev.logentry.formatted || ''));
  const crumbs = $('#d-crumbs');
  crumbs.replaceChildren();
  for (const b of (ev.breadcrumbs && ev.breadcrumbs.values) || []) {
    const t = Number.isFinite(b.timestamp) ? new Date(b.timestamp * 1000).toLocaleTimeString() : '';
    crumbs.append(el('li', {}, el('span', { className: 'time' }, t + ' '), el('span', { className: 'cat' }, b.category || b.type || 'default'),
      ' ', b.message || '', b.data ? ' ' + JSON.stringify(b.data) : ''));
  }
  const trace = ev.contexts && ev.contexts.trace;
  dl($('#d-context'), [['tags', ev.tags], ['user', ev.user], ['trace id', trace && trace.trace_id], ['release', ev.release], ['environment', ev.environment], ['url', ev.request && ev.request.url]]);
  const fl = (ev.contexts && ev.contexts.faultline) || {};
  $('#d-grouping').textContent = JSON.stringify(fl.grouping || { note: 'event sent without Faultline grouping data' }, null, 2);
}

async function load() {
  const res = await fetch('/api/issues');
  for (const i of await res.json()) issues.set(i.id, i);
  renderList();
  const params = new URLSearchParams(location.search);
  if (params.get('issue')) select(params.get('issue'));
  else if (issues.size) select([...issues.values()].sort((a, b) => b.count - a.count)[0].id);
}

const stream = new EventSource('/api/stream');
stream.addEventListener('issue', (e) => {
  const i = JSON.parse(e.data);
  issues.set(i.id, i);
  renderList();
  if (i.id === selected || !selected) select(i.id);
});

load();
