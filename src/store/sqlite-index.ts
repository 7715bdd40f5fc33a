// The PeerIndex of the sqlite backend: every lookup is an indexed query, and an overlay (a
// PeerRepository) holds the records this process has read or changed since its last flush. The
// overlay is the truth for the keys it holds (their changes are not in the file yet); for other
// keys the file answers. A username or print name the file gives a key the overlay holds is only
// believed when the overlay's record still carries it. After each flush the overlay starts empty,
// so the next reads see what other processes wrote.

import { firstFreePrintName } from './records.js';
import { splitBotApiChatId } from '../peers/ref.js';
import { botApiChatIdOf, peerClassOf, type PeerRecord } from '../peers/types.js';
import type { BulkAdd, Changes, IndexedNames, PeerIndex } from './backend.js';
import { PrintNameSet, type BulkImport } from './sqlite-bulk.js';
import { printNameBaseOf } from '../peers/print-name.js';
import { PeerRepository } from './repository.js';
import { checkRecord, keyOf, peerKey, type StateEntry } from './schema.js';
import { BIG_WRITE_ROWS, type PeerRow, type SqliteDb } from './sqlite-db.js';
import { TopK } from './top-k.js';

const NO_KEYS: string[] = [];
/** Past the last character a lower-cased prefix can continue with (for `>= p AND < p + END`). */
const END = '\uffff';
const EMPTY_RECHECK_MS = 1000;

export class SqliteIndex implements PeerIndex {
  private overlay = new PeerRepository();
  /** Per print-name base, the lowest `#k` that may be free (as in PeerRepository). */
  private readonly suffixHint = new Map<string, number>();

  /** Keys known not to be in the file (since the last flush): a repeated miss costs no query. */
  private absent = new Set<string>();
  /** The file held no peers when last checked (at most EMPTY_RECHECK_MS ago): lookups skip it. */
  private emptyUntil = 0;

  /**
   * A big import into the empty file, written by a worker while it runs (sqlite-bulk.ts), until the
   * next flush. Meanwhile the overlay holds every peer (the file held none, and nobody else can
   * write: the worker holds the write lock), so no lookup asks the file: it may be locked.
   */
  private bulk: BulkImport | undefined;

  constructor(
    private readonly sql: SqliteDb,
    /** Starts the worker of a bulk import (undefined: none can be started here). */
    private readonly startWriter?: () => BulkImport | undefined,
  ) {}

  /**
   * An import of checked records with these unique keys: when it is big, the file is empty and
   * nothing waits for a flush, its records are written as it adds them (sqlite-bulk.ts). While it
   * runs, the only lookup is whether a print name is taken: the records go into the overlay's maps
   * only when something else asks before the flush (settle), not one by one.
   */
  startBulkAdd(keys: readonly string[]): BulkAdd | undefined {
    if (keys.length < BIG_WRITE_ROWS || this.bulk || !this.startWriter || this.overlay.hasChanges() || this.sql.newerSchema !== undefined) return undefined;
    if (this.sql.count() !== 0 || this.sql.s.tombCount.get()?.n !== 0) return undefined;
    // Records this process read earlier: an import key among them is not new.
    if (this.overlay.size > 0 || this.overlay.tombstones.size > 0) for (const k of keys) if (this.hidden(k)) return undefined;
    // State entries (offsets) stay readable while the file is locked.
    for (const r of this.sql.s.states.all()) {
      if (!this.overlay.getState(r.name)) this.overlay.setState(r.name, { value: JSON.parse(r.value) as StateEntry['value'], updatedAt: r.updated_at }, false);
    }
    const bulk = this.startWriter();
    if (!bulk) return undefined;
    this.bulk = bulk;
    return bulk;
  }

  /**
   * Before any lookup but print names (or a change) while a bulk import waits, or when its worker
   * rolled back (the flush writes the records the old way): its records into the overlay.
   */
  settle(b = this.bulk): void {
    if (!b || b.settled) return;
    b.settled = true;
    b.names = new PrintNameSet();
    for (let i = 0; i < b.keys.length; i++) this.overlay.put(b.recs[i], { dirty: false, isNew: true, key: b.keys[i] });
  }

  /** The bulk import waiting for the flush, handed over to it (SqliteBackend.apply, close). */
  takeBulk(): BulkImport | undefined {
    const b = this.bulk;
    this.bulk = undefined;
    return b;
  }

  hasBulk(): boolean {
    return this.bulk !== undefined;
  }

  /** A change to the store while a bulk import waits: its rows are not the whole truth now. */
  private taint(): void {
    if (!this.bulk) return;
    this.settle();
    this.bulk.tainted = true;
  }

  /** After a flush wrote every change: forget what was read, so other processes' writes show. */
  reset(): void {
    if (!this.overlay.hasChanges()) this.overlay = new PeerRepository();
    this.absent = new Set();
    this.emptyUntil = 0;
  }

  /**
   * True when the file holds no peers. Checked at most every EMPTY_RECHECK_MS: a first import
   * into a new file (millions of lookups that all miss) asks the file once a second, not once a
   * lookup. Another process's first peers show within that time, as after a flush.
   */
  private fileEmpty(): boolean {
    if (this.bulk) return true;
    const now = Date.now();
    if (now < this.emptyUntil) return true;
    if (this.sql.count() !== 0) return false;
    this.emptyUntil = now + EMPTY_RECHECK_MS;
    return true;
  }

  private hidden(key: string): boolean {
    return this.overlay.has(key) || this.overlay.tombstones.has(key);
  }

  private fromRow(row: PeerRow): PeerRecord | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(row.data);
    } catch {
      return undefined;
    }
    const rec = checkRecord(parsed);
    if (typeof rec === 'string') return undefined;
    rec.printName = row.print_name;
    return rec;
  }

  get size(): number {
    this.settle();
    if (this.bulk) return this.overlay.size;
    let n = this.sql.count();
    const { peers } = this.overlay.pendingChanges();
    const empty = this.fileEmpty();
    for (const [key, ch] of peers) {
      const inFile = !empty && !this.absent.has(key) && this.sql.s.exists.get(key) !== undefined;
      if (typeof ch === 'number' && inFile) n--;
      else if (typeof ch !== 'number' && !inFile) n++;
    }
    return n;
  }

  get(key: string): PeerRecord | undefined {
    this.settle();
    const mine = this.overlay.get(key);
    if (mine || this.overlay.tombstones.has(key) || this.absent.has(key) || this.fileEmpty()) return mine;
    const row = this.sql.s.peer.get(key);
    if (!row) {
      this.absent.add(key);
      return undefined;
    }
    const rec = this.fromRow(row);
    if (rec) this.overlay.put(rec, { dirty: false, isNew: true });
    return rec;
  }

  byUsername(name: string): PeerRecord | undefined {
    this.settle();
    const mine = this.overlay.byUsername(name);
    if (mine || this.fileEmpty()) return mine;
    const hit = this.sql.s.keyByUsername.get(name.toLowerCase());
    if (!hit || this.hidden(hit.key)) return undefined;
    return this.get(hit.key);
  }

  byPrintName(name: string): PeerRecord | undefined {
    this.settle();
    const mine = this.overlay.byPrintName(name);
    if (mine || this.fileEmpty()) return mine;
    const hit = this.sql.keyOfPrintName(name);
    if (!hit || this.hidden(hit)) return undefined;
    return this.get(hit);
  }

  byBotApiChatId(chatId: number): PeerRecord | undefined {
    if (!Number.isSafeInteger(chatId) || chatId === 0) return undefined;
    const { type, id } = splitBotApiChatId(chatId);
    const rec = this.get(peerKey(type, id));
    return rec && (rec.botApiChatId ?? botApiChatIdOf(rec.kind, rec.id)) === chatId ? rec : undefined;
  }

  printNameIgnoringCase(name: string): string | undefined {
    this.settle();
    const mine = this.overlay.printNameIgnoringCase(name);
    if (mine || this.fileEmpty()) return mine;
    for (const row of this.sql.s.printNameByLower.all(name.toLowerCase())) if (!this.hidden(row.key)) return row.print_name;
    return undefined;
  }

  completePrintNames(prefixLower: string, limit: number): string[] {
    this.settle();
    const top = new TopK(limit);
    for (const n of this.overlay.completePrintNames(prefixLower, limit)) top.offer(n.toLowerCase(), n);
    if (this.bulk) return top.values();
    // Rows the overlay hides are skipped: ask for a few more than needed.
    for (const row of this.sql.s.completePrintNames.all(prefixLower, prefixLower + END, limit + Math.min(this.overlay.size, 1000))) {
      if (!this.hidden(row.key)) top.offer(row.pn_lower, row.print_name);
    }
    return top.values();
  }

  completeUsernames(prefixLower: string, limit: number): string[] {
    this.settle();
    const top = new TopK(limit);
    for (const n of this.overlay.completeUsernames(prefixLower, limit)) top.offer(n.slice(1).toLowerCase(), n);
    if (this.bulk) return top.values();
    for (const row of this.sql.s.completeUsernames.all(prefixLower, prefixLower + END, limit + Math.min(this.overlay.size, 1000))) {
      if (!this.hidden(row.key)) top.offer(row.name, '@' + row.display);
    }
    return top.values();
  }

  /** A scan of the file (records held by the overlay come from it instead). */
  *values(): IterableIterator<PeerRecord> {
    this.settle();
    if (this.bulk) {
      yield* [...this.overlay.values()];
      return;
    }
    for (const row of this.sql.s.all.iterate()) {
      if (this.hidden(row.key)) continue;
      const rec = this.fromRow(row);
      if (rec) yield rec;
    }
    yield* [...this.overlay.values()];
  }

  isPrintNameTaken(name: string, exceptKey?: string): boolean {
    const b = this.bulk;
    // The bulk's records are not the record asking (every key is new to the store).
    if (b && !b.settled && b.names.has(name)) return true;
    if (this.overlay.isPrintNameTaken(name, exceptKey)) return true;
    if (this.fileEmpty()) return false;
    const hit = this.sql.keyOfPrintName(name);
    return hit !== undefined && hit !== exceptKey && !this.hidden(hit);
  }

  freePrintName(rec: PeerRecord, key = keyOf(rec), alsoTaken?: string): string {
    // An import into the empty file whose names are all its own: one lookup (PrintNameSet).
    const b = this.bulk;
    if (b && !b.settled && alsoTaken === undefined && this.overlay.size === 0) return b.names.firstFree(printNameBaseOf({ cls: peerClassOf(rec.kind), id: rec.id, firstName: rec.firstName, lastName: rec.lastName, title: rec.title }));
    return firstFreePrintName(rec, (n) => n === alsoTaken || this.isPrintNameTaken(n, key), this.suffixHint);
  }

  /** Keys of records in the file (not in the overlay) whose claim on one of these usernames is indexed. */
  private fileRivals(key: string, rec: PeerRecord, found: string[]): string[] {
    let out = found;
    if (rec.usernames.length === 0 || this.fileEmpty()) return out;
    for (const u of rec.usernames) {
      const hit = this.sql.s.keyByUsername.get(u.toLowerCase());
      if (!hit || hit.key === key || this.hidden(hit.key)) continue;
      if (out === NO_KEYS) out = [];
      else if (out === found) out = [...found];
      out.push(hit.key);
    }
    return out;
  }

  put(rec: PeerRecord, opts: { isNew?: boolean } = {}): string[] {
    this.taint();
    const key = keyOf(rec);
    // A record new to this process may still be in the file (an import of a peer not yet read).
    if (!this.overlay.has(key)) this.get(key);
    this.absent.delete(key);
    return this.fileRivals(key, rec, this.overlay.put(rec, { isNew: opts.isNew && !this.overlay.has(key) }));
  }

  reindex(rec: PeerRecord, before: IndexedNames, dirty = true): string[] {
    this.taint();
    return this.fileRivals(keyOf(rec), rec, this.overlay.reindex(rec, before, dirty));
  }

  touched(rec: PeerRecord): void {
    this.taint();
    this.overlay.touched(rec);
  }

  remove(key: string, at: number): PeerRecord | undefined {
    this.taint();
    const old = this.get(key);
    this.absent.delete(key);
    this.overlay.remove(key, at);
    return old;
  }

  getState(name: string): StateEntry | undefined {
    const mine = this.overlay.getState(name);
    if (mine || this.bulk) return mine;
    const row = this.sql.s.state.get(name);
    if (!row) return undefined;
    const entry: StateEntry = { value: JSON.parse(row.value) as StateEntry['value'], updatedAt: row.updated_at };
    this.overlay.setState(name, entry, false);
    return entry;
  }

  setState(name: string, entry: StateEntry, dirty = true): void {
    this.overlay.setState(name, entry, dirty);
  }

  hasChanges(): boolean {
    return this.overlay.hasChanges();
  }

  takeChanges(): Changes {
    return this.overlay.takeChanges();
  }

  restoreChanges(c: Changes): void {
    this.overlay.restoreChanges(c);
  }
}
