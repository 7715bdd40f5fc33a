// The peer store service: what the rest of tgsh uses to remember peers. Lookups answer
// synchronously from the backend's index (backend.ts: all in memory for conf, indexed queries for
// sqlite); changes collect in the index and are written by `flush()` (once per command, by the
// timer of long-running modes, and on close) through the backend, which merges them with whatever
// other processes wrote meanwhile. The rules live in small files: upsert.ts (merge rules),
// consent.ts (ledger, forget, purge), lookups.ts (references, completion, lists), offsets.ts,
// transfer.ts (export/import).

import type { PeerRef } from '../peers/ref.js';
import type { Consent, ConsentState, Membership, MembershipStatus, PeerClass, PeerRecord, PeerSource } from '../peers/types.js';
import type { Notice, PeerBackend, PeerIndex, PollerHolder } from './backend.js';
import { ConfBackend } from './conf-backend.js';
import * as consent from './consent.js';
import type { CredentialsStore } from './credentials.js';
import type { LockOptions } from './lock.js';
import * as lookups from './lookups.js';
import { offsetKey, setUpdateOffset, updateOffsetEntry } from './offsets.js';
import type { PeerInput, PeerTarget, StoreContext } from './records.js';
import { PeerRepository } from './repository.js';
import { peerKey } from './schema.js';
import type { SettingsStore } from './settings.js';
import { exportDocument, importDocument, type ExportDocument, type ImportReport } from './transfer.js';
import { upsertMany, upsertPeer } from './upsert.js';

export type { Notice, PollerHolder } from './backend.js';
export type { PeerInput, PeerTarget } from './records.js';
export type { Resolution } from './lookups.js';
export { EXPORT_FORMAT, EXPORT_VERSION, type ExportDocument, type ImportReport } from './transfer.js';

export interface PeerStoreOptions {
  /** The conf file (peers.json), when no backend is given. */
  file?: string;
  /** Where the peers are kept; a ConfBackend on `file` when absent. */
  backend?: PeerBackend;
  notice: Notice;
  settings: SettingsStore;
  credentials: CredentialsStore;
  clock?: () => number;
  lock?: LockOptions;
}

export class PeerStore implements StoreContext {
  readonly settings: SettingsStore;
  readonly credentials: CredentialsStore;
  private currentBackend: PeerBackend;
  readonly clock: () => number;
  private idx: PeerIndex = new PeerRepository();
  private notice: Notice;
  private flushChain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** The bot whose consent ledger, memberships and update offset this process reads and writes. */
  private bot: number | undefined;

  constructor(opts: PeerStoreOptions) {
    this.notice = opts.notice;
    this.settings = opts.settings;
    this.credentials = opts.credentials;
    this.clock = opts.clock ?? Date.now;
    if (opts.backend) this.currentBackend = opts.backend;
    else if (opts.file) this.currentBackend = new ConfBackend({ file: opts.file, lock: opts.lock });
    else throw new TypeError('PeerStore needs a file or a backend');
  }

  /** Where the peers are kept now. */
  get backend(): PeerBackend {
    return this.currentBackend;
  }

  /**
   * Moves this store onto another backend that already holds its peers (store migrate): pending
   * changes are flushed to the old one first, then it is closed and the new one opened.
   */
  async switchBackend(next: PeerBackend): Promise<void> {
    await this.flush();
    const old = this.currentBackend;
    this.idx = await next.open((t) => this.notice(t));
    this.currentBackend = next;
    await old.close();
  }

  /** Where the peers are (the conf file, the SQLite file, a URL without its password). */
  get file(): string {
    return this.backend.location;
  }

  get index(): PeerIndex {
    return this.idx;
  }

  /**
   * Binds the ledger to a bot (the id its token starts with). Consent and membership are between
   * a peer and one bot: entries learned for another bot of the same profile read as none, and
   * each bot has its own getUpdates offset. Unbound (no bot configured), every entry is shown.
   */
  useBot(id: number | undefined): void {
    this.bot = id;
  }

  get botId(): number | undefined {
    return this.bot;
  }

  /** The peer's consent towards the bound bot (store/ledger.ts; another bot's entry reads as none). */
  consentOf(p: PeerRecord): Consent | undefined {
    return lookups.consentOf(this, p);
  }

  /** The bound bot's membership in a group or channel (another bot's reads as none). */
  membershipOf(p: PeerRecord): Membership | undefined {
    return lookups.membershipOf(this, p);
  }

  /** The record as the bound bot sees it, with its own consent and membership only. */
  scoped(p: PeerRecord): PeerRecord {
    return lookups.scoped(this, p);
  }

  /** Where notices go from now on (the shell passes its own). */
  setNotice(notice: Notice): void {
    this.notice = notice;
  }

  /** Opens the backend (once): loads, migrates or recovers what it keeps. */
  async load(): Promise<void> {
    this.idx = await this.backend.open((t) => this.notice(t));
  }

  // ------------------------------------------------------------------ lookups

  get size(): number {
    return this.idx.size;
  }

  get(cls: PeerClass, id: number): PeerRecord | undefined {
    return this.idx.get(peerKey(cls, id));
  }

  byKey(key: string): PeerRecord | undefined {
    return this.idx.get(key);
  }

  /** By username, with or without `@`, in any case. */
  byUsername(name: string): PeerRecord | undefined {
    return this.idx.byUsername(name.startsWith('@') ? name.slice(1) : name);
  }

  /** By exact (case-sensitive) print name. */
  byPrintName(name: string): PeerRecord | undefined {
    return this.idx.byPrintName(name);
  }

  byBotApiChatId(chatId: number): PeerRecord | undefined {
    return this.idx.byBotApiChatId(chatId);
  }

  /** Every stored peer (a copy of the list). */
  all(): PeerRecord[] {
    return [...this.idx.values()];
  }

  /** The username TTL in ms (settings: username_ttl_hours). */
  usernameTtlMs(): number {
    return lookups.usernameTtlMs(this);
  }

  /** True when the peer's usernames were last confirmed longer ago than the TTL (or never). */
  isUsernameStale(p: PeerRecord, now = this.clock()): boolean {
    return lookups.isUsernameStale(this, p, now);
  }

  /** Users and bots, by print name. */
  contacts(): PeerRecord[] {
    return lookups.contacts(this);
  }

  /** The chats of the bot, most recently seen first (lookups.ts). */
  dialogs(opts: { limit?: number; offset?: number } = {}): PeerRecord[] {
    return lookups.dialogs(this, opts);
  }

  /** Finds the peer a reference names (lookups.ts). `want` restricts the class. */
  resolveRef(ref: PeerRef, opts: { want?: PeerClass; now?: number } = {}): lookups.Resolution {
    return lookups.resolveRef(this, ref, opts);
  }

  /** True when a bare word is a print name in the store (the parser's `isKnownPeer`). */
  isKnownPeer(token: string): boolean {
    return this.idx.byPrintName(token) !== undefined;
  }

  /** Completion candidates for a peer argument (lookups.ts). */
  completions(prefix: string, limit = 50): string[] {
    return lookups.completions(this, prefix, limit);
  }

  // ------------------------------------------------------------------ changes

  /** A change time: now, and always later than the record's previous change. */
  stamp(prev?: number): number {
    const now = this.clock();
    return prev !== undefined && prev >= now ? prev + 1 : now;
  }

  /** Merges what Telegram told us into the store (upsert.ts). Returns the stored record. */
  upsert(input: PeerInput, source: PeerSource): PeerRecord {
    return upsertPeer(this, input, source);
  }

  /** Upserts many peers (one flush writes them all). */
  upsertMany(inputs: Iterable<PeerInput>, source: PeerSource): number {
    return upsertMany(this, inputs, source);
  }

  /** Records whether a user or bot accepts messages from the bot (consent.ts). */
  setConsent(target: PeerTarget, state: ConsentState, opts: { payload?: string; at?: number } = {}): PeerRecord {
    return consent.setConsent(this, target, state, opts);
  }

  /** Records the bot's own status in a group or channel. */
  setMembership(target: PeerTarget, status: MembershipStatus, at = this.clock()): PeerRecord {
    return consent.setMembership(this, target, status, at);
  }

  /** The peer interacted with the bot now (or at `at`). */
  touchInteraction(target: PeerTarget, at = this.clock()): PeerRecord {
    return consent.touchInteraction(this, target, at);
  }

  /** Removes every trace of a peer (record, indexes, consent); other processes will not bring it back. */
  forget(target: PeerTarget): PeerRecord | undefined {
    return consent.forget(this, target);
  }

  /** Users and bots with no interaction for `inactiveDays`, removed unless `dryRun` (consent.ts). */
  purge(opts: { inactiveDays?: number; dryRun?: boolean; now?: number } = {}): PeerRecord[] {
    return consent.purge(this, opts);
  }

  /** The bound bot's getUpdates offset, written in the same flush as the peers it brought. */
  getUpdateOffset(): number | undefined {
    return updateOffsetEntry(this)?.value;
  }

  /** The offset with when it last moved (ms on this store's clock). */
  updateOffsetEntry(): { value: number; updatedAt: number } | undefined {
    return updateOffsetEntry(this);
  }

  setUpdateOffset(offset: number): void {
    setUpdateOffset(this, offset);
  }

  /**
   * Re-reads the bound bot's offset from the storage: another process (of this machine or, with
   * postgres, another one) may have polled since this store was opened. The newer entry wins, so
   * an offset this process set and has not saved yet stays. Returns the entry as stored.
   */
  async refreshUpdateOffset(): Promise<{ value: number; updatedAt: number } | undefined> {
    const key = offsetKey(this.bot);
    const fresh = await this.backend.readState(key);
    if (!fresh || typeof fresh.value !== 'number' || typeof fresh.updatedAt !== 'number') return undefined;
    const mine = this.idx.getState(key);
    if (!mine || fresh.updatedAt > mine.updatedAt) this.idx.setState(key, fresh, false);
    return { value: fresh.value, updatedAt: fresh.updatedAt };
  }

  // ------------------------------------------------------------------ the poller lock

  /**
   * Takes the bound bot's poller lock (one process at a time reads a bot's updates; backend.ts).
   * `mode` is what the others are told this process is (sync, shell, daemon). Answers whether it
   * is held now (`fresh`: taken just now, not held before) and, when not, who holds it
   * (undefined when the holder recorded nothing). Cheap when held: no I/O.
   */
  async claimPoller(mode: string): Promise<{ held: true; fresh: boolean } | { held: false; holder: PollerHolder | undefined }> {
    const bot = this.bot ?? 0;
    const had = this.backend.holdsPoller(bot);
    for (let attempt = 0; ; attempt++) {
      if (await this.backend.tryAcquirePoller(bot, { mode })) return { held: true, fresh: !had };
      const holder = await this.backend.pollerHolder(bot);
      // Released between the two questions: ask once more.
      if (holder || attempt > 0) return { held: false, holder };
    }
  }

  async releasePoller(): Promise<void> {
    await this.backend.releasePoller(this.bot ?? 0);
  }

  /**
   * True when processes of several machines share this store (postgres): a file of this machine
   * (the update journal) can not be the only copy of anything then.
   */
  get sharedAcrossMachines(): boolean {
    return this.backend.kind === 'postgres';
  }

  /** Every peer as a versioned document (no credentials, no settings). */
  exportDocument(): ExportDocument {
    return exportDocument(this);
  }

  /** Merges an export document; an invalid one changes nothing and throws TgshError 22. */
  importDocument(raw: unknown): ImportReport {
    return importDocument(this, raw);
  }

  // ------------------------------------------------------------------ writing

  /** True when changes wait for a flush. */
  hasChanges(): boolean {
    return this.idx.hasChanges() || this.backend.wantsWrite();
  }

  /**
   * Writes the pending changes through the backend (which merges them with other processes'
   * changes and brings those into the index). Flushes of one process run one after another.
   */
  flush(): Promise<void> {
    const run = this.flushChain.then(() => this.flushNow());
    this.flushChain = run.catch(() => {});
    return run;
  }

  private async flushNow(): Promise<void> {
    if (!this.hasChanges()) return;
    const changes = this.idx.takeChanges();
    try {
      await this.backend.apply(changes, this.clock());
    } catch (e) {
      this.idx.restoreChanges(changes);
      throw e;
    }
  }

  /** Flushes at least every `intervalMs` while changes wait (long-running modes). The timer never keeps the process alive. */
  startAutoFlush(intervalMs = 1000): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => {
      if (!this.hasChanges()) return;
      this.flush().catch((e: unknown) => this.notice(`tgsh: peers not saved yet: ${e instanceof Error ? e.message : String(e)}`));
    }, intervalMs);
    this.timer.unref();
  }

  stopAutoFlush(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Flushes, stops the timer and closes the backend. Safe to call twice. */
  async close(): Promise<void> {
    this.stopAutoFlush();
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush();
    } finally {
      await this.backend.close();
    }
  }
}
