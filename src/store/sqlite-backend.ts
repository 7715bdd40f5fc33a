// The sqlite backend: peers.sqlite in the profile (sqlite-db.ts), read through indexed queries
// (sqlite-index.ts) and written one transaction per flush. The transaction takes SQLite's write
// lock at once (BEGIN IMMEDIATE; other writers wait up to the busy timeout) and merges each change
// with what the file holds, by the conf file's rules (merge.ts): the newer `updatedAt` wins, a
// tombstone beats older records, a print name already in the file stays with its peer, the
// fresher claim on a username is the indexed one. Only changed rows are written. A big import
// into an empty file is written by a worker while it runs and committed here (sqlite-bulk.ts).

import { dirname } from 'node:path';
import { isPlaceholderPrintName, printNameBaseOf, uniquePrintName } from '../peers/print-name.js';
import { peerClassOf, type PeerRecord } from '../peers/types.js';
import { TgshError, ErrorCode } from '../core/errors.js';
import type { Changes, Notice, PeerBackend, PeerIndex, PollerClaim, PollerHolder } from './backend.js';
import { ensurePrivateDir } from './conf-driver.js';
import type { LockOptions } from './lock.js';
import { PollerLocks } from './poller-lock.js';
import { TOMBSTONE_TTL_MS, type StateEntry } from './schema.js';
import { BulkImport, BulkWriter } from './sqlite-bulk.js';
import { BIG_WRITE_CACHE_KB, BIG_WRITE_ROWS, BUSY_TIMEOUT_MS, isNamesClash, loadSqliteDriver, NAMES_INDEX, SQLITE_SCHEMA, sqliteDriverEntry, SqliteDb, type SqliteDriver } from './sqlite-db.js';
import { SqliteIndex } from './sqlite-index.js';

export class SqliteBackend implements PeerBackend {
  readonly kind = 'sqlite' as const;
  private sql: SqliteDb | undefined;
  private index: SqliteIndex | undefined;
  private driver: SqliteDriver | undefined;
  private readonly pollers: PollerLocks;

  constructor(
    readonly file: string,
    lock: LockOptions = {},
  ) {
    this.pollers = new PollerLocks(file, lock);
  }

  get location(): string {
    return this.file;
  }

  private db(): SqliteDb {
    if (!this.sql) throw new Error('the sqlite store is not open');
    return this.sql;
  }

  async open(notice: Notice): Promise<PeerIndex> {
    ensurePrivateDir(dirname(this.file));
    const Driver = loadSqliteDriver();
    this.driver = Driver;
    try {
      this.sql = new SqliteDb(Driver, this.file);
    } catch (e) {
      throw new TgshError(ErrorCode.INTERNAL, `can not open the peer store ${this.file}: ${e instanceof Error ? e.message : String(e)}`, {
        hint: 'check the file, or move it aside to start with an empty store',
      });
    }
    if (this.sql.newerSchema !== undefined) notice(`tgsh: ${this.readOnlyReason()}; it is read, but changes will not be saved`);
    this.index = new SqliteIndex(this.sql, () => this.startWriter());
    return this.index;
  }

  private readOnlyReason(): string {
    return `${this.file} was written by a newer tgsh (schema ${this.sql?.newerSchema}; this one knows ${SQLITE_SCHEMA})`;
  }

  wantsWrite(): boolean {
    return this.index?.hasBulk() ?? false;
  }

  /**
   * The worker of a bulk import (sqlite-bulk.ts). The main connection first moves the file to a
   * rollback journal (see writeTransaction: only possible while no other connection is open; else
   * the worker writes through the WAL).
   */
  private startWriter(): BulkImport | undefined {
    const sql = this.db();
    const driverPath = sqliteDriverEntry();
    if (!driverPath) return undefined;
    const rollbackJournal = sql.setJournalMode('delete');
    try {
      const writer = new BulkWriter({
        file: this.file,
        driverPath,
        nativeBinding: this.driver?.nativeBinding,
        busyTimeoutMs: BUSY_TIMEOUT_MS,
        cacheKb: BIG_WRITE_CACHE_KB,
        schema: SQLITE_SCHEMA,
        namesIndex: NAMES_INDEX,
      });
      return new BulkImport(writer, rollbackJournal);
    } catch {
      if (rollbackJournal) sql.setJournalMode('wal');
      return undefined;
    }
  }

  /**
   * Ends the bulk import waiting for this flush: committed when nothing else changed since (the
   * rows are all there is to write), else rolled back and its records put into `changes` for the
   * old path (as when the worker failed: the old path then writes them, or reports why not).
   * True when committed.
   */
  private endBulk(bulk: BulkImport, changes: Changes | undefined): boolean {
    const commit = changes !== undefined && !bulk.tainted && changes.peers.size === 0;
    const answer = commit ? bulk.writer.commit(changes.state) : bulk.writer.abort();
    if (bulk.rollbackJournal && this.sql?.db.open) this.sql.setJournalMode('wal');
    if (commit && answer.ok) return true;
    if (changes) bulk.mergeInto(changes);
    return false;
  }

  // Synchronous inside: no other code of this process runs between taking the changes and
  // committing them, so the overlay can start empty afterwards.
  async apply(changes: Changes, now: number): Promise<void> {
    const sql = this.db();
    if (sql.newerSchema !== undefined) throw new TgshError(ErrorCode.INTERNAL, this.readOnlyReason(), { hint: 'update tgsh to change this store' });
    const bulk = this.index?.takeBulk();
    if (bulk && this.endBulk(bulk, changes)) {
      this.index?.reset();
      return;
    }
    // Rolled back: the records stay readable should the write below fail (its changes go back).
    if (bulk) this.index?.settle(bulk);
    const rows = changes.peers.size;
    try {
      sql.writeTransaction(rows, () => this.write(sql, changes, now, rows >= BIG_WRITE_ROWS));
    } catch (e) {
      // The print names of one overlay are unique, so a deferred index never clashes; should it,
      // the transaction rolled back and the write goes again row by row (clashes renamed).
      if (!isNamesClash(e)) throw e;
      sql.writeTransaction(rows, () => this.write(sql, changes, now, false));
    }
    this.index?.reset();
  }

  /** The changes into the file; with `deferIndex`, an empty file gets its print-name index once, at the end. */
  private write(sql: SqliteDb, changes: Changes, now: number, deferIndex: boolean): void {
    // Under the write lock: a file with no peers and no tombstones holds nothing to merge with
    // (a first import, a migration), so the per-record reads are skipped.
    const empty = sql.count() === 0 && sql.s.tombCount.get()?.n === 0;
    if (empty && deferIndex) sql.fillWithoutNamesIndex(() => this.writeRows(sql, changes, now, true));
    else this.writeRows(sql, changes, now, empty);
  }

  private writeRows(sql: SqliteDb, changes: Changes, now: number, empty: boolean): void {
    const s = sql.s;
    let added = 0;
    for (const [key, ch] of changes.peers) {
      const head = empty ? undefined : s.head.get(key);
      const theirs = head?.updated_at != null ? { updated_at: head.updated_at, print_name: head.print_name!, data: head.data } : undefined;
      const tomb = head?.tomb ?? undefined;
      if (typeof ch === 'number') {
        if (theirs && theirs.updated_at > ch) continue;
        if (theirs) {
          s.deletePeer.run(key);
          sql.dropUsernamesOf(key, theirs.data);
          added--;
        }
        s.setTomb.run(key, ch);
        continue;
      }
      const t = ch.updatedAt ?? 0;
      if ((theirs && theirs.updated_at > t) || (tomb !== undefined && tomb >= t)) continue;
      const cls = peerClassOf(ch.kind);
      let name = ch.printName;
      // The name the file gives this peer stays (stable once given), unless it is the no-name
      // placeholder and this process learned a real name.
      if (theirs && theirs.print_name !== name && (!isPlaceholderPrintName(theirs.print_name, cls, ch.id) || isPlaceholderPrintName(name, cls, ch.id))) name = theirs.print_name;
      let rec: PeerRecord = name === ch.printName ? ch : { ...ch, printName: name };
      try {
        s.upsertPeer.run(key, name, name.toLowerCase(), t, JSON.stringify(rec));
      } catch (e) {
        // Another peer holds the name in the file: this one takes the next free one.
        if (!isNamesClash(e)) throw e;
        const base = printNameBaseOf({ cls, id: ch.id, firstName: ch.firstName, lastName: ch.lastName, title: ch.title });
        name = uniquePrintName(base, (n) => {
          const h = sql.keyOfPrintName(n);
          return h !== undefined && h !== key;
        });
        rec = { ...ch, printName: name };
        s.upsertPeer.run(key, name, name.toLowerCase(), t, JSON.stringify(rec));
      }
      if (theirs) sql.dropUsernamesOf(key, theirs.data);
      else added++;
      const checked = rec.usernamesCheckedAt ?? 0;
      for (const u of rec.usernames) s.claimUsername.run(u.toLowerCase(), u, key, checked);
      if (tomb !== undefined) s.deleteTomb.run(key);
    }
    for (const [name, entry] of changes.state) s.setState.run(name, JSON.stringify(entry.value), entry.updatedAt);
    s.expireTombs.run(now - TOMBSTONE_TTL_MS);
    if (added !== 0) s.addCount.run(added);
  }

  tryAcquirePoller(botId: number, claim?: PollerClaim): Promise<boolean> {
    return this.pollers.tryAcquire(botId, claim);
  }

  holdsPoller(botId: number): boolean {
    return this.pollers.holds(botId);
  }

  pollerHolder(botId: number): Promise<PollerHolder | undefined> {
    return this.pollers.holder(botId);
  }

  async readState(name: string): Promise<StateEntry | undefined> {
    // The file may be locked by a bulk import; its state entries were read when it started.
    if (this.index?.hasBulk()) return this.index.getState(name);
    const row = this.db().s.state.get(name);
    return row ? { value: JSON.parse(row.value) as StateEntry['value'], updatedAt: row.updated_at } : undefined;
  }

  releasePoller(botId: number): Promise<void> {
    return this.pollers.release(botId);
  }

  *tombstones(): Iterable<[string, number]> {
    for (const r of this.db().s.tombs.iterate()) yield [r.key, r.at];
  }

  *stateEntries(): Iterable<[string, StateEntry]> {
    for (const r of this.db().s.states.iterate()) yield [r.name, { value: JSON.parse(r.value) as StateEntry['value'], updatedAt: r.updated_at }];
  }

  async close(): Promise<void> {
    const bulk = this.index?.takeBulk();
    if (bulk) this.endBulk(bulk, undefined);
    await this.pollers.releaseAll();
    this.sql?.close();
    this.sql = undefined;
  }

  async destroy(): Promise<void> {
    await this.close();
    const { rmSync } = await import('node:fs');
    for (const f of [this.file, `${this.file}-wal`, `${this.file}-shm`]) rmSync(f, { force: true });
  }
}
