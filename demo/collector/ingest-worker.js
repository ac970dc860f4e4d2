// Ingest on two threads. The worker (this file, run as a worker thread) decodes each request's body,
// parses its envelope and items, normalizes every event to the columns the store writes and
// deflates the bodies in blocks (ingest.js); the main thread keeps HTTP and SQLite, and writes what
// the worker hands over in one transaction per batch. IngestPipeline (below, same file) is the main
// thread's side.
//
// Flow control: the worker sends a batch only while the main thread holds fewer than two unwritten
// ones; meanwhile it keeps parsing and packing what arrives, so a busy store gets bigger batches
// (fewer, fuller transactions and blocks) instead of a growing queue of small ones.
//
// A request is answered only after the transaction holding its records has committed. When the
// worker dies (a crash, an out-of-memory), every request it still held is refused with 503 and a
// Retry-After, and counted (/__stats refused.ingest_worker_crashed): an SDK sends it again, none is
// lost silently. A new worker is started for the next requests.
import fs from 'node:fs';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { BlockPacker, HttpError, normalizeRecord, parseRequest } from './ingest.js';

const CREDITS = 2;
const YOUNG_MB = 8;

const eventsIn = (records) => {
  let count = 0;
  for (const r of records) if (r.kind === 'event') count += 1;
  return count;
};

// Names the calling thread (Linux: /proc/thread-self/comm), so per-thread CPU time can be read from
// /proc/<pid>/task (the collector benchmark reports it). Elsewhere a no-op.
export function nameThread(name) {
  try {
    fs.writeFileSync('/proc/thread-self/comm', name.slice(0, 15));
  } catch {
    /* not Linux, or not allowed */
  }
}

// ---------------------------------------------------------------------------------------------
// The worker's side.
function runWorker() {
  nameThread('fl-ingest');
  let limits = null;
  const budget = { start: 0, bytes: 0 };
  let credits = CREDITS;
  let records = [];
  let replies = [];
  let packer = new BlockPacker();
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    if (!replies.length || credits <= 0) return;
    credits -= 1;
    const blocks = packer.take();
    const msg = { type: 'batch', replies, records, blocks };
    records = [];
    replies = [];
    packer = new BlockPacker();
    parentPort.postMessage(msg);
  };
  const schedule = () => {
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };

  parentPort.on('message', (message) => {
    if (message.type === 'limits') {
      limits = message.limits;
      return;
    }
    if (message.type === 'ready') {
      credits += 1;
      schedule();
      return;
    }
    if (message.type !== 'request') return;
    // The control route's simulated crash (tests): an uncaught error, as a real bug would throw.
    if (message.crash) throw new Error('simulated ingest worker crash');
    const counts = { refused: {}, ignored: {} };
    let parsed;
    try {
      parsed = parseRequest({ ...message, body: Buffer.from(message.body.buffer, message.body.byteOffset, message.body.byteLength) }, limits, budget, counts);
    } catch (err) {
      const failure = err instanceof HttpError ? { status: err.status, detail: err.message, reason: err.reason, headers: err.headers } : { status: 500, detail: 'internal error', reason: 'internal' };
      parentPort.postMessage({ type: 'error', id: message.id, error: failure, counts });
      return;
    }
    const reply = { id: message.id, firstId: parsed.firstId, envelope: parsed.envelope, counts, body: message.wantBody ? parsed.body : undefined, events: eventsIn(parsed.records) };
    if (!parsed.records.length) {
      parentPort.postMessage({ type: 'done', reply });
      return;
    }
    for (const record of parsed.records) {
      const normalized = normalizeRecord(record);
      packer.add(normalized);
      records.push(normalized);
    }
    replies.push(reply);
    schedule();
  });
}

if (!isMainThread && parentPort && workerData && workerData.role === 'fl-ingest') runWorker();

// ---------------------------------------------------------------------------------------------
// The main thread's side.
const crashed = () => new HttpError(503, 'the ingest worker stopped; send again', 'ingest_worker_crashed', { 'retry-after': '1' });

export class IngestPipeline {
  /**
   * @param {object} o
   * @param {object} o.limits {maxDecompressedBytes, maxEventBytes, maxBytesPerMinute}
   * @param {(records: object[], blocks: object[]) => object} o.write stores one batch (one
   *   transaction) and returns the store's result; throws to refuse the batch.
   * @param {(counts: {refused: object, ignored: object}) => void} o.count adds refusals/ignored items
   * @param {boolean} [o.worker] false: everything on the main thread (same code, no worker)
   */
  constructor({ limits, write, count, worker = true }) {
    this.limits = limits;
    this.write = write;
    this.count = count;
    this.useWorker = worker;
    this.worker = null;
    this.nextId = 1;
    this.inflight = new Map(); // id -> {resolve, reject} (sent to the worker, not answered yet)
    this.queue = []; // batches received (or parsed inline), waiting for the next transaction
    this.scheduled = false;
    this.crashes = [];
    this.stats = { worker_crashes: 0, batches: 0, batch_records: 0, inline: !worker };
    // Main-thread mode: the budget and packer live here.
    this.budget = { start: 0, bytes: 0 };
    this.inlineOpen = null;
    this.closed = false;
  }

  /** {workerCpu: µs of CPU the worker used (its own clock), ...} */
  startWorker() {
    // A small young generation: what the worker allocates (parsed items, normalized records) is
    // garbage by the next request, and V8's default lets it reach tens of MB of resident memory
    // between scavenges.
    const worker = new Worker(new URL(import.meta.url), { workerData: { role: 'fl-ingest' }, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } });
    worker.unref();
    worker.postMessage({ type: 'limits', limits: this.limits });
    worker.on('message', (m) => this.onMessage(worker, m));
    worker.on('error', () => {}); // 'exit' follows and does the accounting
    worker.on('exit', () => this.onExit(worker));
    this.worker = worker;
    return worker;
  }

  onExit(worker) {
    if (this.worker !== worker) return;
    this.worker = null;
    if (this.closed) return;
    this.stats.worker_crashes += 1;
    this.refuseInflight();
    // A worker that keeps dying (10 times in a minute) is given up: the main thread parses.
    const now = Date.now();
    this.crashes = this.crashes.filter((t) => now - t < 60000);
    this.crashes.push(now);
    if (this.crashes.length >= 10) {
      this.useWorker = false;
      this.stats.inline = true;
    }
  }

  // The requests the worker held when it stopped: refused as retryable, and counted.
  refuseInflight() {
    const lost = [...this.inflight.values()];
    this.inflight.clear();
    if (lost.length) this.count({ refused: { ingest_worker_crashed: lost.length }, ignored: {} });
    for (const pending of lost) pending.reject(crashed());
  }

  onMessage(worker, message) {
    if (this.worker !== worker) return;
    if (message.type === 'error') {
      const pending = this.inflight.get(message.id);
      this.inflight.delete(message.id);
      this.count(message.counts);
      if (pending) pending.reject(new HttpError(message.error.status, message.error.detail, message.error.reason, message.error.headers));
      return;
    }
    if (message.type === 'done') {
      const pending = this.inflight.get(message.reply.id);
      this.inflight.delete(message.reply.id);
      this.count(message.reply.counts);
      if (pending) pending.resolve({ ...message.reply, body: message.reply.body ? Buffer.from(message.reply.body.buffer, message.reply.body.byteOffset, message.reply.body.byteLength) : undefined });
      return;
    }
    if (message.type === 'batch') {
      const waiters = [];
      for (const reply of message.replies) {
        const pending = this.inflight.get(reply.id);
        this.inflight.delete(reply.id);
        if (reply.body) reply.body = Buffer.from(reply.body.buffer, reply.body.byteOffset, reply.body.byteLength);
        waiters.push({ reply: reply, p: pending });
      }
      for (const b of message.blocks) b.data = Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength);
      this.queue.push({ records: message.records, blocks: message.blocks, waiters, credit: worker });
      this.schedule();
    }
  }

  schedule() {
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.commit());
    }
  }

  // Everything waiting is written in one transaction; the worker gets its credits back after.
  commit() {
    this.scheduled = false;
    if (this.inlineOpen) {
      const open = this.inlineOpen;
      this.inlineOpen = null;
      this.queue.push({ records: open.records, blocks: open.packer.take(), waiters: open.waiters, credit: null });
    }
    const taken = this.queue;
    this.queue = [];
    if (!taken.length) return;
    const records = [];
    const blocks = [];
    for (const batch of taken) {
      const base = blocks.length;
      for (const blk of batch.blocks) blocks.push(blk);
      if (base) for (const r of batch.records) if (r.block !== undefined) r.block += base;
      for (const r of batch.records) records.push(r);
    }
    let result = null;
    let error = null;
    try {
      result = this.write(records, blocks);
    } catch (err) {
      // The transaction rolled back (disk full, database locked past its timeout, …): nothing of
      // the batch is stored, so each request is refused as retryable and counted.
      error = new HttpError(503, 'the store could not write this batch; send again', 'store_failed', { 'retry-after': '5' });
      error.cause = err;
      let waiting = 0;
      for (const b of taken) waiting += b.waiters.length;
      this.count({ refused: { store_failed: waiting }, ignored: {} });
    }
    this.stats.batches += 1;
    this.stats.batch_records += records.length;
    for (const batch of taken) {
      for (const { reply, p: pending } of batch.waiters) {
        this.count(reply.counts);
        if (!pending) continue;
        if (error) pending.reject(error);
        else pending.resolve({ ...reply, result });
      }
      if (batch.credit && batch.credit === this.worker) batch.credit.postMessage({ type: 'ready' });
    }
  }

  /**
   * One request's body: resolves after its records are committed with {firstId, envelope,
   * counts, body (decoded, when wantBody), events (event items)}; rejects with an HttpError.
   */
  submit({ body, encoding, legacy, project, ua, received, wantBody = false, crash = false }) {
    if (this.closed) return Promise.reject(crashed());
    if (this.useWorker && !this.worker) {
      try {
        this.startWorker();
      } catch {
        this.useWorker = false;
        this.stats.inline = true;
      }
    }
    if (!this.useWorker) return this.submitInline({ body, encoding, legacy, project, ua, received, crash });
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.inflight.set(id, { resolve, reject });
      // The body's memory is handed to the worker rather than copied (a copy of a 100 KB envelope
      // cost the main thread ~150 µs) when the Buffer owns its whole ArrayBuffer (Buffer.concat of
      // a large body does; a small pooled one is copied). The caller must not read `body` after.
      const own = body && body.byteOffset === 0 && body.buffer.byteLength === body.byteLength && !(body.buffer instanceof SharedArrayBuffer);
      this.worker.postMessage({ type: 'request', id, body, encoding, legacy, project, ua, received, wantBody, crash }, own ? [body.buffer] : undefined);
    });
  }

  submitInline(req) {
    const counts = { refused: {}, ignored: {} };
    let parsed;
    try {
      if (req.crash) throw new HttpError(503, 'simulated ingest crash; send again', 'ingest_worker_crashed', { 'retry-after': '1' });
      parsed = parseRequest(req, this.limits, this.budget, counts);
    } catch (err) {
      this.count(counts);
      if (err instanceof HttpError && err.reason === 'ingest_worker_crashed') this.count({ refused: { ingest_worker_crashed: 1 }, ignored: {} });
      return Promise.reject(err);
    }
    const reply = { firstId: parsed.firstId, envelope: parsed.envelope, counts, body: parsed.body, events: eventsIn(parsed.records) };
    if (!parsed.records.length) {
      this.count(counts);
      return Promise.resolve(reply);
    }
    if (!this.inlineOpen) this.inlineOpen = { records: [], packer: new BlockPacker(), waiters: [] };
    const open = this.inlineOpen;
    for (const record of parsed.records) {
      const normalized = normalizeRecord(record);
      open.packer.add(normalized);
      open.records.push(normalized);
    }
    return new Promise((resolve, reject) => {
      open.waiters.push({ reply, p: { resolve, reject } });
      this.schedule();
    });
  }

  /** Stops the worker; requests it still held are refused (retryable) and counted. */
  async close() {
    if (this.scheduled || this.queue.length || this.inlineOpen) this.commit();
    const worker = this.worker;
    if (!worker) {
      this.closed = true;
      return;
    }
    // Let what the worker holds come back and be written (bounded wait).
    const until = Date.now() + 2000;
    while (this.inflight.size && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (this.scheduled || this.queue.length) this.commit();
    }
    this.closed = true;
    this.worker = null;
    this.refuseInflight();
    await worker.terminate();
  }
}
