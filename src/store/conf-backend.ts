// The default backend: every peer in one conf JSON file (peers.json, schema.ts), loaded into a
// PeerRepository at open. A flush takes the cross-process lock (lock.ts), re-reads the file
// unless nobody wrote since this process last did, merges record by record (merge.ts), writes
// atomically and takes the other processes' changes into memory (syncFrom). A file that cannot be
// read is moved aside; a file of a newer schema is read but never written.

import { dirname } from 'node:path';
import type { PeerRecord } from '../peers/types.js';
import { TgshError, ErrorCode } from '../core/errors.js';
import type { Changes, Notice, PeerBackend, PeerIndex, PollerClaim, PollerHolder } from './backend.js';
import { ConfDriver, CorruptFileError, ensurePrivateDir } from './conf-driver.js';
import type { LockOptions } from './lock.js';
import { PollerLocks } from './poller-lock.js';
import { PeerRepository } from './repository.js';
import { checkRecord, CURRENT_SCHEMA, emptyDoc, keyOf, keyOfEntry, migrate, SchemaError, type PeerDoc, type StateEntry } from './schema.js';

export interface ConfBackendOptions {
  file: string;
  lock?: LockOptions;
}

export class ConfBackend implements PeerBackend {
  readonly kind = 'conf' as const;
  readonly file: string;
  private readonly repo = new PeerRepository();
  private readonly driver: ConfDriver;
  private readonly lockOptions: LockOptions;
  private notice: Notice = () => {};
  private lastFingerprint: string | undefined;
  /** Set when the file must be written even without changes (after a migration). */
  private rewrite = false;
  /** Why this store may not write (a file of a newer schema). */
  private readOnly: string | undefined;
  private readonly pollers: PollerLocks;

  constructor(opts: ConfBackendOptions) {
    this.file = opts.file;
    this.lockOptions = opts.lock ?? {};
    this.driver = new ConfDriver(opts.file, { serialize: (doc) => JSON.stringify(doc), withInternalKey: true });
    this.pollers = new PollerLocks(opts.file, opts.lock);
  }

  get location(): string {
    return this.file;
  }

  /** The in-memory repository (every record). */
  get repository(): PeerRepository {
    return this.repo;
  }

  /** Reads the file into memory (once, at open). */
  async open(notice: Notice): Promise<PeerIndex> {
    this.notice = notice;
    ensurePrivateDir(dirname(this.file));
    let doc: PeerDoc;
    try {
      doc = this.readDoc();
    } catch (e) {
      if (!(e instanceof CorruptFileError)) throw e;
      const { acquireLock } = await import('./lock.js');
      const release = await acquireLock(this.file, this.lockOptions);
      try {
        try {
          doc = this.readDoc();
        } catch (e2) {
          if (!(e2 instanceof CorruptFileError)) throw e2;
          doc = this.moveAside(e2);
        }
      } finally {
        await release();
      }
    }
    const { skipped, repaired } = this.repo.load(doc);
    if (skipped > 0) this.notice(`tgsh: ${skipped} peer record(s) in ${this.file} could not be read; they are kept in the file as they are`);
    if (repaired > 0) this.rewrite = true;
    return this.repo;
  }

  wantsWrite(): boolean {
    return this.rewrite;
  }

  /** Reads and migrates the file; a missing file is an empty store. Throws CorruptFileError. */
  private readDoc(): PeerDoc {
    const { doc, fingerprint } = this.driver.read();
    this.lastFingerprint = fingerprint;
    if (doc === undefined) return emptyDoc();
    let m: ReturnType<typeof migrate>;
    try {
      m = migrate(doc);
    } catch (e) {
      if (e instanceof SchemaError) throw new CorruptFileError(this.file, e.message);
      throw e;
    }
    if (m.migratedFrom !== undefined) this.rewrite = true;
    if (m.newer && !this.readOnly) {
      this.readOnly = `${this.file} was written by a newer tgsh (schema ${m.doc.schema}; this one knows ${CURRENT_SCHEMA})`;
      this.notice(`tgsh: ${this.readOnly}; it is read, but changes will not be saved`);
    }
    return m.doc;
  }

  private moveAside(e: CorruptFileError): PeerDoc {
    const aside = this.driver.moveAside();
    this.notice(`tgsh: the peer store ${this.file} could not be read (${e.reason}); it was moved to ${aside} and tgsh starts with an empty store`);
    this.lastFingerprint = undefined;
    return emptyDoc();
  }

  async apply(changes: Changes, now: number): Promise<void> {
    if (this.readOnly) throw new TgshError(ErrorCode.INTERNAL, this.readOnly, { hint: 'update tgsh to change this store' });
    const rewrite = this.rewrite;
    this.rewrite = false;
    let release: (() => Promise<void>) | undefined;
    try {
      // Loaded here: only writing takes the lock and merges (a read-only run loads neither).
      const [{ acquireLock, removeDeadNotes }, { expireTombstones, mergeChanges }] = await Promise.all([import('./lock.js'), import('./merge.js')]);
      release = await acquireLock(this.file, this.lockOptions);
      let doc: PeerDoc;
      let fromFile = false;
      const fp = this.driver.fingerprint();
      if (fp === this.lastFingerprint) doc = this.repo.toDoc();
      else {
        fromFile = true;
        try {
          doc = this.readDoc();
        } catch (e) {
          if (!(e instanceof CorruptFileError)) throw e;
          // Memory holds the last good state plus this process's changes: write that.
          this.moveAside(e);
          doc = this.repo.toDoc();
          fromFile = false;
        }
        if (this.readOnly) throw new TgshError(ErrorCode.INTERNAL, this.readOnly, { hint: 'update tgsh to change this store' });
      }
      this.driver.removeStaleTemps();
      removeDeadNotes(this.file);
      let renamed = new Map<string, string>();
      if (fromFile) renamed = mergeChanges(doc, changes, now).renamed;
      else {
        // Built from this very memory: every change is in it already.
        expireTombstones(doc, now);
        for (const key of this.repo.tombstones.keys()) if (!(key in doc.tombstones)) this.repo.tombstones.delete(key);
      }
      this.lastFingerprint = await this.driver.write(doc as unknown as Record<string, unknown>);
      this.rewrite = false;
      for (const [key, name] of renamed) {
        const rec = this.repo.get(key);
        if (rec && rec.printName !== name) {
          const before = { printName: rec.printName, usernames: rec.usernames };
          rec.printName = name;
          this.repo.reindex(rec, before, false);
        }
      }
      if (fromFile) this.syncFrom(doc);
    } catch (e) {
      if (rewrite) this.rewrite = true;
      throw e;
    } finally {
      await release?.();
    }
  }

  /** Takes what other processes wrote into memory (records not changed here since the flush began). */
  private syncFrom(doc: PeerDoc): void {
    const repo = this.repo;
    const inFile = new Map<string, unknown>();
    const foreign: unknown[] = [];
    for (const entry of doc.peers) {
      const key = keyOfEntry(entry);
      if (key === undefined) foreign.push(entry);
      else inFile.set(key, entry);
    }
    // First what is gone from the file (forgotten elsewhere), so its print names are free.
    const gone: string[] = [];
    for (const key of repo.keys()) if (!inFile.has(key) && !repo.isDirty(key)) gone.push(key);
    for (const key of gone) repo.evict(key);
    for (const [key, v] of inFile) {
      if (repo.isDirty(key)) continue;
      const mine = repo.get(key);
      if (mine === v) continue;
      if (mine && (v as PeerRecord).updatedAt === mine.updatedAt && (v as PeerRecord).printName === mine.printName) continue;
      const rec = checkRecord(v);
      if (typeof rec === 'string') {
        foreign.push(v);
        continue;
      }
      const holder = repo.byPrintName(rec.printName);
      if (holder && holder !== mine && repo.isDirty(keyOf(holder))) {
        // A peer new in this process got, in memory only, a name the file gives another: it yields.
        const before = { printName: holder.printName, usernames: holder.usernames };
        holder.printName = repo.freePrintName(holder, keyOf(holder), rec.printName);
        repo.reindex(holder, before);
      }
      repo.put(rec, { dirty: false, previous: mine });
    }
    repo.tombstones.clear();
    for (const key in doc.tombstones) {
      const at = doc.tombstones[key];
      if (typeof at === 'number' && !repo.isDirty(key)) repo.tombstones.set(key, at);
    }
    for (const name in doc.state) {
      const e = doc.state[name];
      if (e && typeof e.updatedAt === 'number') repo.setState(name, e, false);
    }
    repo.foreign = foreign;
    repo.internal = doc.__internal__ ?? {};
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

  /** The entry in the file now (read without the lock: the file is only ever replaced whole). */
  async readState(name: string): Promise<StateEntry | undefined> {
    // Nobody wrote since this process last read or wrote the file: memory has it, unless this
    // process changed it since (then the file's own value is wanted, not the pending one).
    if (this.driver.fingerprint() === this.lastFingerprint && !this.repo.pendingChanges().state.has(name)) return this.repo.getState(name);
    let doc: unknown;
    try {
      doc = this.driver.read().doc;
    } catch (e) {
      if (e instanceof CorruptFileError) return undefined;
      throw e;
    }
    const state = (doc as Partial<PeerDoc> | undefined)?.state;
    const e = state && typeof state === 'object' ? state[name] : undefined;
    return e && typeof e.updatedAt === 'number' ? { value: e.value, updatedAt: e.updatedAt } : undefined;
  }

  releasePoller(botId: number): Promise<void> {
    return this.pollers.release(botId);
  }

  tombstones(): Iterable<[string, number]> {
    return this.repo.tombstones.entries();
  }

  stateEntries(): Iterable<[string, StateEntry]> {
    return this.repo.state.entries();
  }

  async close(): Promise<void> {
    await this.pollers.releaseAll();
  }

  async destroy(): Promise<void> {
    await this.close();
    const { rmSync } = await import('node:fs');
    rmSync(this.file, { force: true });
    this.repo.load(emptyDoc());
  }
}
