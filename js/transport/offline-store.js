// The offline queue: envelopes that could not be delivered (offline, or out of retries) wait in
// IndexedDB for the next `online` event or the next page of the origin. Tabs share the store
// safely: each record is leased in a readwrite transaction before it is sent, and deleted only
// after a 2xx, so two tabs never send the same record at the same time. The store holds at most
// `capacity` records; the oldest are evicted, and every envelope it cannot keep is counted.

const DATABASE = 'faultline-offline';
const STORE = 'envelopes';
const LEASE_MS = 30000;

// The database and what transactions return travel through promises boxed (no prototype): with
// a `then` on Object.prototype, a promise resolved with the IDBDatabase or an array would call
// the page's `then` instead, and the envelope waiting for it would be lost uncounted.
const box = (value) => Object.assign(Object.create(null), { value });

function openDatabase() {
  return new Promise((done) => {
    const resolve = (database) => done(box(database));
    try {
      if (typeof indexedDB === 'undefined') return resolve(null);
      const request = indexedDB.open(DATABASE, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(null);
      request.onblocked = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
}

/** Runs `work(store)` in one transaction; resolves (boxed) with what it returned, or its `result`. */
function transaction(database, mode, work) {
  return new Promise((resolve) => {
    try {
      const tx = database.transaction(STORE, mode);
      const out = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(box(out && 'result' in out ? out.result : out));
      tx.onerror = tx.onabort = () => resolve(box(undefined));
    } catch {
      resolve(box(undefined));
    }
  });
}

/** The browser says it has no network (navigator.onLine is false). */
export const isOffline = () => typeof navigator !== 'undefined' && navigator.onLine === false;

/**
 * options: { capacity, onDrop(reason, envelope or record), stats } (stats.offline_saved and
 * stats.offline_sent are counted here). Returns { save(envelope), replay({ post, isLimited }) }.
 */
export function createOfflineStore({ capacity, onDrop, stats }) {
  const tabId = Math.random().toString(36).slice(2);
  let databasePromise = null;
  const database = async () => (await (databasePromise || (databasePromise = openDatabase()))).value;

  /** Keeps an envelope for later; false (and counted as network_error) when there is no store. */
  async function save(envelope) {
    const db = await database();
    if (!db) {
      onDrop('network_error', envelope);
      return false;
    }
    const records = (await transaction(db, 'readonly', (store) => store.getAll())).value || [];
    let evict = records.length + 1 - capacity;
    await transaction(db, 'readwrite', (store) => {
      for (const record of records) {
        if (evict-- <= 0) break;
        store.delete(record.id);
        onDrop('queue_overflow', record);
      }
      store.add({ body: envelope.body, occurrences: envelope.occurrences, category: envelope.category, lease: 0, owner: '', saved: Date.now() });
    });
    stats.offline_saved += 1;
    return true;
  }

  /** Leases every record no other tab holds; resolves with them. */
  async function claim(db) {
    const now = Date.now();
    return (await transaction(db, 'readwrite', (store) => {
      const mine = [];
      const request = store.openCursor();
      request.onsuccess = () => {
        const cursor = request.result;
        if (!cursor) return;
        const record = cursor.value;
        if (!record.lease || record.lease < now) {
          record.lease = now + LEASE_MS;
          record.owner = tabId;
          cursor.update(record);
          mine.push(record);
        }
        cursor.continue();
      };
      return { get result() { return mine; } };
    })).value || [];
  }

  /**
   * Sends what the store holds with `post(body)` ('ok' | 'drop' | 'retry' | 'limited'), oldest
   * first, until the first that cannot leave (its lease is released) or a rate limit.
   */
  async function replay({ post, isLimited }) {
    const db = await database();
    if (!db || isOffline()) return;
    for (const record of await claim(db)) {
      if (isLimited(record.category || 'error')) break;
      const outcome = await post(record.body);
      if (outcome === 'ok' || outcome === 'drop') {
        await transaction(db, 'readwrite', (store) => store.delete(record.id));
        if (outcome === 'ok') stats.offline_sent += 1;
        else onDrop('send_error', record);
      } else {
        await transaction(db, 'readwrite', (store) => {
          record.lease = 0;
          store.put(record);
        });
        break;
      }
    }
  }

  return { save, replay };
}
