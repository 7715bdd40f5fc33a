// The repository: every peer record in memory, with the indexes lookups use (by `class:id`, by
// lowercased username, by print name; by Bot API chat id through `class:id`), the tombstones of forgotten peers, and
// the set of changes not yet written. No I/O: the service (peer-store.ts) loads it from a
// document and flushes its changes through the driver.

import { firstFreePrintName } from './records.js';
import { isPlaceholderPrintName } from '../peers/print-name.js';
import { botApiChatIdOf, peerClassOf, type PeerRecord } from '../peers/types.js';
import { splitBotApiChatId } from '../peers/ref.js';
import { checkRecord, keyOf, peerKey, type PeerDoc, type StateEntry, PEERS_FORMAT, CURRENT_SCHEMA } from './schema.js';
import type { Changes, PeerIndex } from './backend.js';
import { TopK } from './top-k.js';

export type { Change, Changes } from './backend.js';

const NO_KEYS: string[] = [];

/** The in-memory PeerIndex: what resident backends (conf, memory) load everything into. */
export class PeerRepository implements PeerIndex {
  private readonly records = new Map<string, PeerRecord>();
  private readonly usernameIndex = new Map<string, string>();
  private readonly printNameIndex = new Map<string, string>();
  /** Per print-name base, the lowest `#k` suffix that may be free (see freePrintName). */
  private readonly suffixHint = new Map<string, number>();
  readonly tombstones = new Map<string, number>();
  readonly state = new Map<string, StateEntry>();
  /** Entries of the file this version could not read; written back untouched. */
  foreign: unknown[] = [];
  /** conf's own key, kept as found. */
  internal: unknown = {};
  private changes: Changes = { peers: new Map(), state: new Map() };

  // ---- reading

  get size(): number {
    return this.records.size;
  }

  get(key: string): PeerRecord | undefined {
    return this.records.get(key);
  }

  values(): IterableIterator<PeerRecord> {
    return this.records.values();
  }

  keys(): IterableIterator<string> {
    return this.records.keys();
  }

  byUsername(name: string): PeerRecord | undefined {
    const key = this.usernameIndex.get(name.toLowerCase());
    return key === undefined ? undefined : this.records.get(key);
  }

  byPrintName(name: string): PeerRecord | undefined {
    const key = this.printNameIndex.get(name);
    return key === undefined ? undefined : this.records.get(key);
  }

  /**
   * By Bot API chat id. The id maps one to one onto `class:id` (user id, -chat id, -100... for
   * channels), so the record index is this index too: no map of its own is needed.
   */
  byBotApiChatId(chatId: number): PeerRecord | undefined {
    if (!Number.isSafeInteger(chatId) || chatId === 0) return undefined;
    const { type, id } = splitBotApiChatId(chatId);
    const rec = this.records.get(peerKey(type, id));
    return rec && (rec.botApiChatId ?? botApiChatIdOf(rec.kind, rec.id)) === chatId ? rec : undefined;
  }

  /** Every indexed username (lowercased) and print name, for completion. */
  usernameKeys(): IterableIterator<[string, string]> {
    return this.usernameIndex.entries();
  }
  printNames(): IterableIterator<string> {
    return this.printNameIndex.keys();
  }

  printNameIgnoringCase(name: string): string | undefined {
    const l = name.toLowerCase();
    for (const n of this.printNameIndex.keys()) if (n.toLowerCase() === l) return n;
    return undefined;
  }

  /** One pass over the index (a few ms at 100k peers), keeping only the first `limit` in order. */
  completePrintNames(prefixLower: string, limit: number): string[] {
    const names = new TopK(limit);
    for (const n of this.printNameIndex.keys()) {
      const l = n.toLowerCase();
      if (l.startsWith(prefixLower)) names.offer(l, n);
    }
    return names.values();
  }

  completeUsernames(prefixLower: string, limit: number): string[] {
    const users = new TopK(limit);
    for (const [l, key] of this.usernameIndex) {
      if (!l.startsWith(prefixLower) || !users.wouldTake(l)) continue;
      const rec = this.records.get(key);
      users.offer(l, '@' + (rec?.usernames.find((u) => u.toLowerCase() === l) ?? l));
    }
    return users.values();
  }

  getState(name: string): StateEntry | undefined {
    return this.state.get(name);
  }

  /** True when the record is held here (loaded or changed). */
  has(key: string): boolean {
    return this.records.has(key);
  }

  isPrintNameTaken(name: string, exceptKey?: string): boolean {
    const holder = this.printNameIndex.get(name);
    return holder !== undefined && holder !== exceptKey;
  }

  /** A free print name for this record (its names' base, `#1`, `#2`, ... when taken). */
  freePrintName(rec: PeerRecord, key = keyOf(rec), alsoTaken?: string): string {
    return firstFreePrintName(rec, (n) => n === alsoTaken || this.isPrintNameTaken(n, key), this.suffixHint);
  }

  // ---- loading

  /** Replaces everything with a document's content. Returns how many records could not be read. */
  load(doc: PeerDoc): { skipped: number; repaired: number } {
    this.records.clear();
    this.usernameIndex.clear();
    this.printNameIndex.clear();
    this.suffixHint.clear();
    this.tombstones.clear();
    this.state.clear();
    this.foreign = [];
    this.internal = doc.__internal__ ?? {};
    this.changes = { peers: new Map(), state: new Map() };
    let skipped = 0;
    let repaired = 0;
    // The hot loop of a start: one Map insert per index per record. A clash (the same peer, print
    // name or username twice) shows as a Map whose size did not grow, and is sorted out after.
    const records = this.records;
    const names = this.printNameIndex;
    const usernames = this.usernameIndex;
    let clashes: Array<{ kind: 'record' | 'name'; rec: PeerRecord; key: string }> | undefined;
    let usernameClashes: Set<string> | undefined;
    const peers = doc.peers;
    for (let i = 0; i < peers.length; i++) {
      const entry = peers[i];
      const rec = checkRecord(entry);
      if (typeof rec === 'string') {
        this.foreign.push(entry);
        skipped++;
        continue;
      }
      const key = keyOf(rec);
      let size = records.size;
      records.set(key, rec);
      if (records.size === size) {
        (clashes ??= []).push({ kind: 'record', rec, key });
        continue;
      }
      size = names.size;
      names.set(rec.printName, key);
      if (names.size === size) (clashes ??= []).push({ kind: 'name', rec, key });
      for (const u of rec.usernames) {
        const l = u.toLowerCase();
        size = usernames.size;
        usernames.set(l, key);
        if (usernames.size === size) (usernameClashes ??= new Set()).add(l);
      }
    }
    if (clashes) repaired += this.repairClashes(peers, clashes);
    if (usernameClashes) this.repairUsernameClashes(usernameClashes);
    for (const key in doc.tombstones) {
      const at = doc.tombstones[key];
      if (typeof at === 'number') this.tombstones.set(key, at);
    }
    for (const key in doc.state) {
      const e = doc.state[key];
      if (e && typeof e === 'object' && typeof e.updatedAt === 'number') this.state.set(key, e);
    }
    return { skipped, repaired };
  }

  /**
   * Clashes found by load (only in a hand-edited or damaged file): the same peer twice (the newer
   * record counts) and one print name twice (the later record gets a free name).
   */
  private repairClashes(peers: readonly unknown[], clashes: Array<{ kind: 'record' | 'name'; rec: PeerRecord; key: string }>): number {
    let repaired = 0;
    // Rebuild the print-name index from the records that stayed, then name the rest.
    for (const c of clashes) {
      if (c.kind !== 'record') continue;
      // `c.rec` replaced an earlier record with the same key: keep the newer of all of them.
      let best: PeerRecord = c.rec;
      for (const e of peers) {
        if (e === c.rec || typeof e !== 'object' || e === null) continue;
        const r = e as PeerRecord;
        if (r.id === c.rec.id && keyOf(r) === c.key && (r.updatedAt ?? 0) > (best.updatedAt ?? 0) && typeof checkRecord(r) !== 'string') best = r;
      }
      this.records.set(c.key, best);
      repaired++;
    }
    this.printNameIndex.clear();
    this.usernameIndex.clear();
    this.suffixHint.clear();
    const renameLater: Array<[string, PeerRecord]> = [];
    for (const [key, rec] of this.records) {
      if (this.printNameIndex.has(rec.printName)) renameLater.push([key, rec]);
      else this.printNameIndex.set(rec.printName, key);
    }
    for (const [key, rec] of renameLater) {
      rec.printName = this.freePrintName(rec, key);
      this.printNameIndex.set(rec.printName, key);
      this.markPut(key, rec);
      repaired++;
    }
    for (const [key, rec] of this.records) this.index(key, rec);
    return repaired;
  }

  /** Usernames claimed by two records (one is out of date): the fresher claim is indexed. */
  private repairUsernameClashes(names: Set<string>): void {
    for (const [key, rec] of this.records) {
      for (const u of rec.usernames) {
        const l = u.toLowerCase();
        if (!names.has(l)) continue;
        const holder = this.records.get(this.usernameIndex.get(l)!);
        if (!holder || (rec.usernamesCheckedAt ?? 0) > (holder.usernamesCheckedAt ?? 0)) this.usernameIndex.set(l, key);
      }
    }
  }

  // ---- changing

  /**
   * Puts a record (new or changed) under its key and re-indexes it. `dirty: false` is for records
   * that come from the file (they need no writing) or are written another way (sqlite-bulk.ts);
   * `key`, when the caller has it already, is keyOf(rec).
   */
  put(rec: PeerRecord, opts: { dirty?: boolean; previous?: PeerRecord; isNew?: boolean; key?: string } = {}): string[] {
    const key = opts.key ?? keyOf(rec);
    const old = opts.isNew ? undefined : this.records.get(key);
    if (old) this.unindex(key, old, opts.previous);
    this.records.set(key, rec);
    const conflict = this.index(key, rec);
    if (this.tombstones.size > 0) this.tombstones.delete(key);
    if (opts.dirty !== false) this.markPut(key, rec);
    return conflict;
  }

  /**
   * Re-indexes a record changed in place. `before` holds the print name and usernames it had (the
   * index entries to drop).
   */
  reindex(rec: PeerRecord, before: { printName: string; usernames: readonly string[] }, dirty = true): string[] {
    const key = keyOf(rec);
    if (this.printNameIndex.get(before.printName) === key) this.releaseName(before.printName);
    for (const u of before.usernames) {
      const l = u.toLowerCase();
      if (this.usernameIndex.get(l) === key) this.usernameIndex.delete(l);
    }
    const conflict = this.index(key, rec);
    if (dirty) this.markPut(key, rec);
    return conflict;
  }

  /** Marks a record changed in place (no index changes). */
  touched(rec: PeerRecord): void {
    this.markPut(keyOf(rec), rec);
  }

  /** Removes a record and leaves a tombstone (written unless `dirty: false`). */
  remove(key: string, at: number, opts: { dirty?: boolean } = {}): PeerRecord | undefined {
    const old = this.records.get(key);
    if (old) {
      this.unindex(key, old);
      this.records.delete(key);
    }
    this.tombstones.set(key, Math.max(this.tombstones.get(key) ?? 0, at));
    if (opts.dirty !== false) this.changes.peers.set(key, at);
    return old;
  }

  /** Drops a record from memory only (it is gone from the file): no tombstone, nothing to write. */
  evict(key: string): void {
    const old = this.records.get(key);
    if (!old) return;
    this.unindex(key, old);
    this.records.delete(key);
  }

  setState(name: string, entry: StateEntry, dirty = true): void {
    this.state.set(name, entry);
    if (dirty) this.changes.state.set(name, entry);
  }

  // ---- changes

  hasChanges(): boolean {
    return this.changes.peers.size > 0 || this.changes.state.size > 0;
  }

  /** The pending changes, to read (not to take). */
  pendingChanges(): Readonly<Changes> {
    return this.changes;
  }

  isDirty(key: string): boolean {
    return this.changes.peers.has(key);
  }

  /** Hands the pending changes to a flush; new changes collect in a fresh set. */
  takeChanges(): Changes {
    const c = this.changes;
    this.changes = { peers: new Map(), state: new Map() };
    return c;
  }

  /** Gives back changes a failed flush could not write (newer changes to the same key win). */
  restoreChanges(c: Changes): void {
    for (const [k, v] of c.peers) if (!this.changes.peers.has(k)) this.changes.peers.set(k, v);
    for (const [k, v] of c.state) if (!this.changes.state.has(k)) this.changes.state.set(k, v);
  }

  /** The whole memory as a document (for a flush when nobody else wrote since the last read). */
  toDoc(): PeerDoc {
    const peers: unknown[] = [...this.records.values()];
    for (const f of this.foreign) peers.push(f);
    return {
      format: PEERS_FORMAT,
      schema: CURRENT_SCHEMA,
      peers,
      tombstones: Object.fromEntries(this.tombstones),
      state: Object.fromEntries(this.state),
      __internal__: this.internal,
    };
  }

  // ---- indexes

  private releaseName(name: string): void {
    this.printNameIndex.delete(name);
    const hash = name.lastIndexOf('#');
    if (hash <= 0) return;
    const base = name.slice(0, hash);
    const k = suffixOf(name);
    const hint = this.suffixHint.get(base);
    if (hint !== undefined && k < hint) this.suffixHint.set(base, k);
  }

  private markPut(key: string, rec: PeerRecord): void {
    this.changes.peers.set(key, rec);
  }

  /** Adds a record's index entries; returns the keys of other records that claim one of its usernames. */
  private index(key: string, rec: PeerRecord): string[] {
    this.printNameIndex.set(rec.printName, key);
    let conflict: string[] = NO_KEYS;
    for (const u of rec.usernames) {
      const l = u.toLowerCase();
      const holder = this.usernameIndex.get(l);
      if (holder !== undefined && holder !== key) {
        if (conflict === NO_KEYS) conflict = [];
        conflict.push(holder);
        // Two records claim one username (one of them is out of date): the fresher claim wins.
        const other = this.records.get(holder);
        if (other && (other.usernamesCheckedAt ?? 0) > (rec.usernamesCheckedAt ?? 0)) continue;
      }
      this.usernameIndex.set(l, key);
    }
    return conflict;
  }

  private unindex(key: string, rec: PeerRecord, previous?: PeerRecord): void {
    const r = previous ?? rec;
    if (this.printNameIndex.get(r.printName) === key) this.releaseName(r.printName);
    for (const u of r.usernames) {
      const l = u.toLowerCase();
      if (this.usernameIndex.get(l) === key) this.usernameIndex.delete(l);
    }
  }
}

/** The `#k` of a suffixed print name (0 for none). */
function suffixOf(name: string): number {
  const m = /#(\d+)$/.exec(name);
  return m ? Number(m[1]) : 0;
}

/** True when the record's print name is still the no-name placeholder (`user#N`). */
export function hasPlaceholderName(rec: PeerRecord): boolean {
  return isPlaceholderPrintName(rec.printName, peerClassOf(rec.kind), rec.id);
}
