// The seam between the peer store service (peer-store.ts: the rules) and where peers are kept
// (a backend: driver + repository). Layers, as in mtcute's storage:
//   driver     - the file, database or server (conf-driver.ts, better-sqlite3, pg);
//   repository - a `PeerIndex`: the synchronous lookups and the pending changes of this process;
//   service    - PeerStore: upsert/merge rules, the per-bot ledger, TTLs, purge, export/import.
// A backend opens (load, migrate, recover), answers lookups through its index, applies the
// changes the service collected (under its own lock or transaction, merging what other processes
// wrote), and can be destroyed. Two shapes fit the same interface:
//   - resident (conf, memory, postgres' cache): open loads every record into a PeerRepository;
//   - indexed (sqlite): open costs O(1); the index answers each lookup with an indexed query and
//     keeps in memory only the records this process touched until the next apply.

import type { PeerRecord } from '../peers/types.js';
import type { StateEntry } from './schema.js';

export type StoreKind = 'conf' | 'memory' | 'sqlite' | 'postgres';

/** The record to write, or the time it was deleted (a tombstone). */
export type Change = PeerRecord | number;

/** What a flush hands to the backend: changed records and tombstones by `class:id`, and state entries. */
export interface Changes {
  peers: Map<string, Change>;
  state: Map<string, StateEntry>;
}

/** The print name and usernames a record had before it was changed in place (index entries to drop). */
export interface IndexedNames {
  printName: string;
  usernames: readonly string[];
}

/**
 * The synchronous reads and the change set the service works on. Records are returned as live
 * objects: the service changes them in place and then calls `reindex` / `touched` so the index
 * (and the next flush) knows. Keys are `<class>:<id>` (schema.ts peerKey).
 */
export interface PeerIndex {
  readonly size: number;
  get(key: string): PeerRecord | undefined;
  /** Username without `@`, any case. */
  byUsername(name: string): PeerRecord | undefined;
  /** Exact print name. */
  byPrintName(name: string): PeerRecord | undefined;
  byBotApiChatId(chatId: number): PeerRecord | undefined;
  /** A print name equal to `name` ignoring case, if one exists. */
  printNameIgnoringCase(name: string): string | undefined;
  /** Print names starting with `prefixLower` (lower-cased compare), sorted, at most `limit`. */
  completePrintNames(prefixLower: string, limit: number): string[];
  /** `@usernames` whose lower-cased form starts with `prefixLower`, sorted, at most `limit`. */
  completeUsernames(prefixLower: string, limit: number): string[];
  /** Every record (a scan: for lists, purge and export). */
  values(): Iterable<PeerRecord>;
  isPrintNameTaken(name: string, exceptKey?: string): boolean;
  /** A free print name for this record (its names' base, then `#1`, `#2`...). */
  freePrintName(rec: PeerRecord, key?: string, alsoTaken?: string): string;
  /** Stores a new or replaced record; returns the keys of other records claiming one of its usernames. */
  put(rec: PeerRecord, opts?: { isNew?: boolean }): string[];
  /** Re-indexes a record changed in place; returns the keys of rival username holders. */
  reindex(rec: PeerRecord, before: IndexedNames, dirty?: boolean): string[];
  /** Marks a record changed in place (no index change). */
  touched(rec: PeerRecord): void;
  /** Removes a record, leaving a tombstone at `at`. */
  remove(key: string, at: number): PeerRecord | undefined;
  getState(name: string): StateEntry | undefined;
  setState(name: string, entry: StateEntry, dirty?: boolean): void;
  hasChanges(): boolean;
  /** Hands the pending changes to a flush; new changes collect in a fresh set. */
  takeChanges(): Changes;
  /** Gives back the changes of a failed flush (newer changes to the same key win). */
  restoreChanges(c: Changes): void;
  /**
   * Optional: an import of records with these keys (all checked, each key once) asks for a faster
   * way to store them (sqlite: an empty file written while the import runs). When one is given,
   * none of the keys is in the store: every record is new (no `get` needed). Undefined when there
   * is none; the import then goes record by record through get and put.
   */
  startBulkAdd?(keys: readonly string[]): BulkAdd | undefined;
}

/** Where an import puts the records it adds (PeerIndex.startBulkAdd); other changes go through put, reindex... as usual. */
export interface BulkAdd {
  /** Stores a record new to the store under `key`, as `put` would; it is final (not changed after). */
  add(key: string, rec: PeerRecord): void;
}

export type Notice = (text: string) => void;

/** What a poller says about itself when it takes the lock: `sync`, `shell`, `daemon`... */
export interface PollerClaim {
  mode: string;
}

/** The process that polls a bot's updates, as it recorded itself when taking the lock. */
export interface PollerHolder {
  pid: number;
  host: string;
  /** Absent when the holder recorded nothing (only its lock's owner note is known). */
  mode?: string;
  /** When it took the lock (unix ms, its clock); absent as mode. */
  since?: number;
}

export interface PeerBackend {
  readonly kind: StoreKind;
  /** Where the peers are, safe to print (a URL never carries its password). */
  readonly location: string;
  /** Loads, migrates or recovers what must be there before the first lookup; returns the index. */
  open(notice: Notice): Promise<PeerIndex>;
  /** True when the backend wants a write even without changes (a migrated or repaired file). */
  wantsWrite(): boolean;
  /**
   * Writes `changes` (taken from the index) atomically, under the backend's lock or in one
   * transaction, merging record by record with what other processes wrote (newer `updatedAt`
   * wins; tombstones; print names stay unique), and brings their changes into the index. Throws
   * on failure: the caller gives the changes back to the index.
   */
  apply(changes: Changes, now: number): Promise<void>;
  /**
   * Exactly one process at a time polls a bot's updates: true when this process now holds the
   * poller lock of `botId` (until releasePoller or exit). `claim` says who this process is, for
   * pollerHolder in the others.
   */
  tryAcquirePoller(botId: number, claim?: PollerClaim): Promise<boolean>;
  releasePoller(botId: number): Promise<void>;
  /**
   * Whether this process holds the poller lock of `botId` as far as it knows (false again once
   * the lock was lost: postgres' connection dropped, which frees its advisory lock).
   */
  holdsPoller(botId: number): boolean;
  /**
   * Who holds the poller lock of `botId` now, as its holder recorded it; undefined when nobody
   * does, or when what is recorded is not a live holder's (a process that died leaves no holder).
   */
  pollerHolder(botId: number): Promise<PollerHolder | undefined>;
  /** A state entry as the storage holds it now (another process may have moved it since open). */
  readState(name: string): Promise<StateEntry | undefined>;
  /** Tombstones of forgotten peers (key -> deletedAt), for copying a store to another backend. */
  tombstones(): Iterable<[string, number]>;
  /** Every state entry (update offsets...), for copying a store. */
  stateEntries(): Iterable<[string, StateEntry]>;
  /** Closes files and connections (after the last apply). */
  close(): Promise<void>;
  /** Removes every stored peer, tombstone and state entry, and the storage itself where it can. */
  destroy(): Promise<void>;
}
