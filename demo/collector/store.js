// The collector's store: one SQLite database (better-sqlite3, WAL) per data directory.
//
// Issues keep true occurrence counts (an event may stand for many occurrences: Faultline's
// contexts.faultline.count, or 1/sample_rate), so retention can delete old event bodies without
// changing any count, tag breakdown, users-affected figure or count-over-time bucket. Ingest is
// batched: the server hands over every record received in one turn of the event loop and they are
// written in one transaction. Startup opens the file and reads a handful of counters: its time does
// not depend on how many events are stored.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { compareReleases, isObj, issuePublicId, MAX_OCCURRENCES_PER_EVENT, str, toSeconds, traceOf } from './fields.js';

// A client report's reason or category: Sentry's names are snake_case (queue_overflow, error).
const REPORT_NAME = /^[a-z][a-z0-9_]*$/;
import { BLOCK_EVENTS, BlockPacker, DICTS, DICT_ID, boundDepth, normalizeEventId, normalizeRecord, unpackBody } from './ingest.js';
import { compileQuery, decodeCursor, encodeCursor, parseQuery, QueryError, SORTS, sortColumn } from './query.js';

export { issueKey } from './fields.js';

export const SCHEMA_VERSION = 7;

export { packBody, unpackBody, normalizeEventId } from './ingest.js';

export const MIGRATIONS = [
  // 0 -> 1
  `CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
   CREATE TABLE issues (
     id INTEGER PRIMARY KEY, public_id TEXT NOT NULL UNIQUE, project TEXT NOT NULL, key TEXT NOT NULL,
     title TEXT NOT NULL, culprit TEXT NOT NULL DEFAULT '', message TEXT NOT NULL DEFAULT '', level TEXT NOT NULL DEFAULT 'error',
     status TEXT NOT NULL DEFAULT 'unresolved', substatus TEXT NOT NULL DEFAULT 'new', resolved_release TEXT, resolved_at REAL,
     count INTEGER NOT NULL DEFAULT 0, events INTEGER NOT NULL DEFAULT 0, users INTEGER NOT NULL DEFAULT 0,
     first_seen REAL NOT NULL, last_seen REAL NOT NULL, first_release TEXT, last_release TEXT,
     latest_event INTEGER, fingerprint TEXT, UNIQUE (project, key));
   CREATE INDEX issues_last_seen ON issues (last_seen, id);
   CREATE INDEX issues_first_seen ON issues (first_seen, id);
   CREATE INDEX issues_count ON issues (count, id);
   CREATE INDEX issues_users ON issues (users, id);
   CREATE INDEX issues_status ON issues (status, last_seen);
   CREATE TABLE events (
     id INTEGER PRIMARY KEY, project TEXT NOT NULL, event_id TEXT NOT NULL, issue_id INTEGER, type TEXT NOT NULL,
     timestamp REAL NOT NULL, received REAL NOT NULL, count INTEGER NOT NULL, summary INTEGER NOT NULL DEFAULT 0,
     level TEXT, release TEXT, environment TEXT, browser TEXT, user_key TEXT, trace_id TEXT NOT NULL DEFAULT '', span_id TEXT,
     title TEXT, size INTEGER NOT NULL, dict INTEGER NOT NULL, body BLOB NOT NULL);
   CREATE UNIQUE INDEX events_event_id ON events (project, event_id);
   CREATE INDEX events_issue ON events (issue_id, id) WHERE issue_id IS NOT NULL;
   CREATE INDEX events_trace ON events (trace_id) WHERE trace_id != '';
   CREATE TABLE issue_tags (issue_id INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, count INTEGER NOT NULL,
     PRIMARY KEY (issue_id, key, value)) WITHOUT ROWID;
   CREATE INDEX issue_tags_kv ON issue_tags (key, value, issue_id);
   CREATE TABLE issue_users (issue_id INTEGER NOT NULL, user_key TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (issue_id, user_key)) WITHOUT ROWID;
   CREATE TABLE issue_buckets (issue_id INTEGER NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (issue_id, bucket)) WITHOUT ROWID;
   CREATE TABLE releases (project TEXT NOT NULL, version TEXT NOT NULL, first_seen REAL NOT NULL, PRIMARY KEY (project, version)) WITHOUT ROWID;
   CREATE TABLE spans (trace_id TEXT NOT NULL, span_id TEXT NOT NULL, parent_span_id TEXT, event_row INTEGER, project TEXT NOT NULL,
     op TEXT, description TEXT, start REAL, end REAL, status TEXT, segment INTEGER NOT NULL DEFAULT 0, service TEXT, data TEXT,
     PRIMARY KEY (trace_id, span_id)) WITHOUT ROWID;
   CREATE INDEX spans_event ON spans (event_row) WHERE event_row IS NOT NULL;
   CREATE TABLE sessions (project TEXT NOT NULL, sid TEXT NOT NULL, did TEXT, release TEXT, environment TEXT, status TEXT NOT NULL,
     errors INTEGER NOT NULL DEFAULT 0, started REAL, updated REAL, duration REAL, PRIMARY KEY (project, sid)) WITHOUT ROWID;
   CREATE INDEX sessions_release ON sessions (release);
   CREATE TABLE session_aggregates (id INTEGER PRIMARY KEY, project TEXT NOT NULL, release TEXT, environment TEXT, started REAL,
     exited INTEGER NOT NULL DEFAULT 0, errored INTEGER NOT NULL DEFAULT 0, abnormal INTEGER NOT NULL DEFAULT 0, crashed INTEGER NOT NULL DEFAULT 0);
   CREATE TABLE discarded (reason TEXT NOT NULL, category TEXT NOT NULL, quantity INTEGER NOT NULL, PRIMARY KEY (reason, category)) WITHOUT ROWID;
   CREATE VIRTUAL TABLE issue_fts USING fts5 (title, culprit, message, tokenize = 'trigram');`,
  // 1 -> 2: the issue stream is nearly always filtered by status; with the status first, each sort
  // reads its first page straight from an index instead of sorting every unresolved issue.
  `DROP INDEX issues_status;
   CREATE INDEX issues_status_last_seen ON issues (status, last_seen, id);
   CREATE INDEX issues_status_first_seen ON issues (status, first_seen, id);
   CREATE INDEX issues_status_count ON issues (status, count, id);
   CREATE INDEX issues_status_users ON issues (status, users, id);`,
  // 2 -> 3: event bodies are stored in blocks of up to BLOCK_EVENTS consecutive events, deflated
  // together (one zlib call per block instead of one per event, and 3-4 x smaller: events share
  // most of their structure); rows of older versions keep their own deflated body. The user.id
  // tag is answered from issue_users (one row per issue and user already), not a second copy in
  // issue_tags.
  `CREATE TABLE bodies (id INTEGER PRIMARY KEY, dict INTEGER NOT NULL, raw_size INTEGER NOT NULL, data BLOB NOT NULL);
   ALTER TABLE events ADD COLUMN block INTEGER;
   ALTER TABLE events ADD COLUMN boff INTEGER;
   ALTER TABLE events ADD COLUMN blen INTEGER;
   CREATE INDEX events_block ON events (block) WHERE block IS NOT NULL;
   CREATE INDEX issue_users_user ON issue_users (user_key, issue_id);
   DELETE FROM issue_tags WHERE key = 'user.id';`,
  // 3 -> 4: how many of an issue's events are still stored, kept with the issue (the detail
  // route no longer counts them).
  `ALTER TABLE issues ADD COLUMN stored INTEGER NOT NULL DEFAULT 0;
   UPDATE issues SET stored = (SELECT count(*) FROM events e WHERE e.issue_id = issues.id);`,
  // 4 -> 5: retention deletes standalone spans past the age limit from an index (it scanned the
  // span table, at every start and every minute).
  `CREATE INDEX spans_orphan_end ON spans (end) WHERE event_row IS NULL;`,
  // 5 -> 6: the per-issue aggregates (issue rows' counts, tags, users, hourly buckets, free text)
  // are written every FLUSH_EVENTS events or FLUSH_MS instead of every batch; each batch in
  // between appends what it adds here, in its own transaction, so a crash loses none of it (the
  // next start applies what is left).
  `CREATE TABLE agg_journal (id INTEGER PRIMARY KEY, data TEXT NOT NULL);`,
  // 6 -> 7: no index on an event's block (one more B-tree insert per event, read only by
  // retention, which now finds a block's other events among the ids next to its own: a block's
  // events are inserted one after another, at most BLOCK_EVENTS of them). The issue sort indexes
  // without the status go too (each flush rewrote eight index entries per changed issue): a list
  // that allows several statuses merges one walk per status (listIssues, walkIssues).
  `DROP INDEX IF EXISTS events_block;
   DROP INDEX IF EXISTS issues_last_seen;
   DROP INDEX IF EXISTS issues_first_seen;
   DROP INDEX IF EXISTS issues_count;
   DROP INDEX IF EXISTS issues_users;`,
];

const BLOCK_CACHE = 32;
// Every status an issue can have (setStatus; a regression makes an issue unresolved).
const STATUSES = ['unresolved', 'resolved', 'ignored'];
// Issues checked one by one (in the list's order) before a search builds index lists.
const PROBE_SCAN = 300;

const ISSUE_COLUMNS = ['title', 'culprit', 'message', 'level', 'status', 'substatus', 'count', 'events', 'stored', 'users', 'first_seen', 'last_seen', 'last_release', 'latest_event', 'fingerprint'];
const snapshot = (issue) => Object.fromEntries(ISSUE_COLUMNS.map((c) => [c, issue[c]]));

const UPSERTS = {
  tag: { width: 4, head: 'INSERT INTO issue_tags (issue_id, key, value, count)', tail: 'ON CONFLICT DO UPDATE SET count = count + excluded.count' },
  user: { width: 3, head: 'INSERT INTO issue_users (issue_id, user_key, count)', tail: 'ON CONFLICT DO UPDATE SET count = count + excluded.count RETURNING issue_id, user_key, count', returning: true },
  bucket: { width: 3, head: 'INSERT INTO issue_buckets (issue_id, bucket, count)', tail: 'ON CONFLICT DO UPDATE SET count = count + excluded.count' },
};

// The aggregates of the batches in between are written together every FLUSH_EVENTS events or
// FLUSH_MS (and before any read of them). A batch dirties most pages of the per-issue tables
// (every issue it touches has rows on its own pages); writing them once for many batches cuts the
// pages each commit writes to the WAL (and the checkpointer copies back) several-fold.
const FLUSH_EVENTS = 10000;
const FLUSH_MS = 5000;
// The issue columns a journal entry carries (absolute values: the newest entry of an issue wins).
const JOURNAL_ISSUE = ['count', 'events', 'stored', 'first_seen', 'last_seen', 'last_release', 'latest_event', 'level', 'status', 'substatus'];

const COUNTERS = ['events', 'occurrences', 'summaries', 'duplicates', 'transactions', 'spans', 'sessions', 'body_bytes', 'expired_events'];
const HOUR = 3600;

const emptyPending = () => ({ tags: new Map(), users: new Map(), buckets: new Map(), issues: new Map(), fts: new Set(), events: 0, since: Date.now() });

// Adds a batch's issues to the pending ones (the same row objects: the newest values). Its tag,
// user and bucket counts are added to the pending maps by storeEvent directly.
function mergePending(pending, batch) {
  for (const [id, issue] of batch.issues) pending.issues.set(id, issue);
  for (const id of batch.fts) pending.fts.add(id);
  pending.events += batch.events;
}

// A tag's key in the pending counts: "key\0value", split at the first \0 when written. A key
// holding \0 (it would be cut there) or starting with \x01 is written as \x01 + JSON of the pair
// instead: no "key\0value" pair starts with \x01 (joinTags sends such keys as pairs), so the two
// forms never meet, and one tag is always counted under one form.
const tagPairKey = (k, v) => (k.includes('\u0000') || k[0] === '\u0001' ? '\u0001' + JSON.stringify([k, v]) : `${k}\u0000${v}`);
const tagPairOf = (pair) => (pair[0] === '\u0001' ? JSON.parse(pair.slice(1)) : [pair.slice(0, pair.indexOf('\u0000')), pair.slice(pair.indexOf('\u0000') + 1)]);

// Adds one event's tag, user and bucket counts to aggregate maps (issue id -> key -> count).
// `tags` is ingest.js joinTags's string ("key\0value" pairs joined by \x01) or an array of pairs.
function addEventAggregates(pending, id, count, tags, userKey, bucket) {
  const add = (m, k) => m.set(k, (m.get(k) || 0) + count);
  let tagCounts = pending.tags.get(id);
  if (!tagCounts) pending.tags.set(id, (tagCounts = new Map()));
  if (typeof tags === 'string') {
    if (tags) for (const kv of tags.split('\u0001')) add(tagCounts, kv);
  } else for (const [k, v] of tags) add(tagCounts, tagPairKey(k, v));
  if (userKey) {
    let userCounts = pending.users.get(id);
    if (!userCounts) pending.users.set(id, (userCounts = new Map()));
    add(userCounts, userKey);
  }
  let bucketCounts = pending.buckets.get(id);
  if (!bucketCounts) pending.buckets.set(id, (bucketCounts = new Map()));
  add(bucketCounts, bucket);
}

// A batch's journal rows: its issues' new values (title, culprit and message when they changed)
// and, per stored event, what it adds: issue id, occurrences, tags (as the record carries them),
// user key and hour bucket, five values an event (the batch's increments merged per issue and
// key, [id, key, count] each, were several times the JSON and a second map update per tag).
// A few hundred entries a row (one string for the whole batch, ~300 KB, went to V8's
// large-object space and stayed until a full collection: tens of MB of RSS).
const JOURNAL_CHUNK = 400;
const EVENT_ENTRY = 5;
function journalRows(batch) {
  const rows = [];
  const issueEntries = [];
  for (const [id, issue] of batch.issues) {
    const entry = [id];
    for (const c of JOURNAL_ISSUE) entry.push(issue[c]);
    if (batch.fts.has(id)) entry.push(issue.title, issue.culprit, issue.message);
    issueEntries.push(entry);
  }
  for (let k = 0; k < issueEntries.length; k += JOURNAL_CHUNK) rows.push(`{"i":${JSON.stringify(issueEntries.slice(k, k + JOURNAL_CHUNK))}}`);
  const eventEntries = batch.entries;
  const step = JOURNAL_CHUNK * EVENT_ENTRY;
  for (let k = 0; k < eventEntries.length; k += step) rows.push(`{"e":${JSON.stringify(eventEntries.slice(k, k + step))}}`);
  return rows;
}

export class Store {
  /**
   * @param {string} dataDir
   * @param {{maxAgeDays?: number, maxBytes?: number}} [retention] age (days) and size (bytes of
   *   stored event bodies) past which the oldest event bodies are deleted; counts stay true.
   * @param {{backgroundCheckpoint?: boolean, flushEvents?: number}} [options] checkpoint the WAL
   *   on a worker thread (the server does) instead of inside the commit that crosses the WAL size
   *   limit; write the per-issue aggregates every `flushEvents` events (FLUSH_EVENTS; 0: every batch).
   */
  constructor(dataDir, retention = {}, options = {}) {
    this.dataDir = dataDir;
    this.retention = { maxAgeDays: retention.maxAgeDays ?? 30, maxBytes: retention.maxBytes ?? 1024 * 1024 * 1024 };
    fs.mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, 'faultline.sqlite');
    this.db = new Database(this.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 2000');
    this.db.pragma('cache_size = -65536');
    this.db.pragma('temp_store = MEMORY');
    this.migrate();
    this.prepare();
    this.tornLines = 0;
    this.issueCache = new Map(); // project + key -> issue row (the newest values, written at each flush)
    // Issue id -> its columns as last written (kept apart: a property added to and deleted from the
    // rows would turn each into a slow dictionary-mode object).
    this.originals = new Map();
    this.pending = emptyPending(); // aggregates stored in the journal, not yet in their tables
    this.knownReleases = new Set(); // project + release already in the releases table
    this.blockCache = new Map(); // block id -> inflated bytes (the last BLOCK_CACHE read)
    this.loadCounters();
    this.replayJournal(); // what the last run wrote to the journal and had not flushed (a crash)
    this.importLegacyLog();
    this.checkpointer = null;
    // Started with the first write, not at startup (a worker's isolate costs ~100 ms to create).
    this.wantCheckpointer = !!options.backgroundCheckpoint;
    this.flushEvents = options.flushEvents ?? FLUSH_EVENTS;
    this.flushMs = options.flushMs ?? FLUSH_MS;
  }

  startCheckpointer() {
    try {
      // The worker sets closed[0] once its connection is closed (close() waits for it).
      this.checkpointerClosed = new Int32Array(new SharedArrayBuffer(4));
      this.checkpointer = new Worker(new URL('./checkpointer.js', import.meta.url), { workerData: { file: this.file, intervalMs: 500, closed: this.checkpointerClosed } });
      this.checkpointer.unref();
      const worker = this.checkpointer;
      worker.on('error', () => {
        // Back to checkpoints inside commits (unless the store is closing anyway).
        if (this.checkpointer !== worker) return;
        this.checkpointer = null;
        if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
      });
      this.db.pragma('wal_autocheckpoint = 16384');
      this.db.pragma('journal_size_limit = 67108864'); // the WAL file shrinks back to 64 MiB when it restarts
      this.walCheck = 0;
    } catch {
      this.checkpointer = null;
    }
  }

  // Wakes the checkpointer when the log has grown since its last run.
  afterCommit() {
    if (this.wantCheckpointer && !this.checkpointer) {
      this.wantCheckpointer = false;
      this.startCheckpointer();
    }
    if (this.checkpointer && ++this.walCheck % 16 === 0) this.checkpointer.postMessage('now');
  }

  migrate() {
    const version = this.db.pragma('user_version', { simple: true });
    if (version > SCHEMA_VERSION) {
      throw new Error(`the data in ${this.file} has schema version ${version}; this collector knows up to ${SCHEMA_VERSION}`);
    }
    for (let v = version; v < SCHEMA_VERSION; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  prepare() {
    const db = this.db;
    this.q = {
      counter: db.prepare('INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value'),
      counters: db.prepare('SELECT name, value FROM counters'),
      insertEvent: db.prepare(`INSERT OR IGNORE INTO events (project, event_id, issue_id, type, timestamp, received, count, summary, level, release,
        environment, browser, user_key, trace_id, span_id, title, size, dict, body, block, boff, blen) VALUES
        (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, X'', ?, ?, ?)`),
      insertBody: db.prepare('INSERT INTO bodies (dict, raw_size, data) VALUES (?, ?, ?)'),
      body: db.prepare('SELECT dict, data FROM bodies WHERE id = ?'),
      issueByKey: db.prepare('SELECT * FROM issues WHERE project = ? AND key = ?'),
      insertIssue: db.prepare(`INSERT INTO issues (public_id, project, key, title, culprit, message, level, first_seen, last_seen, first_release,
        last_release, fingerprint) VALUES (@public_id, @project, @key, @title, @culprit, @message, @level, @first_seen, @last_seen, @release, @release, @fingerprint)`),
      ftsReplace: db.prepare('INSERT OR REPLACE INTO issue_fts (rowid, title, culprit, message) VALUES (?, ?, ?, ?)'),
      release: db.prepare('INSERT OR IGNORE INTO releases (project, version, first_seen) VALUES (?, ?, ?)'),
      releaseSeen: db.prepare('SELECT first_seen FROM releases WHERE project = ? AND version = ?'),
      span: db.prepare(`INSERT OR REPLACE INTO spans (trace_id, span_id, parent_span_id, event_row, project, op, description, start, end, status, segment, service, data)
        VALUES (@trace_id, @span_id, @parent_span_id, @event_row, @project, @op, @description, @start, @end, @status, @segment, @service, @data)`),
      session: db.prepare(`INSERT INTO sessions (project, sid, did, release, environment, status, errors, started, updated, duration)
        VALUES (@project, @sid, @did, @release, @environment, @status, @errors, @started, @updated, @duration)
        ON CONFLICT (project, sid) DO UPDATE SET status = CASE WHEN sessions.status IN ('crashed', 'abnormal', 'exited') AND excluded.status = 'ok' THEN sessions.status ELSE excluded.status END,
          errors = max(sessions.errors, excluded.errors), updated = max(coalesce(sessions.updated, 0), excluded.updated),
          duration = coalesce(excluded.duration, sessions.duration), did = coalesce(sessions.did, excluded.did)`),
      sessionAgg: db.prepare(`INSERT INTO session_aggregates (project, release, environment, started, exited, errored, abnormal, crashed)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      discarded: db.prepare('INSERT INTO discarded (reason, category, quantity) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET quantity = quantity + excluded.quantity'),
      issueById: db.prepare('SELECT * FROM issues WHERE id = ?'),
      issueByPublic: db.prepare('SELECT * FROM issues WHERE public_id = ?'),
      eventRow: db.prepare('SELECT * FROM events WHERE id = ?'),
      eventById: db.prepare('SELECT * FROM events WHERE event_id = ? ORDER BY id DESC LIMIT 1'),
      journalAdd: db.prepare('INSERT INTO agg_journal (data) VALUES (?)'),
      journalAll: db.prepare('SELECT data FROM agg_journal ORDER BY id').pluck(),
      journalClear: db.prepare('DELETE FROM agg_journal'),
    };
    this.issueUpdates = new Map(); // changed-column list -> UPDATE statement
    this.upserts = new Map(); // table:rows -> multi-row upsert
    this.stmts = new Map(); // SQL text -> prepared statement (read paths)
  }

  loadCounters() {
    this.totals = { events: 0, occurrences: 0, summaries: 0, duplicates: 0, transactions: 0, spans: 0, sessions: 0, body_bytes: 0, expired_events: 0 };
    for (const { name, value } of this.q.counters.all()) if (name in this.totals) this.totals[name] = value;
  }

  get discarded() {
    const out = {};
    for (const r of this.db.prepare('SELECT reason, category, quantity FROM discarded').all()) out[`${r.reason}:${r.category}`] = r.quantity;
    return out;
  }

  get issueCount() {
    this.flush();
    return this.db.prepare('SELECT count(*) AS n FROM issues').get().n;
  }

  /** Bytes the database takes on disk (main file + WAL). */
  diskBytes() {
    let bytes = 0;
    for (const file of [this.file, this.file + '-wal']) {
      try {
        bytes += fs.statSync(file).size;
      } catch {
        /* not there */
      }
    }
    return bytes;
  }

  // The previous collector kept an NDJSON log (events.ndjson); it is imported once, then renamed.
  importLegacyLog() {
    const legacy = path.join(this.dataDir, 'events.ndjson');
    if (!fs.existsSync(legacy)) return;
    const fd = fs.openSync(legacy, 'r');
    const chunk = Buffer.alloc(1 << 20);
    let rest = Buffer.alloc(0);
    let batch = [];
    const flush = () => {
      if (batch.length) this.ingest(batch);
      batch = [];
    };
    const line = (buf) => {
      if (!buf.length) return;
      let rec;
      try {
        rec = JSON.parse(buf.toString('utf8'));
      } catch {
        this.tornLines++;
        return;
      }
      if (rec && rec.kind === 'event' && isObj(rec.event)) batch.push({ kind: 'event', project: String(rec.project || '1'), received: rec.received, ua: rec.ua, event: rec.event, raw: Buffer.from(JSON.stringify(rec.event)) });
      else if (rec && rec.kind === 'client_report' && isObj(rec.report)) batch.push({ kind: 'client_report', project: String(rec.project || '1'), report: rec.report });
      if (batch.length >= 1000) flush();
    };
    for (;;) {
      const read = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (!read) break;
      let buf = Buffer.concat([rest, chunk.subarray(0, read)]);
      let newline;
      while ((newline = buf.indexOf(0x0a)) >= 0) {
        line(buf.subarray(0, newline));
        buf = buf.subarray(newline + 1);
      }
      rest = Buffer.from(buf);
    }
    line(rest);
    flush();
    fs.closeSync(fd);
    fs.renameSync(legacy, legacy + '.imported');
  }

  /** Wipes everything (tests, and the viewer's "clear" in the demo). */
  reset() {
    this.db.transaction(() => {
      for (const t of ['events', 'bodies', 'issues', 'issue_tags', 'issue_users', 'issue_buckets', 'releases', 'spans', 'sessions', 'session_aggregates', 'discarded', 'counters', 'issue_fts', 'agg_journal']) {
        this.db.exec(`DELETE FROM ${t}`);
      }
    })();
    this.issueCache.clear();
    this.originals.clear();
    this.pending = emptyPending();
    this.journalDirty = false;
    this.knownReleases.clear();
    this.blockCache.clear();
    this.loadCounters();
  }

  // Only the columns that changed are written: every issue index names some column, and SQLite
  // rewrites the entries of each index whose columns are SET, changed or not.
  writeIssue(issue) {
    const before = this.originals.get(issue.id);
    const cols = before ? ISSUE_COLUMNS.filter((c) => issue[c] !== before[c]) : ISSUE_COLUMNS;
    this.originals.delete(issue.id);
    if (!cols.length) return;
    const key = cols.join(',');
    let statement = this.issueUpdates.get(key);
    if (!statement) {
      statement = this.db.prepare(`UPDATE issues SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`);
      this.issueUpdates.set(key, statement);
    }
    statement.run(...cols.map((c) => issue[c]), issue.id);
  }

  // Prepared statements of the read paths, by SQL text (preparing a list query costs about as
  // much as running it). The texts are built from a small set of shapes (no values in them).
  sql(text) {
    let statement = this.stmts.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      if (this.stmts.size >= 512) this.stmts.delete(this.stmts.keys().next().value);
      this.stmts.set(text, statement);
    }
    return statement;
  }

  // Upserts of the aggregate tables, many rows per statement (one statement call per row cost
  // more than the B-tree work at ingest rates): rows is a flat list of the table's columns.
  // Returns the RETURNING rows (raw arrays) for tables that have one.
  upsertMany(name, rows) {
    const spec = UPSERTS[name];
    const out = [];
    let done = 0;
    const total = rows.length / spec.width;
    for (const size of [100, 20, 5, 1]) {
      while (total - done >= size) {
        const statement = this.upsertStatement(name, size);
        const args = rows.slice(done * spec.width, (done + size) * spec.width);
        if (spec.returning) for (const r of statement.all(...args)) out.push(r);
        else statement.run(...args);
        done += size;
      }
    }
    return out;
  }

  upsertStatement(name, size) {
    const key = `${name}:${size}`;
    let statement = this.upserts.get(key);
    if (!statement) {
      const spec = UPSERTS[name];
      const row = `(${new Array(spec.width).fill('?').join(', ')})`;
      statement = this.db.prepare(`${spec.head} VALUES ${new Array(size).fill(row).join(', ')} ${spec.tail}`);
      if (spec.returning) statement = statement.raw();
      this.upserts.set(key, statement);
    }
    return statement;
  }

  // Stores each block and gives each of its events its share of the block's bytes (the shares add
  // up to the block's size exactly), so size retention and the bytes counter stay per event.
  // Duplicates (an event id already stored, or twice in the batch) are found by the insert itself
  // (the unique index on event ids; a lookup per event before it cost as much again): the share of
  // one that was not stored goes to a stored event of its block (settleShares), and a block none of
  // whose events was stored is removed.
  storeBlocks(records, blocks) {
    const ids = new Array(blocks.length);
    const totals = new Array(blocks.length).fill(0);
    const counts = new Array(blocks.length).fill(0);
    for (let b = 0; b < blocks.length; b++) ids[b] = Number(this.q.insertBody.run(blocks[b].dict, blocks[b].raw_size, blocks[b].data).lastInsertRowid);
    for (const record of records) {
      if (!record.normalized || record.block === undefined) continue;
      totals[record.block] += record.blen;
      counts[record.block] += 1;
    }
    const given = new Array(blocks.length).fill(0);
    const seen = new Array(blocks.length).fill(0);
    for (const record of records) {
      if (!record.normalized || record.block === undefined) continue;
      const block = record.block;
      const size = blocks[block].data.length;
      seen[block] += 1;
      record.blockId = ids[block];
      record.share = seen[block] === counts[block] ? size - given[block] : Math.floor((size * record.blen) / totals[block]);
      given[block] += record.share;
    }
  }

  // The shares of events the insert found to be duplicates (`orphans`: block id -> {bytes, row,
  // entry}, row and entry being the last stored event of that block and its result entry).
  settleShares(orphans, delta) {
    for (const [block, orphan] of orphans) {
      if (!orphan.bytes) continue;
      if (orphan.row) {
        (this.addSizeStmt ??= this.db.prepare('UPDATE events SET size = size + ? WHERE id = ?')).run(orphan.bytes, orphan.row);
        orphan.entry.stored_bytes += orphan.bytes;
        delta.body_bytes += orphan.bytes;
      } else (this.dropBodyStmt ??= this.db.prepare('DELETE FROM bodies WHERE id = ?')).run(block);
    }
  }

  /** The raw bytes of a block (inflated once, then from a small cache). */
  blockBytes(id) {
    let raw = this.blockCache.get(id);
    if (raw) {
      this.blockCache.delete(id);
      this.blockCache.set(id, raw);
      return raw;
    }
    const body = this.q.body.get(id);
    if (!body) return null;
    raw = zlib.inflateRawSync(body.data, { dictionary: DICTS[body.dict] });
    this.blockCache.set(id, raw);
    if (this.blockCache.size > BLOCK_CACHE) this.blockCache.delete(this.blockCache.keys().next().value);
    return raw;
  }

  /**
   * Stores a batch of records in one transaction.
   * Records: {kind: 'event'|'transaction', project, received, ua, event, raw: Buffer} (parsed
   *          here), or the same normalized by ingest.js's normalizeRecord and packed into `blocks`
   *          by its BlockPacker (the ingest worker's output)
   *          {kind: 'span', project, received, span} | {kind: 'session', project, session} |
   *          {kind: 'sessions', project, aggregates} | {kind: 'client_report', project, report}
   * Returns {issues: [touched issue rows], stored, duplicates, spans: [trace ids touched]}.
   */
  ingest(records, blocks = null) {
    if (!blocks) {
      const packer = new BlockPacker();
      records = records.map((record) => {
        const normalized = record.kind === 'event' || record.kind === 'transaction' ? normalizeRecord(record) : record;
        packer.add(normalized);
        return normalized;
      });
      blocks = packer.take();
    }
    const result = { stored: [], duplicates: 0, traces: new Set() };
    if (!records.length) return { issues: [], stored: [], duplicates: 0, traces: [] };
    // A journal a failed write left unapplied is applied first (else this batch's issue rows
    // would start from older values); if that fails again, so does this batch (503, retried).
    if (this.journalDirty) this.replayJournal();
    if (this.issueCache.size > 20000) {
      this.flush();
      this.issueCache.clear();
    }
    const delta = Object.fromEntries(COUNTERS.map((c) => [c, 0]));
    // What this batch adds to the per-issue aggregates: journaled, and merged into this.pending.
    // (its tag, user and bucket counts go to this.pending directly, its journal entries to `entries`)
    const batch = { issues: new Map(), fts: new Set(), events: 0, entries: [] };
    if (!this.pending.issues.size) this.pending.since = Date.now();
    const statements = this.q;
    let flushed = false;
    const run = () => {
      this.storeBlocks(records, blocks);
      const ctx = { delta, batch, result, orphans: new Map() };
      for (const record of records) {
        if (record.kind === 'client_report') {
          const list = isObj(record.report) && Array.isArray(record.report.discarded_events) ? record.report.discarded_events : [];
          for (const discarded of list.slice(0, 200)) {
            if (!isObj(discarded)) continue;
            // Capped as an event's count is (the sender's word); reasons and categories are
            // Sentry's snake_case names: anything else ("__proto__", prose) is not stored.
            const qty = Number(discarded.quantity), reason = str(discarded.reason, 64) || 'unknown', category = str(discarded.category, 64) || 'unknown';
            if (!REPORT_NAME.test(reason) || !REPORT_NAME.test(category)) continue;
            if (Number.isFinite(qty) && qty > 0) statements.discarded.run(reason, category, Math.min(Math.floor(qty), MAX_OCCURRENCES_PER_EVENT));
          }
          continue;
        }
        if (record.kind === 'session') {
          this.storeSession(record, delta);
          continue;
        }
        if (record.kind === 'sessions') {
          this.storeSessionAggregates(record, delta);
          continue;
        }
        if (record.kind === 'span') {
          const stored = this.storeSpan(record.project, record.span, null, null);
          if (stored) {
            delta.spans += 1;
            result.traces.add(stored);
          }
          continue;
        }
        if (record.kind !== 'event' && record.kind !== 'transaction') continue;
        this.storeEvent(record, ctx);
      }
      if (delta.duplicates) this.settleShares(ctx.orphans, delta);
      for (const c of COUNTERS) if (delta[c]) statements.counter.run(c, delta[c]);
      if (!batch.issues.size) return;
      mergePending(this.pending, batch);
      if (this.pending.events >= this.flushEvents || Date.now() - this.pending.since >= this.flushMs) {
        this.applyPending(this.pending);
        flushed = true;
      } else for (const row of journalRows(batch)) statements.journalAdd.run(row);
    };
    try {
      this.db.transaction(run)();
    } catch (err) {
      // Nothing of the batch was written; the aggregates of the batches before it are in the
      // journal: the in-memory rows (which hold this batch's changes) are dropped and rebuilt.
      this.knownReleases.clear(); // releases inserted by the rolled-back transaction
      this.blockCache.clear();
      this.rebuildPending();
      throw err;
    }
    if (flushed) this.pending = emptyPending();
    else this.scheduleFlush();
    this.afterCommit();
    for (const c of COUNTERS) this.totals[c] += delta[c];
    return { issues: [...batch.issues.values()], stored: result.stored, duplicates: result.duplicates, traces: [...result.traces] };
  }

  // Writes the aggregates held in `p` (the in-memory pending ones, or those read back from the
  // journal) to their tables and empties the journal. Runs inside a transaction.
  applyPending(pending) {
    // Users affected: an upsert per (issue, user); a row whose count equals what was added since
    // the last flush is a user the issue had not seen before.
    const userRows = [];
    for (const [id, m] of pending.users) for (const [key, n] of m) userRows.push(id, key, n);
    for (const [id, key, count] of this.upsertMany('user', userRows)) {
      const issue = pending.issues.get(id);
      if (issue && count === pending.users.get(id).get(key)) issue.users += 1;
    }
    for (const issue of pending.issues.values()) this.writeIssue(issue);
    for (const id of pending.fts) {
      const i = pending.issues.get(id);
      if (i) this.q.ftsReplace.run(id, i.title, i.culprit, i.message);
    }
    const tagRows = [];
    for (const [id, counts] of pending.tags) {
      for (const [tagPair, count] of counts) {
        const [key, value] = tagPairOf(tagPair);
        tagRows.push(id, key, value, count);
      }
    }
    this.upsertMany('tag', tagRows);
    const bucketRows = [];
    for (const [id, m] of pending.buckets) for (const [b, n] of m) bucketRows.push(id, b, n);
    this.upsertMany('bucket', bucketRows);
    this.q.journalClear.run();
  }

  /** Writes the pending aggregates now (reads call it first, so they see every stored event). */
  flush() {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    if (this.journalDirty) this.replayJournal();
    if (!this.pending.issues.size) return;
    try {
      this.db.transaction(() => this.applyPending(this.pending))();
    } catch (err) {
      this.rebuildPending();
      throw err;
    }
    this.pending = emptyPending();
    this.afterCommit();
  }

  scheduleFlush() {
    if (this.flushTimer || !this.pending.issues.size) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      try {
        if (this.db.open) this.flush();
      } catch {
        /* the journal keeps it; the next write or read retries */
      }
    }, this.flushMs);
    this.flushTimer.unref();
  }

  // The in-memory rows may hold values that are not in the database nor in the journal.
  // After a failed write: the in-memory rows are dropped and rebuilt from the journal (when that
  // fails too, journalDirty stays set: the next write or read applies it first).
  rebuildPending() {
    this.dropPending();
    try {
      this.replayJournal();
    } catch {
      /* applied by the next write or read */
    }
  }

  dropPending() {
    this.pending = emptyPending();
    this.issueCache.clear();
    this.originals.clear();
    this.journalDirty = true;
  }

  /** Applies the journal left by batches written since the last flush (after a crash or a failed write). */
  replayJournal() {
    this.journalDirty = true;
    const rows = this.q.journalAll.all();
    if (rows.length) {
      const pending = emptyPending();
      const add = (map, id, key, count) => {
        let counts = map.get(id);
        if (!counts) map.set(id, (counts = new Map()));
        counts.set(key, (counts.get(key) || 0) + count);
      };
      this.db.transaction(() => {
        for (const data of rows) {
          const journal = JSON.parse(data);
          for (const entry of journal.i || []) {
            const id = entry[0];
            let row = pending.issues.get(id);
            if (!row) {
              row = this.q.issueById.get(id);
              if (!row) continue;
              this.originals.set(id, snapshot(row));
              pending.issues.set(id, row);
            }
            for (let k = 0; k < JOURNAL_ISSUE.length; k++) row[JOURNAL_ISSUE[k]] = entry[k + 1];
            if (entry.length > JOURNAL_ISSUE.length + 1) {
              [row.title, row.culprit, row.message] = entry.slice(JOURNAL_ISSUE.length + 1);
              pending.fts.add(id);
            }
          }
          const entries = journal.e || [];
          for (let k = 0; k + EVENT_ENTRY <= entries.length; k += EVENT_ENTRY) addEventAggregates(pending, entries[k], entries[k + 1], entries[k + 2], entries[k + 3], entries[k + 4]);
          // The journal of collectors before per-event entries: increments per issue and key.
          for (const [id, kv, n] of journal.t || []) add(pending.tags, id, kv, n);
          for (const [id, key, n] of journal.u || []) add(pending.users, id, key, n);
          for (const [id, b, n] of journal.b || []) add(pending.buckets, id, b, n);
        }
        this.applyPending(pending);
      })();
      this.issueCache.clear();
      this.pending = emptyPending();
    }
    // Inside a caller's transaction the replay is undone if that transaction is: replay again next time.
    this.journalDirty = this.db.inTransaction;
  }

  storeEvent(record, ctx) {
    const { delta, batch, result, orphans } = ctx;
    const statements = this.q;
    const { isTx, count, summary, ts: timestamp, received, trace, eventId, level, release, userKey, title } = record;
    let issue = null;
    let created = false;
    if (!isTx) {
      const key = record.key;
      const cacheKey = `${record.project}\u0000${key}`;
      issue = this.issueCache.get(cacheKey);
      if (!issue) {
        issue = statements.issueByKey.get(record.project, key);
        if (!issue) {
          const row = { public_id: issuePublicId(record.project, key), project: record.project, key, title, culprit: record.culprit, message: record.message,
            level, first_seen: record.first, last_seen: record.first, release, fingerprint: record.fingerprint };
          const info = statements.insertIssue.run(row);
          issue = statements.issueById.get(info.lastInsertRowid);
          created = true;
        }
        this.issueCache.set(cacheKey, issue);
      }
    }
    const size = record.blen;
    // Positional parameters (named ones cost a property lookup each, per event).
    const info = statements.insertEvent.run(record.project, eventId, issue ? issue.id : null, isTx ? 'transaction' : 'error', timestamp, received, count, summary, level, release,
      record.environment, record.browserTag || null, userKey || null, trace.trace_id, trace.span_id || null, title, record.share, record.blockId, record.boff, record.blen);
    let orphan = orphans.get(record.blockId);
    if (!orphan) orphans.set(record.blockId, (orphan = { bytes: 0, row: 0, entry: null }));
    if (!info.changes) {
      // Already stored (a retry) or twice in this batch: counted, not stored again.
      delta.duplicates += 1;
      result.duplicates += 1;
      orphan.bytes += record.share;
      if (created) {
        // Its issue was made for it: an issue with no event is not kept.
        (this.dropIssueStmt ??= this.db.prepare('DELETE FROM issues WHERE id = ?')).run(issue.id);
        this.issueCache.delete(`${record.project}\u0000${record.key}`);
      }
      return;
    }
    if (created) batch.fts.add(issue.id);
    const row = info.lastInsertRowid;
    delta.body_bytes += record.share;
    if (release) {
      const releaseKey = `${record.project}\u0000${release}`;
      if (!this.knownReleases.has(releaseKey)) {
        statements.release.run(record.project, release, received);
        if (this.knownReleases.size > 10000) this.knownReleases.clear();
        this.knownReleases.add(releaseKey);
      }
    }
    const entry = { row, event_id: eventId, issue: issue ? issue.public_id : null, count, timestamp: timestamp, received, size, stored_bytes: record.share, last_seen: record.last };
    result.stored.push(entry);
    orphan.row = row;
    orphan.entry = entry;
    if (trace.trace_id) result.traces.add(trace.trace_id);
    if (isTx) {
      delta.transactions += 1;
      this.storeTransactionSpans(record.project, record.tx, row, trace, timestamp, delta);
      return;
    }
    delta.events += 1;
    batch.events += 1;
    delta.occurrences += count;
    if (summary) delta.summaries += 1;
    if (!this.originals.has(issue.id)) this.originals.set(issue.id, snapshot(issue));
    batch.issues.set(issue.id, issue);
    const first = record.first;
    const last = record.last;
    // A resolved issue seen again in a newer release (or with no release to compare) is a regression.
    if (issue.status === 'resolved') {
      let regressed = false;
      if (!issue.resolved_release) regressed = true;
      else if (release && release !== issue.resolved_release) {
        const cmp = compareReleases(release, issue.resolved_release);
        if (cmp === null) {
          const seen = statements.releaseSeen.get(record.project, release);
          regressed = !seen || !(issue.resolved_at > 0) || seen.first_seen >= issue.resolved_at;
        } else regressed = cmp > 0;
      }
      if (regressed) {
        issue.status = 'unresolved';
        issue.substatus = 'regressed';
      }
    }
    issue.count += count;
    issue.events += 1;
    issue.stored += 1;
    issue.first_seen = Math.min(issue.first_seen, first);
    issue.last_seen = Math.max(issue.last_seen, last);
    if (release) issue.last_release = release;
    if (!summary || !issue.latest_event) {
      issue.latest_event = row;
      if (!summary && title !== issue.title) {
        issue.title = title;
        issue.culprit = record.culprit;
        issue.message = record.message;
        batch.fts.add(issue.id);
      }
      issue.level = level;
    }
    const bucket = Math.floor(last / HOUR) * HOUR;
    addEventAggregates(this.pending, issue.id, count, record.tags, userKey, bucket);
    batch.entries.push(issue.id, count, record.tags, userKey || 0, bucket);
  }

  // tx: {service, description, start, spans} from normalizeRecord.
  storeTransactionSpans(project, transaction, row, trace, timestamp, delta) {
    if (!trace.trace_id || !trace.span_id) return;
    const service = transaction.service;
    this.q.span.run({
      trace_id: trace.trace_id, span_id: trace.span_id, parent_span_id: trace.parent_span_id || null, event_row: row, project,
      op: trace.op || null, description: transaction.description, start: transaction.start, end: timestamp, status: trace.status || null,
      segment: 1, service: service || null, data: null,
    });
    delta.spans += 1;
    const spans = transaction.spans;
    for (const s of spans) if (isObj(s) && this.storeSpan(project, { trace_id: trace.trace_id, ...s }, row, service)) delta.spans += 1;
  }

  storeSpan(project, span, eventRow, service) {
    if (!isObj(span)) return null;
    const trace = traceOf({ contexts: { trace: span } });
    if (!trace.trace_id || !trace.span_id) return null;
    // Span v2 (span streaming, @sentry/node 10+): attributes as {key: {value, type}}.
    const attrs = {};
    if (isObj(span.attributes)) {
      let seen = 0;
      for (const key in span.attributes) {
        if (seen++ >= 64) break;
        const attribute = span.attributes[key];
        const v = isObj(attribute) ? attribute.value : attribute;
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') attrs[key.slice(0, 100)] = typeof v === 'string' ? v.slice(0, 300) : v;
      }
    }
    const data = isObj(span.data) ? span.data : attrs;
    const start = toSeconds(span.start_timestamp, NaN);
    const end = toSeconds(span.timestamp ?? span.end_timestamp, NaN);
    let description = str(span.description, 300) || str(span.name, 300);
    const route = str(attrs['http.route'], 200) || str(attrs['url.path'], 200) || str(attrs['http.target'], 200);
    if (route && description && description.indexOf(' ') < 0) description = `${description} ${route}`;
    let dataText = null;
    try {
      dataText = Object.keys(data).length ? JSON.stringify(data).slice(0, 4000) : null;
    } catch {
      dataText = null;
    }
    this.q.span.run({
      trace_id: trace.trace_id, span_id: trace.span_id, parent_span_id: trace.parent_span_id || null, event_row: eventRow, project,
      op: str(span.op, 100) || str(attrs['sentry.op'], 100) || null, description: description || null,
      start: Number.isFinite(start) ? start : null, end: Number.isFinite(end) ? end : null,
      status: str(span.status, 50) || null, segment: span.is_segment === true ? 1 : 0,
      service: service || str(attrs['service.name'], 50) || str(attrs['sentry.sdk.name'], 50) || null, data: dataText,
    });
    return trace.trace_id;
  }

  storeSession(record, delta) {
    const session = record.session;
    if (!isObj(session) || !str(session.sid, 64)) return;
    const attrs = isObj(session.attrs) ? session.attrs : {};
    const status = ['ok', 'exited', 'crashed', 'abnormal', 'errored'].includes(session.status) ? session.status : 'ok';
    const now = Date.now() / 1000;
    this.q.session.run({
      project: record.project, sid: str(session.sid, 64), did: str(session.did, 200) || null, release: str(attrs.release, 200) || null, environment: str(attrs.environment, 100) || null,
      status, errors: Number.isFinite(session.errors) && session.errors > 0 ? Math.floor(session.errors) : 0, started: toSeconds(session.started, now), updated: toSeconds(session.timestamp, now),
      duration: Number.isFinite(session.duration) ? session.duration : null,
    });
    delta.sessions += 1;
  }

  storeSessionAggregates(record, delta) {
    const payload = record.aggregates;
    if (!isObj(payload)) return;
    const attrs = isObj(payload.attrs) ? payload.attrs : {};
    // Each count capped as an event's count is (the sender's word: one item of 1e308 crashed
    // sessions would make every release's crash-free rate 0); an aggregate without a readable
    // `started` is dropped, as Relay drops it.
    const clamp = (v) => (Number.isFinite(v) && v > 0 ? Math.min(Math.floor(v), MAX_OCCURRENCES_PER_EVENT) : 0);
    for (const group of Array.isArray(payload.aggregates) ? payload.aggregates.slice(0, 1000) : []) {
      if (!isObj(group)) continue;
      const started = toSeconds(group.started, NaN);
      if (!Number.isFinite(started)) continue;
      this.q.sessionAgg.run(record.project, str(attrs.release, 200) || null, str(attrs.environment, 100) || null, started,
        clamp(group.exited), clamp(group.errored), clamp(group.abnormal), clamp(group.crashed));
      delta.sessions += clamp(group.exited) + clamp(group.errored) + clamp(group.abnormal) + clamp(group.crashed);
    }
  }

  // --- retention -----------------------------------------------------------------------------
  /**
   * Deletes the oldest event bodies past the age or size limit. Issue counts are untouched.
   * `maxRows` bounds one call (the server runs it in slices, so a start after a long pause, with
   * much expired, neither waits for it nor stalls ingest); `retentionMore` then says whether the
   * limits are still exceeded.
   */
  /**
   * The WAL file back to zero bytes (a TRUNCATE checkpoint; on the checkpointer thread when there
   * is one). The server calls it after a retention pass that deleted bodies: without it the log
   * keeps its high-water size (up to journal_size_limit) however little is stored.
   */
  shrinkWal() {
    if (this.checkpointer) this.checkpointer.postMessage('truncate');
    else {
      try {
        this.db.pragma('wal_checkpoint(TRUNCATE)');
      } catch {
        /* busy: the next pass retries */
      }
    }
  }

  enforceRetention(now = Date.now() / 1000, { maxRows = Infinity } = {}) {
    this.flush(); // the issue rows' stored counts change below
    let deleted = 0;
    this.retentionMore = false;
    const { maxAgeDays, maxBytes } = this.retention;
    const del = this.db.prepare('SELECT id, size, block, issue_id FROM events ORDER BY id LIMIT ?');
    const unstore = this.db.prepare('UPDATE issues SET stored = max(0, stored - ?) WHERE id = ?');
    // A block goes when the last of its events does; its events have consecutive ids (inserted
    // one after another, at most BLOCK_EVENTS), so those left are found next to the deleted ones.
    const blockLeft = this.db.prepare('SELECT 1 FROM events WHERE id >= ? AND id <= ? AND block = ? LIMIT 1').pluck();
    const dropBlock = this.db.prepare('DELETE FROM bodies WHERE id = ?');
    const oldest = this.db.prepare('SELECT received FROM events ORDER BY id LIMIT 1');
    const remove = this.db.transaction((rows) => {
      const ids = rows.map((r) => r.id);
      const list = ids.join(',');
      this.db.exec(`DELETE FROM spans WHERE event_row IN (${list})`);
      this.db.exec(`DELETE FROM events WHERE id IN (${list})`);
      const per = new Map();
      for (const r of rows) if (r.issue_id) per.set(r.issue_id, (per.get(r.issue_id) || 0) + 1);
      for (const [id, k] of per) unstore.run(k, id);
      if (per.size) this.issueCache.clear(); // cached rows hold the old stored counts
      const spans = new Map(); // block -> [lowest, highest] deleted id
      for (const row of rows) {
        if (!row.block) continue;
        const range = spans.get(row.block);
        if (!range) spans.set(row.block, [row.id, row.id]);
        else {
          if (row.id < range[0]) range[0] = row.id;
          if (row.id > range[1]) range[1] = row.id;
        }
      }
      for (const [block, [lowest, highest]] of spans) {
        if (blockLeft.get(lowest - BLOCK_EVENTS, highest + BLOCK_EVENTS, block)) continue;
        dropBlock.run(block);
        this.blockCache.delete(block);
      }
      const bytes = rows.reduce((s, r) => s + r.size, 0);
      this.q.counter.run('body_bytes', -bytes);
      this.q.counter.run('expired_events', rows.length);
      this.totals.body_bytes -= bytes;
      this.totals.expired_events += rows.length;
      deleted += rows.length;
    });
    for (let guard = 0; guard < 10000; guard++) {
      const oldestRow = oldest.get();
      if (!oldestRow) break;
      const tooOld = Number.isFinite(maxAgeDays) && maxAgeDays > 0 && oldestRow.received < now - maxAgeDays * 86400;
      const tooBig = Number.isFinite(maxBytes) && maxBytes > 0 && this.totals.body_bytes > maxBytes;
      if (!tooOld && !tooBig) break;
      if (deleted >= maxRows) {
        this.retentionMore = true;
        return deleted;
      }
      let rows = del.all(tooBig ? 2000 : 500);
      if (!tooBig) {
        const cutoff = now - maxAgeDays * 86400;
        rows = this.db.prepare('SELECT id, size, block, issue_id FROM events WHERE id <= ? AND received < ? ORDER BY id').all(rows[rows.length - 1].id, cutoff);
        if (!rows.length) break;
      } else {
        let over = this.totals.body_bytes - maxBytes;
        const pick = [];
        for (const row of rows) {
          if (over <= 0) break;
          pick.push(row);
          over -= row.size;
        }
        rows = pick;
      }
      remove(rows);
    }
    // Orphan spans (standalone span items with no event) follow the age limit too (from their
    // own index: the span table is not scanned).
    if (Number.isFinite(maxAgeDays) && maxAgeDays > 0) this.db.prepare('DELETE FROM spans WHERE event_row IS NULL AND end < ?').run(now - maxAgeDays * 86400);
    return deleted;
  }

  // --- reads -----------------------------------------------------------------------------------
  decodeEvent(row) {
    if (!row) return null;
    let event;
    try {
      // Bodies stored before ingest bounded their depth are bounded here, so that no stored
      // body can make a read fail to serialize.
      let raw = row.block ? this.blockBytes(row.block).subarray(row.boff, row.boff + row.blen) : Buffer.from(unpackBody(row.body, row.dict));
      raw = boundDepth(raw) || raw;
      event = JSON.parse(raw.toString('utf8'));
    } catch {
      event = { event_id: row.event_id, message: '(stored body unreadable)' };
    }
    return event;
  }

  eventSummary(row) {
    return {
      id: row.event_id, event_id: row.event_id, type: row.type, timestamp: row.timestamp, received: row.received, count: row.count, summary: !!row.summary,
      level: row.level, release: row.release, environment: row.environment, browser: row.browser, user: row.user_key, trace_id: row.trace_id || null,
      title: row.title,
    };
  }

  /** Issue as the API shows it (list row or detail). */
  issueOut(row, extra = {}) {
    return {
      id: row.public_id, project: row.project, title: row.title, culprit: row.culprit, message: row.message, level: row.level, status: row.status,
      substatus: row.substatus, count: row.count, events: row.events, users: row.users, first_seen: row.first_seen, last_seen: row.last_seen,
      first_release: row.first_release, last_release: row.last_release, resolved_release: row.resolved_release || null,
      fingerprint: row.fingerprint ? JSON.parse(row.fingerprint) : null, ...extra,
    };
  }

  tagMaps(ids, keys = ['browser', 'release', 'environment']) {
    const out = new Map(ids.map((id) => [id, Object.fromEntries(keys.map((k) => [k, {}]))]));
    if (!ids.length) return out;
    // One JSON object per issue and key, built by SQLite: a popular issue has dozens of values, and
    // a row object per value costs more than the query.
    const rows = this.sql(`SELECT issue_id, key, json_group_object(value, count) FROM issue_tags WHERE issue_id IN (${ids.map(() => '?').join(',')})
      AND key IN (${keys.map(() => '?').join(',')}) GROUP BY issue_id, key`).raw().all(...ids, ...keys);
    for (const [id, key, map] of rows) out.get(id)[key] = JSON.parse(map);
    return out;
  }

  sparklines(ids, now = Date.now() / 1000, hours = 24) {
    const out = new Map(ids.map((id) => [id, new Array(hours).fill(0)]));
    if (!ids.length) return out;
    const start = Math.floor(now / HOUR) * HOUR - (hours - 1) * HOUR;
    // One row per issue: "hour index:count,…" (numbers only), cheaper than a row per bucket.
    const rows = this.sql(`SELECT issue_id, group_concat(((bucket - ?) / ${HOUR}) || ':' || count) FROM issue_buckets
      WHERE issue_id IN (${ids.map(() => '?').join(',')}) AND bucket >= ? GROUP BY issue_id`).raw().all(start, ...ids, start);
    for (const [id, list] of rows) {
      const line = out.get(id);
      for (const pair of list.split(',')) {
        const colon = pair.indexOf(':');
        const i = Number(pair.slice(0, colon));
        if (i >= 0 && i < hours) line[i] += Number(pair.slice(colon + 1));
      }
    }
    return out;
  }

  /**
   * Issues matching `conds` in the list's order (`col` descending, then id descending), at most
   * `limit`, as raw rows of `select` (params `selectParams`). Every index that orders issues by a
   * sort column starts with the status (the stream is nearly always filtered by one): a list that
   * allows several statuses walks one index range per status and merges them as it goes, which
   * gives the rows of one sorted scan, in its order, with half the indexes to keep at ingest.
   */
  *walkIssues(col, select, selectParams, conds, limit, statuses) {
    const its = [];
    try {
      for (const status of statuses) {
        const where = [`i.status = '${status}'`, ...conds.map((x) => x.sql)].join(' AND ');
        const stmt = this.sql(`SELECT ${select}, i.${col} AS k_, i.id AS id_ FROM issues i WHERE ${where} ORDER BY i.${col} DESC, i.id DESC LIMIT ${limit}`).raw();
        const iterator = stmt.iterate(...selectParams, ...conds.flatMap((x) => x.params));
        const first = iterator.next();
        if (first.done) continue;
        its.push({ it: iterator, row: first.value });
      }
      if (its.length === 1) {
        // One status: its walk is the list.
        const { it: iterator, row } = its[0];
        yield row;
        for (const r of iterator) yield r;
        return;
      }
      for (let given = 0; given < limit && its.length; given++) {
        let best = 0;
        for (let candidate = 1; candidate < its.length; candidate++) {
          const candidateRow = its[candidate].row;
          const bestRow = its[best].row;
          const candidateKey = candidateRow[candidateRow.length - 2];
          const bestKey = bestRow[bestRow.length - 2];
          if (candidateKey > bestKey || (candidateKey === bestKey && candidateRow[candidateRow.length - 1] > bestRow[bestRow.length - 1])) best = candidate;
        }
        const head = its[best];
        yield head.row;
        const next = head.it.next();
        if (next.done) its.splice(best, 1);
        else head.row = next.value;
      }
    } finally {
      for (const h of its) h.it.return();
    }
  }

  /** Issues matching a search query, sorted, one page. Throws QueryError on bad syntax. */
  listIssues({ query = '', sort = 'date', cursor = null, limit = 25, project = null, start = null, end = null, now = Date.now() / 1000 } = {}) {
    this.flush();
    const col = sortColumn(sort);
    if (!col) throw new QueryError(`sort must be one of ${Object.keys(SORTS).join(', ')}`, 0);
    const { terms } = compileQuery(parseQuery(query), now);
    const plain = []; // conditions on the issue row itself: {sql, params}
    const add = (sql, ...ps) => plain.push({ sql, params: ps });
    if (project) add('i.project = ?', String(project));
    const time = (value, name) => {
      if (value === null || value === undefined || value === '') return null;
      const seconds = /^\d+(\.\d+)?$/.test(String(value)) ? Number(value) : Date.parse(String(value)) / 1000;
      if (!Number.isFinite(seconds)) throw new QueryError(`${name} is not a time`, 0);
      return seconds;
    };
    const startSeconds = time(start, 'start');
    const endSeconds = time(end, 'end');
    if (startSeconds !== null) add('i.last_seen >= ?', startSeconds);
    if (endSeconds !== null) add('i.first_seen <= ?', endSeconds);
    const position = decodeCursor(cursor, sort);
    if (position) add(`(i.${col} < ? OR (i.${col} = ? AND i.id < ?))`, position[0], position[0], position[1]);
    const pageSize = Math.max(1, Math.min(100, Number(limit) || 25));
    const paramsOf = (conds) => conds.flatMap((x) => x.params);
    // The statuses the query allows (an `is:` term names them); each is walked on its own index.
    let statuses = STATUSES;
    for (const x of terms) if (x.statuses) statuses = statuses.filter((st) => x.statuses.includes(st));
    // Terms on tags, users and free text are first checked issue by issue over the first
    // PROBE_SCAN issues in the list's order: a common value fills the page from the first few
    // dozen. When that does not decide the page (a rare value), the term that matched fewest of
    // those issues drives the search from its index list (FTS, tag or user index) and the others
    // are checked on what it finds. Both ways give the same rows.
    const probed = terms.filter((x) => x.probe);
    const base = [...plain, ...terms.filter((x) => !x.probe)];
    let ids;
    if (probed.length) {
      const flags = probed.map((x, k) => `(${x.probe.sql}) AS m${k}`).join(', ');
      const page = [];
      const hits = probed.map(() => 0);
      let seen = 0;
      let cut = false;
      for (const row of this.walkIssues(col, `i.id, ${flags}`, paramsOf(probed.map((x) => x.probe)), base, PROBE_SCAN, statuses)) {
        seen += 1;
        let all = true;
        for (let k = 0; k < probed.length; k++) {
          if (row[k + 1]) hits[k] += 1;
          else all = false;
        }
        if (all) page.push(row[0]);
        if (page.length > pageSize) break; // the page is decided (breaking ends the walks)
        // A third of the way with under a sixth of the page (matches that rare cannot fill it
        // within PROBE_SCAN issues at this pace): the index lists answer sooner.
        if (seen === PROBE_SCAN / 3 && page.length * 6 < pageSize + 1) {
          cut = true;
          break;
        }
      }
      ids = page;
      if (cut || !(page.length > pageSize || seen < PROBE_SCAN)) {
        let driver = -1;
        for (let k = 0; k < probed.length; k++) if (probed[k].indexed && (driver < 0 || hits[k] < hits[driver])) driver = k;
        const conds = [...base, ...probed.map((x, k) => (k === driver ? x : x.probe))];
        ids = [...this.walkIssues(col, 'i.id', [], conds, pageSize + 1, statuses)].map((r) => r[0]);
      }
    } else ids = [...this.walkIssues(col, 'i.id', [], base, pageSize + 1, statuses)].map((r) => r[0]);
    // Ids first (the walks keep two numbers a row, not whole issues), then the page's rows.
    const byId = new Map(ids.length ? this.sql(`SELECT * FROM issues WHERE id IN (${ids.map(() => '?').join(',')})`).all(...ids).map((r) => [r.id, r]) : []);
    const rows = ids.map((id) => byId.get(id));
    const more = rows.length > pageSize;
    if (more) rows.pop();
    const pageIds = rows.map((r) => r.id);
    const maps = this.tagMaps(pageIds);
    const lines = this.sparklines(pageIds, now);
    const issues = rows.map((r) => this.issueOut(r, { browsers: maps.get(r.id).browser, releases: maps.get(r.id).release, environments: maps.get(r.id).environment, stats: { '24h': lines.get(r.id) } }));
    const last = rows[rows.length - 1];
    return { issues, next: more ? encodeCursor(last[col], last.id, sort) : null };
  }

  /** An issue's row by id, with what ingest changed since the last flush (no flush needed). */
  issueRow(id) {
    const pendingIssue = this.pending.issues.get(id);
    if (!pendingIssue) return this.q.issueById.get(id);
    return { ...pendingIssue };
  }

  findIssue(publicId) {
    this.flush();
    return typeof publicId === 'string' && publicId.length <= 64 ? this.q.issueByPublic.get(publicId) || null : null;
  }

  // The row of an issue's latest event; when it expired, the newest one still stored. Event row
  // ids are reused once the newest rows are deleted (a rowid table without AUTOINCREMENT), so a
  // latest_event that expired may name another issue's event: it counts only if it is this one's.
  latestEventRow(issue) {
    if (issue.stored === 0) return null;
    const latestRow = issue.latest_event ? this.q.eventRow.get(issue.latest_event) : null;
    if (latestRow && latestRow.issue_id === issue.id) return latestRow;
    return this.sql('SELECT * FROM events WHERE issue_id = ? ORDER BY id DESC LIMIT 1').get(issue.id) || null;
  }

  getIssue(publicId) {
    const row = this.findIssue(publicId);
    if (!row) return null;
    const maps = this.tagMaps([row.id]).get(row.id);
    const fallback = this.latestEventRow(row);
    const latest = fallback ? this.decodeEvent(fallback) : null;
    return this.issueOut(row, {
      browsers: maps.browser, releases: maps.release, environments: maps.environment, latest, latest_event_id: fallback ? fallback.event_id : null,
      stored_events: row.stored,
    });
  }

  issueEvents(publicId, { cursor = null, limit = 50 } = {}) {
    const issue = this.findIssue(publicId);
    if (!issue) return null;
    const position = decodeCursor(cursor);
    const pageSize = Math.max(1, Math.min(100, Number(limit) || 50));
    const rows = position
      ? this.sql(`SELECT * FROM events WHERE issue_id = ? AND id < ? ORDER BY id DESC LIMIT ${pageSize + 1}`).all(issue.id, position[1])
      : this.sql(`SELECT * FROM events WHERE issue_id = ? ORDER BY id DESC LIMIT ${pageSize + 1}`).all(issue.id);
    const more = rows.length > pageSize;
    if (more) rows.pop();
    const last = rows[rows.length - 1];
    return { events: rows.map((r) => this.eventSummary(r)), next: more ? encodeCursor(0, last.id) : null };
  }

  getEvent(eventId) {
    const id = normalizeEventId(eventId);
    const row = id ? this.q.eventById.get(id) : null;
    if (!row) return null;
    const issue = row.issue_id ? this.q.issueById.get(row.issue_id) : null;
    const prev = row.issue_id ? this.sql('SELECT event_id FROM events WHERE issue_id = ? AND id < ? ORDER BY id DESC LIMIT 1').get(row.issue_id, row.id) : null;
    const next = row.issue_id ? this.sql('SELECT event_id FROM events WHERE issue_id = ? AND id > ? ORDER BY id LIMIT 1').get(row.issue_id, row.id) : null;
    return { ...this.eventSummary(row), issue: issue ? issue.public_id : null, previous: prev ? prev.event_id : null, next: next ? next.event_id : null, event: this.decodeEvent(row) };
  }

  /**
   * One event of one issue: null when the issue is unknown, {event: null} when the event is not
   * stored or belongs to another issue (a viewer link never shows one issue's event under another).
   */
  issueEvent(publicId, eventId) {
    const issue = this.findIssue(publicId);
    if (!issue) return null;
    const ev = this.getEvent(eventId);
    return { event: ev && ev.issue === issue.public_id ? ev : null };
  }

  /** Latest stored events (newest last), the shape the SDK tests read. */
  recentEvents(limit = 100) {
    const rows = this.sql(`SELECT e.*, i.public_id FROM events e LEFT JOIN issues i ON i.id = e.issue_id WHERE e.type = 'error' ORDER BY e.id DESC LIMIT ?`).all(limit);
    return rows.reverse().map((r) => ({ project: r.project, received: r.received, issue: r.public_id, event: this.decodeEvent(r) }));
  }

  /** Occurrences over time: buckets of `interval` seconds over `period` seconds ending now. */
  issueStats(publicId, { interval = 3600, period = 86400, now = Date.now() / 1000 } = {}) {
    const issue = this.findIssue(publicId);
    if (!issue) return null;
    const bucketCount = Math.ceil(period / interval);
    const end = Math.floor(now / interval) * interval + interval;
    const start = end - bucketCount * interval;
    const out = [];
    for (let k = 0; k < bucketCount; k++) out.push([start + k * interval, 0]);
    let rows;
    if (interval % HOUR === 0) {
      rows = this.sql('SELECT bucket AS t, count FROM issue_buckets WHERE issue_id = ? AND bucket >= ? AND bucket < ?').all(issue.id, start, end);
    } else {
      // Finer than an hour: from the stored events (true counts while they are retained).
      rows = this.sql('SELECT timestamp AS t, count FROM events WHERE issue_id = ? AND timestamp >= ? AND timestamp < ?').all(issue.id, start, end);
    }
    for (const row of rows) {
      const k = Math.floor((row.t - start) / interval);
      if (k >= 0 && k < bucketCount) out[k][1] += row.count;
    }
    return out;
  }

  issueTags(publicId, top = 10) {
    const issue = this.findIssue(publicId);
    if (!issue) return null;
    const rows = this.sql('SELECT key, value, count FROM issue_tags WHERE issue_id = ? ORDER BY key, count DESC').all(issue.id);
    const byKey = new Map();
    for (const row of rows) {
      let entry = byKey.get(row.key);
      if (!entry) byKey.set(row.key, (entry = { key: row.key, total: 0, unique: 0, values: [] }));
      entry.total += row.count;
      entry.unique += 1;
      if (entry.values.length < top) entry.values.push({ value: row.value, count: row.count });
    }
    // user.id: from issue_users (users known by id; others are counted in the issue's users).
    // A popular issue has thousands: SQLite counts them and picks the top ones.
    const range = "issue_id = ? AND user_key >= 'id:' AND user_key < 'id;'";
    const sum = this.sql(`SELECT count(*) AS unique_, coalesce(sum(count), 0) AS total FROM issue_users WHERE ${range}`).get(issue.id);
    if (sum.unique_) {
      const values = this.sql(`SELECT substr(user_key, 4) AS value, count FROM issue_users WHERE ${range} ORDER BY count DESC, user_key LIMIT ?`).all(issue.id, top);
      byKey.set('user.id', { key: 'user.id', total: sum.total, unique: sum.unique_, values });
    }
    return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /**
   * Source maps (demo/collector/sourcemaps.js IssueDisplay): sets an issue's title and culprit to
   * those of its resolved latest event, only if they are still `expected` (an ingest in between
   * wins, and queues the issue again). Keeps the cached row and the free-text index in step.
   * Returns the updated row, or null.
   */
  setIssueDisplay(id, expected, next) {
    this.flush();
    const row = this.q.issueById.get(id);
    if (!row || row.title !== expected.title || row.culprit !== expected.culprit) return null;
    const cached = this.issueCache.get(`${row.project}\u0000${row.key}`);
    if (cached && (cached.title !== expected.title || cached.culprit !== expected.culprit)) return null;
    this.db.transaction(() => {
      (this.setDisplayStmt ??= this.db.prepare('UPDATE issues SET title = ?, culprit = ? WHERE id = ?')).run(next.title, next.culprit, id);
      this.q.ftsReplace.run(id, next.title, next.culprit, row.message);
    })();
    if (cached) Object.assign(cached, { title: next.title, culprit: next.culprit });
    return { ...row, title: next.title, culprit: next.culprit };
  }

  /** Ids of issues (after `afterId`, in id order) whose culprit contains `text`. */
  issueIdsByCulprit(text, afterId, limit) {
    this.flush();
    return this.sql('SELECT id FROM issues WHERE id > ? AND instr(culprit, ?) > 0 ORDER BY id LIMIT ?').pluck().all(afterId, text, limit);
  }

  /** resolve / ignore / unresolve. Resolving remembers the latest release, for regressions. */
  setStatus(publicId, status) {
    const issue = this.findIssue(publicId);
    if (!issue) return null;
    if (!['resolved', 'ignored', 'unresolved'].includes(status)) throw new QueryError('status must be resolved, ignored or unresolved', 0);
    if (status === 'resolved') {
      this.sql("UPDATE issues SET status = 'resolved', substatus = 'resolved', resolved_release = ?, resolved_at = ? WHERE id = ?").run(issue.last_release, Date.now() / 1000, issue.id);
    } else {
      this.sql('UPDATE issues SET status = ?, substatus = ?, resolved_release = NULL, resolved_at = NULL WHERE id = ?').run(status, status === 'ignored' ? 'ignored' : 'ongoing', issue.id);
    }
    this.issueCache.clear();
    return this.issueOut(this.q.issueById.get(issue.id));
  }

  trace(traceId) {
    const id = str(traceId, 64).toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(id)) return null;
    const spans = this.sql('SELECT * FROM spans WHERE trace_id = ? ORDER BY start LIMIT 2000').all(id).map((span) => ({
      span_id: span.span_id, parent_span_id: span.parent_span_id, op: span.op, description: span.description, start_timestamp: span.start, timestamp: span.end, status: span.status,
      is_segment: !!span.segment, service: span.service, data: span.data ? JSON.parse(span.data) : undefined,
      transaction: span.event_row ? (this.sql('SELECT event_id FROM events WHERE id = ?').get(span.event_row) || {}).event_id : undefined,
    }));
    // A page's trace can hold thousands of errors (a storm): the first 500 are listed, all counted.
    const events = this.sql('SELECT e.*, i.public_id FROM events e LEFT JOIN issues i ON i.id = e.issue_id WHERE e.trace_id = ? AND e.trace_id != \'\' ORDER BY e.id LIMIT 501').all(id);
    const truncated = events.length > 500;
    if (truncated) events.pop();
    const errors = [];
    const transactions = [];
    for (const row of events) {
      if (row.type === 'transaction') {
        transactions.push({ ...this.eventSummary(row) });
        continue;
      }
      const event = this.decodeEvent(row);
      const platform = str(event.platform, 30);
      errors.push({ ...this.eventSummary(row), issue: row.public_id, span_id: row.span_id, platform, sdk: isObj(event.sdk) ? str(event.sdk.name, 80) : '' });
    }
    if (!spans.length && !events.length) return null;
    const errorsTotal = truncated ? this.sql("SELECT count(*) AS n FROM events WHERE trace_id = ? AND trace_id != '' AND type = 'error'").get(id).n : errors.length;
    return { trace_id: id, spans: spans.slice(0, 2000), transactions, errors, errors_total: errorsTotal };
  }

  sessionsByRelease() {
    const rows = this.sql(`SELECT release, count(*) AS total, count(DISTINCT did) AS users,
        sum(status = 'crashed') AS crashed, sum(status = 'abnormal') AS abnormal,
        sum(status NOT IN ('crashed', 'abnormal') AND (errors > 0 OR status = 'errored')) AS errored
      FROM sessions GROUP BY release`).all();
    const agg = this.sql(`SELECT release, sum(exited) AS exited, sum(errored) AS errored, sum(abnormal) AS abnormal, sum(crashed) AS crashed
      FROM session_aggregates GROUP BY release`).all();
    const byRelease = new Map();
    for (const r of rows) byRelease.set(r.release, { release: r.release, sessions: r.total, users: r.users, crashed: r.crashed, abnormal: r.abnormal, errored: r.errored });
    for (const aggregate of agg) {
      const totals = byRelease.get(aggregate.release) || { release: aggregate.release, sessions: 0, users: 0, crashed: 0, abnormal: 0, errored: 0 };
      totals.sessions += aggregate.exited + aggregate.errored + aggregate.abnormal + aggregate.crashed;
      totals.crashed += aggregate.crashed;
      totals.abnormal += aggregate.abnormal;
      totals.errored += aggregate.errored;
      byRelease.set(aggregate.release, totals);
    }
    return [...byRelease.values()].map((t) => ({ ...t, healthy: t.sessions - t.crashed - t.abnormal - t.errored, crash_free_rate: t.sessions ? (t.sessions - t.crashed) / t.sessions : null }));
  }

  close() {
    this.wantCheckpointer = false;
    if (this.checkpointer) {
      this.checkpointer.postMessage('stop');
      this.checkpointer = null;
      // This connection closes last (it then removes the WAL and its index): a checkpointer
      // closing after it would remove them while the data directory is already being reused or
      // deleted. Bounded wait: a checkpoint in flight finishes first.
      Atomics.wait(this.checkpointerClosed, 0, 0, 3000);
    }
    try {
      this.flush();
    } catch {
      /* the journal keeps it: the next start applies it */
    }
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)'); // waits (busy_timeout) for a checkpoint in flight
    } catch {
      /* busy or already closed: the WAL is kept and replayed at the next open */
    }
    try {
      this.db.close();
    } catch {
      /* already closed */
    }
  }
}
