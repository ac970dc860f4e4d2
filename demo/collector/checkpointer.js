// The collector's WAL checkpointer, on its own thread: copying the write-ahead log back into the
// database file (and the fsyncs that go with it) no longer stalls the thread that ingests and
// answers queries. SQLite allows a passive checkpoint on a second connection while the first
// keeps writing. The writer's own automatic checkpoint (every 16 384 pages, 64 MiB) then finds
// nearly everything copied already: it only finishes the tail and lets the log start over.
// Started by Store when asked (the server does); messages: 'now', 'truncate', 'stop'.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { nameThread } from './ingest-worker.js';

nameThread('fl-checkpoint');

const db = new Database(workerData.file);
db.pragma('busy_timeout = 2000');
db.pragma('synchronous = NORMAL');
let busy = false;
const run = (mode = 'PASSIVE') => {
  if (busy) return;
  busy = true;
  try {
    db.pragma(`wal_checkpoint(${mode})`);
  } catch {
    /* busy or closing: the next run retries */
  } finally {
    busy = false;
  }
};
const timer = setInterval(run, workerData.intervalMs || 500);
parentPort.on('message', (message) => {
  if (message === 'now') run();
  // After a retention pass: copy everything back and cut the WAL file to zero bytes (writers wait
  // for it, at most the busy timeout), so the deleted bodies' pages leave the log on disk.
  else if (message === 'truncate') run('TRUNCATE');
  else if (message === 'stop') {
    clearInterval(timer);
    try {
      db.close();
    } catch {
      /* already closed */
    }
    if (workerData.closed) {
      Atomics.store(workerData.closed, 0, 1);
      Atomics.notify(workerData.closed, 0);
    }
    parentPort.close();
  }
});
