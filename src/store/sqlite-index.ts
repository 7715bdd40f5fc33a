// The PeerIndex of the sqlite backend: every lookup is an indexed query, and an overlay (a
// PeerRepository) holds the records this process has read or changed since its last flush. The
// overlay is the truth for the keys it holds (their changes are not in the file yet); for other
// keys the file answers. A username or print name the file gives a key the overlay holds is only
// believed when the overlay's record still carries it. After each flush the overlay starts empty,
// so the next reads see what other processes wrote.

import { firstFreePrintName } from './records.js';
import { splitBotApiChatId } from '../peers/ref.js';
import { botApiChatIdOf, type PeerRecord } from '../peers/types.js';
import type { Changes, IndexedNames, PeerIndex } from './backend.js';
import { PeerRepository } from './repository.js';
import { checkRecord, keyOf, peerKey, type StateEntry } from './schema.js';
import type { PeerRow, SqliteDb } from './sqlite-db.js';
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

  constructor(private readonly sql: SqliteDb) {}

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
    const mine = this.overlay.byUsername(name);
    if (mine || this.fileEmpty()) return mine;
    const hit = this.sql.s.keyByUsername.get(name.toLowerCase());
    if (!hit || this.hidden(hit.key)) return undefined;
    return this.get(hit.key);
  }

  byPrintName(name: string): PeerRecord | undefined {
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
    const mine = this.overlay.printNameIgnoringCase(name);
    if (mine || this.fileEmpty()) return mine;
    for (const row of this.sql.s.printNameByLower.all(name.toLowerCase())) if (!this.hidden(row.key)) return row.print_name;
    return undefined;
  }

  completePrintNames(prefixLower: string, limit: number): string[] {
    const top = new TopK(limit);
    for (const n of this.overlay.completePrintNames(prefixLower, limit)) top.offer(n.toLowerCase(), n);
    // Rows the overlay hides are skipped: ask for a few more than needed.
    for (const row of this.sql.s.completePrintNames.all(prefixLower, prefixLower + END, limit + Math.min(this.overlay.size, 1000))) {
      if (!this.hidden(row.key)) top.offer(row.pn_lower, row.print_name);
    }
    return top.values();
  }

  completeUsernames(prefixLower: string, limit: number): string[] {
    const top = new TopK(limit);
    for (const n of this.overlay.completeUsernames(prefixLower, limit)) top.offer(n.slice(1).toLowerCase(), n);
    for (const row of this.sql.s.completeUsernames.all(prefixLower, prefixLower + END, limit + Math.min(this.overlay.size, 1000))) {
      if (!this.hidden(row.key)) top.offer(row.name, '@' + row.display);
    }
    return top.values();
  }

  /** A scan of the file (records held by the overlay come from it instead). */
  *values(): IterableIterator<PeerRecord> {
    for (const row of this.sql.s.all.iterate()) {
      if (this.hidden(row.key)) continue;
      const rec = this.fromRow(row);
      if (rec) yield rec;
    }
    yield* [...this.overlay.values()];
  }

  isPrintNameTaken(name: string, exceptKey?: string): boolean {
    if (this.overlay.isPrintNameTaken(name, exceptKey)) return true;
    if (this.fileEmpty()) return false;
    const hit = this.sql.keyOfPrintName(name);
    return hit !== undefined && hit !== exceptKey && !this.hidden(hit);
  }

  freePrintName(rec: PeerRecord, key = keyOf(rec), alsoTaken?: string): string {
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
    const key = keyOf(rec);
    // A record new to this process may still be in the file (an import of a peer not yet read).
    if (!this.overlay.has(key)) this.get(key);
    this.absent.delete(key);
    return this.fileRivals(key, rec, this.overlay.put(rec, { isNew: opts.isNew && !this.overlay.has(key) }));
  }

  reindex(rec: PeerRecord, before: IndexedNames, dirty = true): string[] {
    return this.fileRivals(keyOf(rec), rec, this.overlay.reindex(rec, before, dirty));
  }

  touched(rec: PeerRecord): void {
    this.overlay.touched(rec);
  }

  remove(key: string, at: number): PeerRecord | undefined {
    const old = this.get(key);
    this.absent.delete(key);
    this.overlay.remove(key, at);
    return old;
  }

  getState(name: string): StateEntry | undefined {
    const mine = this.overlay.getState(name);
    if (mine) return mine;
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
