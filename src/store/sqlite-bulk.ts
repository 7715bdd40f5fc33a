// A big import into an EMPTY sqlite file, written while it is merged (issue 14). The merge (JS) and
// SQLite's inserts used to run one after the other on one thread; here a worker thread with its
// own connection takes the write lock at once (BEGIN IMMEDIATE), checks the file is still empty,
// and inserts each record as soon as the import added it (an added record is final then: keys are
// unique, print names were made unique by the overlay, usernames are settled by the claim rule in
// SQL). Everything stays in ONE transaction: the store's flush commits it (SqliteBackend.apply);
// a failure, a change the rows do not hold (tainted), close or SIGKILL rolls it back, and the flush
// then writes the same records the old way. The main thread keeps every record in its overlay
// (not dirty), so lookups until the flush answer from memory and never touch the locked file.

import { receiveMessageOnPort, MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { PeerRecord } from '../peers/types.js';
import type { Changes } from './backend.js';

/** Records per message to the writer. */
const BATCH = 4096;
/** How long the main thread waits for an answer while the writer shows no progress. */
const STALL_MS = 120_000;
/** ... and for a writer that never started (its thread died before the first line). */
const NEVER_STARTED_MS = 15_000;

/** What the writer answers to `commit` or `abort`. */
export interface WriterAnswer {
  ok: boolean;
  /** Why not: 'not-empty' (the file held peers once locked), or SQLite's error. */
  code?: string;
  message?: string;
}

export interface BulkWriterOptions {
  file: string;
  /** better-sqlite3's entry file (the worker loads the package itself). */
  driverPath: string;
  nativeBinding?: string;
  busyTimeoutMs: number;
  cacheKb: number;
  schema: number;
  namesIndex: string;
}

// The worker (CommonJS, eval'd: no file to find in the bundle or under vitest). Every handler
// catches: the main thread always gets an answer to `commit` and `abort`.
export const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const w = workerData;
const flag = new Int32Array(w.sab);
Atomics.add(flag, 1, 1);
let db, ins, claim, failure, rows = 0, done = false;
function answer(m) { w.port.postMessage(m); Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); }
function fail(e) { if (!failure) failure = { ok: false, code: String((e && e.code) || 'ERROR'), message: String((e && e.message) || e) }; }
function rollback() { try { if (db && db.inTransaction) db.exec('ROLLBACK'); } catch {} try { if (db) db.close(); } catch {} done = true; }
try {
  const Database = require(w.driverPath);
  db = new Database(w.file, { timeout: w.busyTimeoutMs, nativeBinding: w.nativeBinding });
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -' + w.cacheKb);
  db.exec('BEGIN IMMEDIATE');
  const v = db.pragma('user_version', { simple: true });
  const e = db.prepare("SELECT (SELECT value FROM meta WHERE name = 'peer_count') AS n, EXISTS (SELECT 1 FROM peers) AS p, EXISTS (SELECT 1 FROM tombstones) AS t").get();
  if (v !== w.schema || e.n !== 0 || e.p || e.t) failure = { ok: false, code: 'not-empty', message: 'the file is not empty' };
  else {
    db.exec('DROP INDEX peers_names');
    ins = db.prepare('INSERT INTO peers(key, print_name, pn_lower, updated_at, data) VALUES (?, ?, ?, ?, ?)');
    claim = db.prepare('INSERT INTO usernames(name, display, key, checked_at) VALUES (?, ?, ?, ?) ' +
      'ON CONFLICT(name) DO UPDATE SET display = excluded.display, key = excluded.key, checked_at = excluded.checked_at WHERE excluded.checked_at >= usernames.checked_at');
  }
} catch (e) { fail(e); }
parentPort.on('message', (m) => {
  if (done) return;
  try {
    if (m.t === 'rows') {
      if (failure) return;
      const keys = m.k.split('\\n'), recs = JSON.parse(m.j);
      for (let i = 0; i < recs.length; i++) {
        const key = keys[i], rec = recs[i], name = rec.printName, checked = rec.usernamesCheckedAt ?? 0;
        ins.run(key, name, name.toLowerCase(), rec.updatedAt ?? 0, JSON.stringify(rec));
        for (const u of rec.usernames) claim.run(u.toLowerCase(), u, key, checked);
        rows++;
      }
      Atomics.add(flag, 1, 1);
    } else if (m.t === 'commit') {
      if (!failure && rows !== m.rows) failure = { ok: false, code: 'ERROR', message: 'the writer got ' + rows + ' rows of ' + m.rows };
      if (failure) { rollback(); answer(failure); return; }
      db.exec(w.namesIndex);
      const st = db.prepare('INSERT INTO state(name, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at WHERE excluded.updated_at >= state.updated_at');
      for (const s of m.state) st.run(s[0], s[1], s[2]);
      db.prepare("UPDATE meta SET value = value + ? WHERE name = 'peer_count'").run(rows);
      db.exec('COMMIT');
      db.close();
      done = true;
      answer({ ok: true });
    } else if (m.t === 'abort') {
      rollback();
      answer({ ok: true });
    }
  } catch (e) {
    fail(e);
    if (m.t !== 'rows') { rollback(); answer(failure); }
  }
});
`;

/** The main thread's end of the writer: rows go out in batches; commit and abort wait for the answer. */
export class BulkWriter {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag: Int32Array;
  private keys: string[] = [];
  private recs: PeerRecord[] = [];
  private sent = 0;
  private ended = false;

  constructor(opts: BulkWriterOptions) {
    const sab = new SharedArrayBuffer(8);
    this.flag = new Int32Array(sab);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ...opts, sab, port: port2 }, transferList: [port2] });
    // Never keeps the process alive; an exit without a commit rolls the transaction back.
    this.worker.unref();
    this.worker.on('error', () => {});
  }

  /**
   * Hands one added record to the writer (final: it is read when its batch goes, a few thousand
   * records later). A batch goes as two strings, the keys and the records as one JSON array: on the
   * main thread that costs less than a JSON text per record plus cloning each (the writer parses
   * the batch and writes each record's JSON, the same text).
   */
  add(key: string, rec: PeerRecord): void {
    this.keys.push(key);
    if (this.recs.push(rec) >= BATCH) this.send();
  }

  get rows(): number {
    return this.sent + this.recs.length;
  }

  private send(): void {
    if (this.recs.length === 0) return;
    this.worker.postMessage({ t: 'rows', k: this.keys.join('\n'), j: JSON.stringify(this.recs) });
    this.sent += this.recs.length;
    this.keys = [];
    this.recs = [];
  }

  /** Writes the state entries, builds the print-name index and commits; waits (synchronously) for it. */
  commit(state: Changes['state']): WriterAnswer {
    this.send();
    const entries: Array<[string, string, number]> = [];
    for (const [name, e] of state) entries.push([name, JSON.stringify(e.value), e.updatedAt]);
    return this.finish({ t: 'commit', rows: this.sent, state: entries });
  }

  /** Rolls the transaction back (the file is as before) and waits until the write lock is free. */
  abort(): WriterAnswer {
    return this.finish({ t: 'abort' });
  }

  private finish(msg: object): WriterAnswer {
    if (this.ended) return { ok: false, code: 'ERROR', message: 'the writer has ended' };
    this.ended = true;
    this.keys = [];
    this.recs = [];
    this.worker.postMessage(msg);
    const answer = this.waitForAnswer();
    void this.worker.terminate();
    return answer;
  }

  /** Blocks until the writer answers (Atomics.wait: apply stays synchronous inside, like the old path). */
  private waitForAnswer(): WriterAnswer {
    let progress = Atomics.load(this.flag, 1);
    let quiet = 0;
    for (;;) {
      const got = receiveMessageOnPort(this.port);
      if (got) return got.message as WriterAnswer;
      if (Atomics.wait(this.flag, 0, 0, 1000) === 'timed-out') {
        const now = Atomics.load(this.flag, 1);
        quiet = now === progress ? quiet + 1000 : 0;
        progress = now;
        if (quiet >= (now === 0 ? NEVER_STARTED_MS : STALL_MS)) return { ok: false, code: 'ERROR', message: 'the writer stopped answering' };
      } else Atomics.store(this.flag, 0, 0);
    }
  }
}

/**
 * One import's bulk write: the records it added (in order, live objects) and whether anything
 * else changed the store since (then the rows are not the truth any more: `tainted`).
 */
export class BulkImport {
  readonly keys: string[] = [];
  readonly recs: PeerRecord[] = [];
  /** The records' print names, until `settled`: the import's only lookup. */
  names = new PrintNameSet();
  /** The records are in the overlay too (a lookup came before the flush). */
  settled = false;
  tainted = false;

  constructor(
    readonly writer: BulkWriter,
    /** True when the main connection switched the file to a rollback journal for it. */
    readonly rollbackJournal: boolean,
  ) {}

  add(key: string, rec: PeerRecord): void {
    this.names.add(rec.printName);
    this.keys.push(key);
    this.recs.push(rec);
    this.writer.add(key, rec);
  }

  /**
   * Puts the records into a flush's changes, for the old path: in import order, as the overlay
   * would have listed them, with the changes made since on top (a key keeps its first place).
   */
  mergeInto(changes: Changes): void {
    const peers = new Map<string, PeerRecord | number>();
    for (let i = 0; i < this.keys.length; i++) peers.set(this.keys[i], this.recs[i]);
    for (const [k, v] of changes.peers) peers.set(k, v);
    changes.peers = peers;
  }
}

/** A name's stem and `#k` suffix (0: none); only a canonical number (no leading 0) is a suffix. */
const SUFFIX = /#([1-9]\d{0,14})$/;

interface Stem {
  /** The stem itself is taken. */
  bare: boolean;
  /** Every `stem#k` with 1 <= k < next is taken; `stem#next` is free. */
  next: number;
  /** Taken suffixes above `next`. */
  above?: Set<number>;
}

/**
 * A set of print names kept by stem (the name without its `#k`): "is it taken" is one lookup, and
 * the first free `base#k` is known without trying `#1`, `#2`... (a million names in one Map cost
 * about a microsecond per operation; namesakes share a stem). Names are only added.
 */
export class PrintNameSet {
  private readonly stems = new Map<string, Stem>();

  has(name: string): boolean {
    const m = SUFFIX.exec(name);
    const s = this.stems.get(m ? name.slice(0, m.index) : name);
    if (!s) return false;
    if (!m) return s.bare;
    const k = Number(m[1]);
    return k < s.next || (s.above?.has(k) ?? false);
  }

  add(name: string): void {
    const m = SUFFIX.exec(name);
    const stem = m ? name.slice(0, m.index) : name;
    let s = this.stems.get(stem);
    if (!s) this.stems.set(stem, (s = { bare: false, next: 1 }));
    if (!m) {
      s.bare = true;
      return;
    }
    const k = Number(m[1]);
    if (k > s.next) (s.above ??= new Set()).add(k);
    else if (k === s.next) {
      s.next++;
      while (s.above?.delete(s.next)) s.next++;
    }
  }

  /** The first free of `base`, `base#1`, `base#2`... (as firstFreePrintName with nothing else taken). */
  firstFree(base: string): string {
    if (!this.has(base)) return base;
    return `${base}#${this.stems.get(base)?.next ?? 1}`;
  }
}
