// Durable event store for the demo collector: an append-only NDJSON log per data directory, with
// the in-memory index (issues by fingerprint, counts) rebuilt from the log at start. A torn last
// line (crash mid-write) is skipped and counted, never fatal. No server, no native build step.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

export function issueKey(event) {
  const fp = Array.isArray(event.fingerprint) ? event.fingerprint.filter((p) => typeof p === 'string') : [];
  if (fp.length && !(fp.length === 1 && fp[0] === '{{ default }}')) return 'fp:' + fp.join('|');
  const values = event.exception && Array.isArray(event.exception.values) ? event.exception.values : [];
  const last = values[values.length - 1];
  if (last) return `ex:${last.type || ''}:${last.value || ''}`;
  const msg = (event.logentry && (event.logentry.formatted || event.logentry.message)) || event.message || '';
  return `msg:${typeof msg === 'string' ? msg : JSON.stringify(msg)}`;
}

function titleOf(event) {
  const values = event.exception && Array.isArray(event.exception.values) ? event.exception.values : [];
  const last = values[values.length - 1];
  if (last) return `${last.type || 'Error'}${last.value ? ': ' + String(last.value).split('\n')[0] : ''}`.slice(0, 300);
  const msg = (event.logentry && (event.logentry.formatted || event.logentry.message)) || event.message || '(no message)';
  return String(typeof msg === 'string' ? msg : JSON.stringify(msg)).split('\n')[0].slice(0, 300);
}

function browserOf(event, userAgent) {
  const b = event.contexts && event.contexts.browser;
  if (b && b.name) return `${b.name}${b.version ? ' ' + String(b.version).split('.')[0] : ''}`;
  const ua = userAgent || (event.request && event.request.headers && (event.request.headers['User-Agent'] || event.request.headers['user-agent'])) || '';
  if (/Firefox\/(\d+)/.test(ua)) return `Firefox ${RegExp.$1}`;
  if (/(?:Chrome|Chromium)\/(\d+)/.test(ua)) return `Chrome ${RegExp.$1}`;
  if (/Version\/(\d+).*Safari/.test(ua) || /AppleWebKit/.test(ua)) return `WebKit${RegExp.$1 ? ' ' + RegExp.$1 : ''}`;
  if (/Node/.test(ua)) return 'Node';
  return ua ? ua.slice(0, 40) : 'unknown';
}

function toSeconds(ts) {
  if (typeof ts === 'number' && Number.isFinite(ts)) return ts;
  if (typeof ts === 'string') {
    const d = Date.parse(ts);
    if (!Number.isNaN(d)) return d / 1000;
  }
  return Date.now() / 1000;
}

export class Store {
  constructor(dataDir) {
    this.dataDir = dataDir;
    fs.mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, 'events.ndjson');
    this.reset(false);
    this.tornLines = 0;
    this.load();
    this.fd = fs.openSync(this.file, 'a');
  }

  reset(truncate = true) {
    this.issues = new Map(); // key -> issue
    this.events = []; // recent events (bounded)
    this.totals = { events: 0, occurrences: 0, summaries: 0, duplicates: 0 };
    this.seen = new Set(); // project + event_id of every stored event
    this.discarded = {}; // client reports: reason -> quantity
    if (truncate) {
      fs.closeSync(this.fd);
      fs.writeFileSync(this.file, '');
      this.fd = fs.openSync(this.file, 'a');
    }
  }

  load() {
    if (!fs.existsSync(this.file)) return;
    const text = fs.readFileSync(this.file, 'utf8');
    const lines = text.split('\n');
    for (const line of lines) {
      if (!line.trim()) continue;
      let rec;
      try {
        rec = JSON.parse(line);
      } catch {
        this.tornLines++;
        continue;
      }
      this.apply(rec);
    }
  }

  // Drops events whose event_id this project already stored, as Sentry does: an SDK that resends
  // what it could not confirm (a request cut by a page unload) must not count it twice.
  dedupe(records) {
    const out = [];
    const batch = new Set();
    for (const r of records) {
      const id = r.kind === 'event' && typeof r.event.event_id === 'string' ? `${r.project}/${r.event.event_id}` : null;
      if (id && (this.seen.has(id) || batch.has(id))) {
        this.totals.duplicates += 1;
        continue;
      }
      if (id) batch.add(id);
      out.push(r);
    }
    return out;
  }

  // Appends records durably (one write + fsync per batch), then updates the index.
  append(records) {
    if (!records.length) return [];
    const text = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
    fs.writeSync(this.fd, text);
    fs.fsyncSync(this.fd);
    return records.map((r) => this.apply(r)).filter(Boolean);
  }

  apply(rec) {
    if (rec.kind === 'client_report') {
      for (const d of rec.report.discarded_events || []) {
        const k = `${d.reason}:${d.category}`;
        this.discarded[k] = (this.discarded[k] || 0) + (Number(d.quantity) || 0);
      }
      return null;
    }
    if (rec.kind !== 'event') return null;
    const ev = rec.event;
    if (typeof ev.event_id === 'string') this.seen.add(`${rec.project}/${ev.event_id}`);
    const fl = (ev.contexts && ev.contexts.faultline) || {};
    const count = Number.isFinite(fl.count) && fl.count > 0 ? fl.count : 1;
    const summary = fl.summary === true;
    const key = issueKey(ev);
    let issue = this.issues.get(key);
    const ts = toSeconds(ev.timestamp);
    const first = Number.isFinite(fl.first_seen) ? fl.first_seen : ts;
    const last = Number.isFinite(fl.last_seen) ? fl.last_seen : ts;
    if (!issue) {
      issue = {
        id: crypto.createHash('sha1').update(rec.project + '\0' + key).digest('hex').slice(0, 12),
        project: rec.project, key, title: titleOf(ev), count: 0, events: 0, first_seen: first, last_seen: last,
        browsers: {}, releases: {}, environments: {}, latest: null, fingerprint: ev.fingerprint || null,
      };
      this.issues.set(key, issue);
    }
    issue.count += count;
    issue.events += 1;
    issue.first_seen = Math.min(issue.first_seen, first);
    issue.last_seen = Math.max(issue.last_seen, last);
    const browser = browserOf(ev, rec.ua);
    issue.browsers[browser] = (issue.browsers[browser] || 0) + count;
    if (ev.release) issue.releases[ev.release] = (issue.releases[ev.release] || 0) + count;
    if (ev.environment) issue.environments[ev.environment] = (issue.environments[ev.environment] || 0) + count;
    if (!summary || !issue.latest) {
      issue.latest = ev;
      if (!summary) issue.title = titleOf(ev);
    }
    this.totals.events += 1;
    this.totals.occurrences += count;
    if (summary) this.totals.summaries += 1;
    this.events.push({ project: rec.project, received: rec.received, issue: issue.id, event: ev });
    if (this.events.length > 1000) this.events.splice(0, this.events.length - 1000);
    return issue;
  }

  listIssues(project) {
    const out = [];
    for (const i of this.issues.values()) {
      if (project && i.project !== project) continue;
      const { latest, ...rest } = i;
      out.push(rest);
    }
    return out.sort((a, b) => b.last_seen - a.last_seen);
  }

  getIssue(id) {
    for (const i of this.issues.values()) if (i.id === id) return i;
    return null;
  }

  close() {
    try {
      fs.closeSync(this.fd);
    } catch {
      /* already closed */
    }
  }
}
