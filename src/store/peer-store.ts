// The peer store service: what the rest of tgsh uses to remember peers. Lookups answer from memory
// (the repository); changes collect in memory and are written by `flush()` (once per command, by
// the timer of long-running modes, and on close) through the conf driver, under a cross-process
// lock, merged record by record with whatever other processes wrote meanwhile.

import { dirname } from 'node:path';
import { normaliseAccessHash, type AccessHashInput } from '../peers/access-hash.js';
import type { PeerRef } from '../peers/ref.js';
import { placeholderPrintName } from '../peers/print-name.js';
import {
  botApiChatIdOf,
  peerClassOf,
  type Consent,
  type ConsentState,
  type Membership,
  type MembershipStatus,
  type PeerClass,
  type PeerKind,
  type PeerRecord,
  type PeerSource,
} from '../peers/types.js';
import { TgshError, ErrorCode } from '../core/errors.js';
import { ConfDriver, CorruptFileError, ensurePrivateDir } from './conf-driver.js';
import type { CredentialsStore } from './credentials.js';
import type { LockOptions } from './lock.js';
import { allEntries, entryFor, mergedEntry, withEntry } from './ledger.js';
import { hasPlaceholderName, PeerRepository } from './repository.js';
import {
  checkImportRecord,
  checkRecord,
  keyOfEntry,
  CURRENT_SCHEMA,
  emptyDoc,
  keyOf,
  migrate,
  PEER_KINDS,
  peerKey,
  PEERS_FORMAT,
  SchemaError,
  type PeerDoc,
} from './schema.js';
import type { SettingsStore } from './settings.js';
import { isObject } from '../core/json.js';

export type Notice = (text: string) => void;

/** What Telegram told us about a peer. `undefined` fields are unknown (left as they are); `null` means "has none". */
export interface PeerInput {
  kind: PeerKind;
  id: number;
  accessHash?: AccessHashInput | null;
  firstName?: string | null;
  lastName?: string | null;
  title?: string | null;
  /** Every username Telegram listed (replaces the known ones). */
  usernames?: readonly string[] | null;
  /** The main username only (Bot API objects carry just this one). */
  username?: string | null;
  phone?: string | null;
  bio?: string | null;
  flags?: number;
  lastOnline?: number;
  members?: number;
  admins?: number;
  /** The peer did something with the bot (wrote, started, pressed a button). */
  interaction?: boolean;
  /** When this was learned (unix ms); now when absent. */
  at?: number;
}

/** A stored peer, or the key parts of one. */
export type PeerTarget = PeerRecord | { kind: PeerKind; id: number } | { cls: PeerClass; id: number };

export type Resolution =
  | {
      peer: PeerRecord;
      /** False for a peer built from a permanent id that the store has never met. */
      known: boolean;
      /** The `@username` mapping is older than the username TTL: re-check it, or warn when offline. */
      stale: boolean;
      /** When the username mapping was last confirmed (unix ms), for `stale` warnings. */
      checkedAt?: number;
    }
  | { error: string; hint: string; code: number };

export interface ImportReport {
  added: number;
  updated: number;
  unchanged: number;
}

export const EXPORT_FORMAT = 'tgsh-export';
export const EXPORT_VERSION = 1;

export interface ExportDocument {
  format: typeof EXPORT_FORMAT;
  version: number;
  exported_at: string;
  peer_schema: number;
  count: number;
  peers: PeerRecord[];
}

export interface PeerStoreOptions {
  file: string;
  notice: Notice;
  settings: SettingsStore;
  credentials: CredentialsStore;
  clock?: () => number;
  lock?: LockOptions;
}

const HOUR = 3600 * 1000;
const KIND_SET = new Set<string>(PEER_KINDS);
const DAY = 24 * HOUR;
/** How far lastSeen / usernamesCheckedAt may lag behind the truth before a write is worth it. */
const TOUCH_PRECISION_MS = 10 * 60 * 1000;

function classOfTarget(t: PeerTarget): PeerClass {
  return 'cls' in t ? t.cls : peerClassOf(t.kind);
}

function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  const c = s.replace(/[\u0000-\u001f\u007f]/g, '?');
  return c.length > 64 ? c.slice(0, 64) + '...' : c;
}

export class PeerStore {
  readonly file: string;
  readonly settings: SettingsStore;
  readonly credentials: CredentialsStore;
  private readonly repo = new PeerRepository();
  private readonly driver: ConfDriver;
  private notice: Notice;
  private readonly clock: () => number;
  private readonly lockOptions: LockOptions;
  private lastFingerprint: string | undefined;
  /** Set when the file must be written even without changes (after a migration). */
  private rewrite = false;
  /** Why this store may not write (a file of a newer schema). */
  private readOnly: string | undefined;
  private flushChain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** The bot whose consent ledger, memberships and update offset this process reads and writes. */
  private bot: number | undefined;

  constructor(opts: PeerStoreOptions) {
    this.file = opts.file;
    this.notice = opts.notice;
    this.settings = opts.settings;
    this.credentials = opts.credentials;
    this.clock = opts.clock ?? Date.now;
    this.lockOptions = opts.lock ?? {};
    this.driver = new ConfDriver(opts.file, { serialize: (doc) => JSON.stringify(doc), withInternalKey: true });
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
    return entryFor(p.consent, p.otherConsents, this.bot);
  }

  /** The bound bot's membership in a group or channel (another bot's reads as none). */
  membershipOf(p: PeerRecord): Membership | undefined {
    return entryFor(p.membership, p.otherMemberships, this.bot);
  }

  /**
   * The record as the bound bot sees it, with its own consent and membership only: the same
   * object unless it holds another bot's entries.
   */
  scoped(p: PeerRecord): PeerRecord {
    const consent = this.consentOf(p);
    const membership = this.membershipOf(p);
    if (consent === p.consent && membership === p.membership && !p.otherConsents && !p.otherMemberships) return p;
    const copy = { ...p };
    delete copy.otherConsents;
    delete copy.otherMemberships;
    if (consent) copy.consent = consent;
    else delete copy.consent;
    if (membership) copy.membership = membership;
    else delete copy.membership;
    return copy;
  }

  /** Where notices go from now on (the shell passes its own). */
  setNotice(notice: Notice): void {
    this.notice = notice;
  }

  // ------------------------------------------------------------------ loading

  /** Reads the file into memory (once, at open). */
  async load(): Promise<void> {
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

  // ------------------------------------------------------------------ lookups (memory only)

  get size(): number {
    return this.repo.size;
  }

  get(cls: PeerClass, id: number): PeerRecord | undefined {
    return this.repo.get(peerKey(cls, id));
  }

  byKey(key: string): PeerRecord | undefined {
    return this.repo.get(key);
  }

  /** By username, with or without `@`, in any case. */
  byUsername(name: string): PeerRecord | undefined {
    return this.repo.byUsername(name.startsWith('@') ? name.slice(1) : name);
  }

  /** By exact (case-sensitive) print name. */
  byPrintName(name: string): PeerRecord | undefined {
    return this.repo.byPrintName(name);
  }

  byBotApiChatId(chatId: number): PeerRecord | undefined {
    return this.repo.byBotApiChatId(chatId);
  }

  /** Every stored peer (a copy of the list). */
  all(): PeerRecord[] {
    return [...this.repo.values()];
  }

  /** The username TTL in ms (settings: username_ttl_hours). */
  usernameTtlMs(): number {
    return this.settings.get('username_ttl_hours') * HOUR;
  }

  /** True when the peer's usernames were last confirmed longer ago than the TTL (or never). */
  isUsernameStale(p: PeerRecord, now = this.clock()): boolean {
    return p.usernamesCheckedAt === undefined || now - p.usernamesCheckedAt > this.usernameTtlMs();
  }

  /** Users and bots, by print name. */
  contacts(): PeerRecord[] {
    const out: PeerRecord[] = [];
    for (const p of this.repo.values()) if (p.kind === 'user' || p.kind === 'bot') out.push(this.scoped(p));
    return out.sort((a, b) => compareNames(a.printName, b.printName));
  }

  /**
   * The chats of the bot, most recently seen first: peers met in its updates or in Bot API
   * answers, or with a consent, membership or interaction recorded. Peers only looked up over
   * MTProto (resolve_username as a user account, a group's member list) and the bot itself are
   * not its chats.
   */
  dialogs(opts: { limit?: number; offset?: number } = {}): PeerRecord[] {
    const self = this.bot ?? this.credentials.identity()?.id;
    const isDialog = (p: PeerRecord): boolean =>
      p.id !== self &&
      (p.sources.includes('updates') || p.sources.includes('botapi') || p.lastInteraction !== undefined || this.consentOf(p) !== undefined || this.membershipOf(p) !== undefined);
    const all = [...this.repo.values()].filter(isDialog).sort((a, b) => b.lastSeen - a.lastSeen || compareNames(a.printName, b.printName));
    const offset = Math.max(0, opts.offset ?? 0);
    return all.slice(offset, opts.limit === undefined ? undefined : offset + Math.max(0, opts.limit)).map((p) => this.scoped(p));
  }

  /**
   * Finds the peer a reference names. A permanent id gives a peer even when the store never met it
   * (it carries the access hash); other forms must be in the store. `want` restricts the class.
   */
  resolveRef(ref: PeerRef, opts: { want?: PeerClass; now?: number } = {}): Resolution {
    const r = this.resolveAny(ref, opts.now ?? this.clock());
    if ('error' in r || !opts.want) return r;
    const cls = peerClassOf(r.peer.kind);
    if (cls !== opts.want) {
      return { code: ErrorCode.BAD_ARGUMENT, error: `'${clean(ref.raw)}' is a ${cls}, not a ${opts.want}`, hint: `use ${cls}_info for it` };
    }
    return r;
  }

  private resolveAny(ref: PeerRef, now: number): Resolution {
    const found = (peer: PeerRecord | undefined, stale = false): Resolution | undefined =>
      peer ? { peer, known: true, stale, checkedAt: stale ? peer.usernamesCheckedAt : undefined } : undefined;
    const unknown = (hint: string): Resolution => ({ code: ErrorCode.BAD_ARGUMENT, error: `unknown peer '${clean(ref.raw)}'`, hint });
    const seenHint = "tgsh has not met this peer yet: run 'sync' to load the dialogs, or use its $permanent id";
    switch (ref.kind) {
      case 'permanent': {
        if (ref.type === 'encr_chat') return { code: ErrorCode.BAD_ARGUMENT, error: 'secret chats are not supported', hint: 'tgsh talks to users, bots, groups and channels' };
        const stored = this.get(ref.type, ref.id);
        if (stored) return { peer: stored, known: true, stale: false };
        const kind: PeerKind = ref.type === 'user' ? 'user' : ref.type === 'chat' ? 'chat' : 'channel';
        const peer: PeerRecord = {
          kind,
          id: ref.id,
          usernames: [],
          printName: placeholderPrintName(ref.type, ref.id),
          botApiChatId: botApiChatIdOf(kind, ref.id),
          sources: [],
          firstSeen: 0,
          lastSeen: 0,
        };
        if (ref.accessHash !== 0n) peer.accessHash = BigInt.asIntN(64, ref.accessHash).toString();
        return { peer, known: false, stale: false };
      }
      case 'typed': {
        if (ref.type === 'encr_chat') return { code: ErrorCode.BAD_ARGUMENT, error: 'secret chats are not supported', hint: 'tgsh talks to users, bots, groups and channels' };
        return found(this.get(ref.type, ref.id)) ?? unknown(seenHint);
      }
      case 'botapi':
        return found(this.repo.byBotApiChatId(ref.chatId)) ?? found(this.repo.byPrintName(ref.raw)) ?? unknown(seenHint);
      case 'username': {
        const p = this.repo.byUsername(ref.username);
        if (p) return found(p, this.isUsernameStale(p, now))!;
        return unknown(`run 'resolve_username ${clean(ref.username)}' to look it up, or 'sync' to load the dialogs`);
      }
      case 'print_name': {
        const p = this.repo.byPrintName(ref.name);
        if (p) return found(p)!;
        const near = this.caseInsensitivePrintName(ref.name);
        if (near) return unknown(`print names are case-sensitive: did you mean '${near}'?`);
        const byUser = this.repo.byUsername(ref.name);
        if (byUser) return unknown(`did you mean '@${byUser.usernames.find((u) => u.toLowerCase() === ref.name.toLowerCase()) ?? ref.name}'?`);
        return unknown(`a print name must match exactly ('contact_list' and 'dialog_list' show them); for a username use @name or 'resolve_username'`);
      }
    }
  }

  private caseInsensitivePrintName(name: string): string | undefined {
    const l = name.toLowerCase();
    for (const n of this.repo.printNames()) if (n.toLowerCase() === l) return n;
    return undefined;
  }

  /** True when a bare word is a print name in the store (the parser's `isKnownPeer`). */
  isKnownPeer(token: string): boolean {
    return this.repo.byPrintName(token) !== undefined;
  }

  /**
   * Completion candidates for a peer argument: `@usernames` for a prefix starting with `@`, else
   * print names then `@usernames`. Case-insensitive prefix match, sorted, at most `limit`. One
   * pass over the indexes (a few ms at 100k peers), keeping only the first `limit` in order.
   */
  completions(prefix: string, limit = 50): string[] {
    if (limit <= 0) return [];
    const out: string[] = [];
    const p = (prefix.startsWith('@') ? prefix.slice(1) : prefix).toLowerCase();
    if (!prefix.startsWith('@')) {
      const names = new TopK(limit);
      for (const n of this.repo.printNames()) {
        const l = n.toLowerCase();
        if (l.startsWith(p)) names.offer(l, n);
      }
      out.push(...names.values());
    }
    if (out.length < limit) {
      const users = new TopK(limit - out.length);
      for (const [l, key] of this.repo.usernameKeys()) {
        if (!l.startsWith(p)) continue;
        if (users.wouldTake(l)) {
          const rec = this.repo.get(key);
          users.offer(l, '@' + (rec?.usernames.find((u) => u.toLowerCase() === l) ?? l));
        }
      }
      out.push(...users.values());
    }
    return out;
  }

  // ------------------------------------------------------------------ changes

  /** A change time: now, and always later than the record's previous change. */
  private stamp(prev?: number): number {
    const now = this.clock();
    return prev !== undefined && prev >= now ? prev + 1 : now;
  }

  /**
   * Merges what Telegram told us into the store: creates the peer, or updates what changed. The
   * print name is given once (from the names) and kept; a username now held by this peer is taken
   * off any other peer that still had it. Returns the stored record (changed in place).
   */
  upsert(input: PeerInput, source: PeerSource): PeerRecord {
    if (!KIND_SET.has(input.kind)) throw new TgshError(ErrorCode.BAD_ARGUMENT, `unknown peer kind '${String(input.kind)}'`);
    if (!Number.isSafeInteger(input.id) || input.id <= 0) throw new TgshError(ErrorCode.BAD_ARGUMENT, `bad peer id ${String(input.id)}`);
    const at = input.at ?? this.clock();
    const cls = peerClassOf(input.kind);
    const key = peerKey(cls, input.id);
    const existing = this.repo.get(key);
    if (!existing) return this.insert(input, source, key, at);
    const rec = existing;
    const before = { printName: rec.printName, usernames: [...rec.usernames] };
    let changed = false;
    const r = rec as unknown as Record<string, unknown>;
    const setField = (field: keyof PeerRecord, value: unknown): void => {
      if (value === undefined) return;
      if (value === null) {
        // Set to undefined rather than deleted (a delete slows every later access to the object);
        // JSON leaves undefined members out.
        if (r[field] !== undefined) {
          r[field] = undefined;
          changed = true;
        }
        return;
      }
      if (r[field] !== value) {
        r[field] = value;
        changed = true;
      }
    };

    if (rec.kind !== input.kind) setField('kind', input.kind);
    if (input.accessHash !== undefined) setField('accessHash', input.accessHash === null ? null : normaliseAccessHash(input.accessHash));
    setField('firstName', emptyToNull(input.firstName));
    setField('lastName', emptyToNull(input.lastName));
    setField('title', emptyToNull(input.title));
    setField('phone', emptyToNull(input.phone));
    setField('bio', emptyToNull(input.bio));
    setField('flags', input.flags);
    setField('lastOnline', input.lastOnline);
    setField('members', input.members);
    setField('admins', input.admins);
    const chatId = botApiChatIdOf(rec.kind, rec.id);
    if (rec.botApiChatId !== chatId) setField('botApiChatId', chatId);

    // Usernames older than the ones already confirmed are not taken.
    let usernamesGiven = false;
    const fresh = at >= (rec.usernamesCheckedAt ?? 0);
    if (fresh && input.usernames !== undefined) {
      usernamesGiven = true;
      const next = dedupeUsernames(input.usernames ?? []);
      if (!sameList(next, rec.usernames)) {
        rec.usernames = next;
        changed = true;
      }
    } else if (fresh && input.username !== undefined) {
      usernamesGiven = true;
      const main = input.username === null ? undefined : stripAt(input.username);
      let next: string[];
      if (!main) next = [];
      else if (rec.usernames.some((u) => u.toLowerCase() === main.toLowerCase())) next = [main, ...rec.usernames.filter((u) => u.toLowerCase() !== main.toLowerCase())];
      else next = [main];
      if (!sameList(next, rec.usernames)) {
        rec.usernames = next;
        changed = true;
      }
    }
    // Freshness stamps alone are worth a write only when they move by more than TOUCH_PRECISION_MS:
    // re-confirming a peer seconds after the last time must not cost a write of the whole store.
    let touched = false;
    if (usernamesGiven && (rec.usernamesCheckedAt ?? 0) < at) {
      touched ||= at - (rec.usernamesCheckedAt ?? 0) > TOUCH_PRECISION_MS;
      rec.usernamesCheckedAt = at;
    }
    if (!rec.sources.includes(source)) {
      rec.sources = rec.sources.length === 0 ? [source] : [...rec.sources, source];
      changed = true;
    }
    if (at < rec.firstSeen) {
      rec.firstSeen = at;
      changed = true;
    }
    if (at > rec.lastSeen) {
      touched ||= at - rec.lastSeen > TOUCH_PRECISION_MS;
      rec.lastSeen = at;
    }
    if (input.interaction && (rec.lastInteraction ?? 0) < at) {
      rec.lastInteraction = at;
      changed = true;
    }
    if (!changed && !touched) return rec;

    // Print name: given once; only the no-name placeholder gives way to a real name.
    if (hasPlaceholderName(rec)) {
      const name = this.repo.freePrintName(rec, key);
      if (name !== rec.printName) rec.printName = name;
    }
    rec.updatedAt = this.stamp(rec.updatedAt);
    // Another record also claims one of these usernames: it is out of date.
    const rivals = this.repo.reindex(rec, before);
    if (rivals.length > 0) this.takeUsernames(rec, rivals, at);
    return rec;
  }

  /** A peer met for the first time: the record is built in one go (the common case of a sync). */
  private insert(input: PeerInput, source: PeerSource, key: string, at: number): PeerRecord {
    const rec: PeerRecord = {
      kind: input.kind,
      id: input.id,
      usernames: input.usernames != null ? dedupeUsernames(input.usernames) : input.username ? dedupeUsernames([input.username]) : [],
      printName: '',
      botApiChatId: botApiChatIdOf(input.kind, input.id),
      sources: [source],
      firstSeen: at,
      lastSeen: at,
    };
    // Only what is known goes in (no `undefined` members: properties are added, never deleted).
    if (input.accessHash != null) rec.accessHash = normaliseAccessHash(input.accessHash);
    if (input.firstName) rec.firstName = input.firstName;
    if (input.lastName) rec.lastName = input.lastName;
    if (input.title) rec.title = input.title;
    if (input.phone) rec.phone = input.phone;
    if (input.bio) rec.bio = input.bio;
    if (input.flags !== undefined) rec.flags = input.flags;
    if (input.lastOnline !== undefined) rec.lastOnline = input.lastOnline;
    if (input.members !== undefined) rec.members = input.members;
    if (input.admins !== undefined) rec.admins = input.admins;
    if (input.interaction) rec.lastInteraction = at;
    if (input.usernames !== undefined || input.username !== undefined) rec.usernamesCheckedAt = at;
    rec.updatedAt = this.stamp();
    rec.printName = this.repo.freePrintName(rec, key);
    const rivals = this.repo.put(rec, { isNew: true });
    if (rivals.length > 0) this.takeUsernames(rec, rivals, at);
    return rec;
  }

  /** Upserts many peers (one flush writes them all). */
  upsertMany(inputs: Iterable<PeerInput>, source: PeerSource): number {
    let n = 0;
    for (const i of inputs) {
      this.upsert(i, source);
      n++;
    }
    return n;
  }

  /**
   * Usernames are unique on Telegram: other records that still claim one of this peer's are out of
   * date (unless their claim was confirmed after `at`) and lose it.
   */
  private takeUsernames(rec: PeerRecord, rivalKeys: readonly string[], at: number): void {
    const mine = new Set(rec.usernames.map((u) => u.toLowerCase()));
    for (const key of new Set(rivalKeys)) {
      const rival = this.repo.get(key);
      if (!rival || rival === rec || (rival.usernamesCheckedAt ?? 0) > at) continue;
      const before = { printName: rival.printName, usernames: [...rival.usernames] };
      rival.usernames = rival.usernames.filter((u) => !mine.has(u.toLowerCase()));
      rival.updatedAt = this.stamp(rival.updatedAt);
      this.repo.reindex(rival, before);
    }
    // The index now points at this peer for every name it took over.
    this.repo.reindex(rec, { printName: rec.printName, usernames: [] }, false);
  }

  private mustFind(t: PeerTarget): PeerRecord {
    const rec = this.repo.get(peerKey(classOfTarget(t), t.id));
    if (!rec) throw new TgshError(ErrorCode.BAD_ARGUMENT, `unknown peer ${classOfTarget(t)}#${t.id}`);
    return rec;
  }

  private changedInPlace(rec: PeerRecord): void {
    rec.updatedAt = this.stamp(rec.updatedAt);
    this.repo.touched(rec);
  }

  /**
   * Records whether a user or bot accepts messages from the bot: `started` (with the /start
   * payload), `blocked`, `stopped` (sent /stop) or `unknown`.
   */
  setConsent(target: PeerTarget, state: ConsentState, opts: { payload?: string; at?: number } = {}): PeerRecord {
    const rec = this.mustFind(target);
    if (peerClassOf(rec.kind) !== 'user') throw new TgshError(ErrorCode.BAD_ARGUMENT, `consent is kept for users and bots, not for ${rec.kind}s`);
    const at = opts.at ?? this.clock();
    const entry: Consent = opts.payload !== undefined && state === 'started' ? { state, at, payload: opts.payload } : { state, at };
    if (this.bot !== undefined) entry.bot = this.bot;
    setConsents(rec, withEntry(rec.consent, rec.otherConsents, entry));
    if (state === 'started' && (rec.lastInteraction ?? 0) < at) rec.lastInteraction = at;
    this.changedInPlace(rec);
    return rec;
  }

  /** Records the bot's own status in a group or channel. */
  setMembership(target: PeerTarget, status: MembershipStatus, at = this.clock()): PeerRecord {
    const rec = this.mustFind(target);
    if (peerClassOf(rec.kind) === 'user') throw new TgshError(ErrorCode.BAD_ARGUMENT, 'membership is kept for groups and channels');
    const entry: Membership = this.bot === undefined ? { status, at } : { status, at, bot: this.bot };
    setMemberships(rec, withEntry(rec.membership, rec.otherMemberships, entry));
    this.changedInPlace(rec);
    return rec;
  }

  /** The peer interacted with the bot now (or at `at`). */
  touchInteraction(target: PeerTarget, at = this.clock()): PeerRecord {
    const rec = this.mustFind(target);
    if ((rec.lastInteraction ?? 0) < at) {
      rec.lastInteraction = at;
      this.changedInPlace(rec);
    }
    return rec;
  }

  /** Removes every trace of a peer (record, indexes, consent); other processes will not bring it back. */
  forget(target: PeerTarget): PeerRecord | undefined {
    const key = peerKey(classOfTarget(target), target.id);
    const old = this.repo.get(key);
    if (!old) return undefined;
    this.repo.remove(key, this.stamp(old.updatedAt));
    return old;
  }

  /**
   * Users and bots with no interaction with the bot for `inactiveDays` (never-interacting ones
   * count from when they were first seen). Removes them unless `dryRun`; returns them either way,
   * longest inactive first. The logged-in identity is never purged.
   */
  purge(opts: { inactiveDays?: number; dryRun?: boolean; now?: number } = {}): PeerRecord[] {
    const days = opts.inactiveDays ?? this.settings.get('purge_inactive_days');
    if (!(days > 0)) throw new TgshError(ErrorCode.BAD_ARGUMENT, 'inactive days must be above 0');
    const cutoff = (opts.now ?? this.clock()) - days * DAY;
    const self = this.credentials.identity();
    const victims: PeerRecord[] = [];
    for (const p of this.repo.values()) {
      if (p.kind !== 'user' && p.kind !== 'bot') continue;
      if (self && self.id === p.id) continue;
      if ((p.lastInteraction ?? p.firstSeen) < cutoff) victims.push(p);
    }
    victims.sort((a, b) => (a.lastInteraction ?? a.firstSeen) - (b.lastInteraction ?? b.firstSeen));
    if (!opts.dryRun) for (const p of victims) this.forget(p);
    return victims;
  }

  /**
   * The bound bot's getUpdates offset, written in the same flush as the peers it brought. Each bot
   * has its own: another bot's offset would confirm (and so lose) this bot's pending updates.
   */
  getUpdateOffset(): number | undefined {
    return this.updateOffsetEntry()?.value;
  }

  /** The offset with when it last moved (ms on this store's clock). */
  updateOffsetEntry(): { value: number; updatedAt: number } | undefined {
    const e = this.repo.state.get(this.offsetKey());
    return e && typeof e.value === 'number' && typeof e.updatedAt === 'number' ? { value: e.value, updatedAt: e.updatedAt } : undefined;
  }

  setUpdateOffset(offset: number): void {
    if (!Number.isSafeInteger(offset)) throw new RangeError(`bad update offset ${offset}`);
    if (this.getUpdateOffset() === offset) return;
    const key = this.offsetKey();
    this.repo.setState(key, { value: offset, updatedAt: this.stamp(this.repo.state.get(key)?.updatedAt) });
  }

  private offsetKey(): string {
    return this.bot === undefined ? 'update_offset' : `update_offset:${this.bot}`;
  }

  // ------------------------------------------------------------------ export / import

  /** Every peer as a versioned document (no credentials, no settings). */
  exportDocument(): ExportDocument {
    const order: Record<string, number> = { user: 0, chat: 1, channel: 2 };
    const peers = [...this.repo.values()].sort((a, b) => order[peerClassOf(a.kind)]! - order[peerClassOf(b.kind)]! || a.id - b.id);
    return {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exported_at: new Date(this.clock()).toISOString(),
      peer_schema: CURRENT_SCHEMA,
      count: peers.length,
      peers,
    };
  }

  /**
   * Merges an export document (or another profile's peers.json). Everything is checked first: an
   * invalid document changes nothing and throws a TgshError (code 22) saying what is wrong.
   */
  importDocument(raw: unknown): ImportReport {
    const records = importRecords(raw);
    const report: ImportReport = { added: 0, updated: 0, unchanged: 0 };
    for (const r of records) {
      const outcome = this.importOne(r);
      report[outcome]++;
    }
    return report;
  }

  private importOne(r: PeerRecord): keyof ImportReport {
    const key = keyOf(r);
    const existing = this.repo.get(key);
    const now = this.clock();
    if (!existing) {
      const rec: PeerRecord = {
        ...r,
        usernames: dedupeUsernames(r.usernames ?? []),
        printName: '',
        botApiChatId: botApiChatIdOf(r.kind, r.id),
        sources: [...new Set<PeerSource>([...(r.sources ?? []), 'import'])],
        firstSeen: r.firstSeen ?? now,
        lastSeen: r.lastSeen ?? r.firstSeen ?? now,
      };
      delete rec.updatedAt;
      rec.printName = r.printName && !this.repo.isPrintNameTaken(r.printName, key) && !/[\s#$@]/.test(r.printName.replace(/#\d+$/, '')) ? r.printName : this.repo.freePrintName(rec, key);
      if (hasPlaceholderName(rec) && (rec.firstName || rec.lastName || rec.title)) rec.printName = this.repo.freePrintName({ ...rec, printName: '' }, key);
      rec.updatedAt = this.stamp();
      this.repo.put(rec);
      return 'added';
    }
    const before = { printName: existing.printName, usernames: [...existing.usernames] };
    const e = existing as unknown as Record<string, unknown>;
    const i = r as unknown as Record<string, unknown>;
    const newer = (r.lastSeen ?? 0) > existing.lastSeen;
    let changed = false;
    for (const f of ['firstName', 'lastName', 'title', 'phone', 'bio', 'accessHash', 'flags', 'lastOnline', 'members', 'admins'] as const) {
      if (i[f] !== undefined && (e[f] === undefined || newer) && e[f] !== i[f]) {
        e[f] = i[f];
        changed = true;
      }
    }
    if (newer && r.kind !== existing.kind) {
      existing.kind = r.kind;
      changed = true;
    }
    if (r.usernames && (r.usernamesCheckedAt ?? 0) > (existing.usernamesCheckedAt ?? 0) && !sameList(r.usernames, existing.usernames)) {
      existing.usernames = dedupeUsernames(r.usernames);
      existing.usernamesCheckedAt = r.usernamesCheckedAt;
      changed = true;
    }
    const minMax = (f: 'firstSeen' | 'lastSeen' | 'lastInteraction', pick: (a: number, b: number) => number): void => {
      const v = r[f];
      if (v === undefined) return;
      const cur = existing[f];
      const next = cur === undefined ? v : pick(cur, v);
      if (next !== cur) {
        existing[f] = next;
        changed = true;
      }
    };
    minMax('firstSeen', Math.min);
    minMax('lastSeen', Math.max);
    minMax('lastInteraction', Math.max);
    // Per bot, the newer entry wins.
    for (const c of allEntries(r.consent, r.otherConsents)) {
      const merged = mergedEntry(existing.consent, existing.otherConsents, c);
      if (!merged) continue;
      setConsents(existing, merged);
      changed = true;
    }
    for (const m of allEntries(r.membership, r.otherMemberships)) {
      const merged = mergedEntry(existing.membership, existing.otherMemberships, m);
      if (!merged) continue;
      setMemberships(existing, merged);
      changed = true;
    }
    if (!existing.sources.includes('import')) {
      existing.sources = [...existing.sources, 'import'];
      changed = true;
    }
    if (!changed) return 'unchanged';
    if (hasPlaceholderName(existing) && (existing.firstName || existing.lastName || existing.title)) existing.printName = this.repo.freePrintName(existing, key);
    existing.updatedAt = this.stamp(existing.updatedAt);
    this.repo.reindex(existing, before);
    return 'updated';
  }

  // ------------------------------------------------------------------ writing

  /** True when changes wait for a flush. */
  hasChanges(): boolean {
    return this.repo.hasChanges() || this.rewrite;
  }

  /**
   * Writes the pending changes: under the lock, re-reads the file (unless nobody wrote since this
   * process last did), merges record by record, writes atomically, and takes the other processes'
   * changes into memory. Flushes of one process run one after another.
   */
  flush(): Promise<void> {
    const run = this.flushChain.then(() => this.flushNow());
    this.flushChain = run.catch(() => {});
    return run;
  }

  private async flushNow(): Promise<void> {
    if (!this.hasChanges()) return;
    if (this.readOnly) throw new TgshError(ErrorCode.INTERNAL, this.readOnly, { hint: 'update tgsh to change this store' });
    const changes = this.repo.takeChanges();
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
      const now = this.clock();
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
      this.repo.restoreChanges(changes);
      if (rewrite) this.rewrite = true;
      throw e;
    } finally {
      await release?.();
    }
  }

  /** Takes what other processes wrote into memory (records not changed here since the flush began). */
  private syncFrom(doc: PeerDoc): void {
    const inFile = new Map<string, unknown>();
    const foreign: unknown[] = [];
    for (const entry of doc.peers) {
      const key = keyOfEntry(entry);
      if (key === undefined) foreign.push(entry);
      else inFile.set(key, entry);
    }
    // First what is gone from the file (forgotten elsewhere), so its print names are free.
    const gone: string[] = [];
    for (const key of this.repo.keys()) if (!inFile.has(key) && !this.repo.isDirty(key)) gone.push(key);
    for (const key of gone) this.repo.evict(key);
    for (const [key, v] of inFile) {
      if (this.repo.isDirty(key)) continue;
      const mine = this.repo.get(key);
      if (mine === v) continue;
      if (mine && (v as PeerRecord).updatedAt === mine.updatedAt && (v as PeerRecord).printName === mine.printName) continue;
      const rec = checkRecord(v);
      if (typeof rec === 'string') {
        foreign.push(v);
        continue;
      }
      const holder = this.repo.byPrintName(rec.printName);
      if (holder && holder !== mine && this.repo.isDirty(keyOf(holder))) {
        // A peer new in this process got, in memory only, a name the file gives another: it yields.
        const before = { printName: holder.printName, usernames: holder.usernames };
        holder.printName = this.repo.freePrintName(holder, keyOf(holder), rec.printName);
        this.repo.reindex(holder, before);
      }
      this.repo.put(rec, { dirty: false, previous: mine });
    }
    this.repo.tombstones.clear();
    for (const key in doc.tombstones) {
      const at = doc.tombstones[key];
      if (typeof at === 'number' && !this.repo.isDirty(key)) this.repo.tombstones.set(key, at);
    }
    for (const name in doc.state) {
      const e = doc.state[name];
      if (e && typeof e.updatedAt === 'number') this.repo.setState(name, e, false);
    }
    this.repo.foreign = foreign;
    this.repo.internal = doc.__internal__ ?? {};
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

  /** Flushes and stops the timer. Safe to call twice. */
  async close(): Promise<void> {
    this.stopAutoFlush();
    if (this.closed) return;
    this.closed = true;
    await this.flush();
  }
}

// ---------------------------------------------------------------------- helpers

/** The `k` smallest (by sort key, then value) of what is offered, in order. */
class TopK {
  private readonly items: Array<[string, string]> = [];
  constructor(private readonly k: number) {}

  wouldTake(sortKey: string): boolean {
    return this.items.length < this.k || sortKey <= this.items[this.items.length - 1]![0];
  }

  offer(sortKey: string, value: string): void {
    const items = this.items;
    const last = items[items.length - 1];
    if (items.length >= this.k && last && (sortKey > last[0] || (sortKey === last[0] && value >= last[1]))) return;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = items[mid]!;
      if (m[0] < sortKey || (m[0] === sortKey && m[1] < value)) lo = mid + 1;
      else hi = mid;
    }
    items.splice(lo, 0, [sortKey, value]);
    if (items.length > this.k) items.pop();
  }

  values(): string[] {
    return this.items.map((i) => i[1]);
  }
}

function compareNames(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  return la < lb ? -1 : la > lb ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

function emptyToNull(v: string | null | undefined): string | null | undefined {
  return v === '' ? null : v;
}

function stripAt(u: string): string {
  return u.startsWith('@') ? u.slice(1) : u;
}

function dedupeUsernames(list: readonly string[]): string[] {
  const out: string[] = [];
  const lower: string[] = [];
  for (const raw of list) {
    const u = stripAt(raw);
    if (u === '') continue;
    const l = u.toLowerCase();
    if (lower.includes(l)) continue;
    lower.push(l);
    out.push(u);
  }
  return out;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}


/** The records of an import document, all checked; throws TgshError 22 naming the problems. */
function importRecords(raw: unknown): PeerRecord[] {
  const bad = (msg: string): never => {
    throw new TgshError(ErrorCode.BAD_ARGUMENT, `import: ${msg}`, { hint: "import takes a file written by 'export'" });
  };
  if (!isObject(raw)) return bad('the file is not a JSON object');
  let list: unknown[];
  if (raw.format === EXPORT_FORMAT) {
    if (typeof raw.version !== 'number' || raw.version > EXPORT_VERSION) return bad(`export version ${JSON.stringify(raw.version ?? null)} is newer than this tgsh reads (${EXPORT_VERSION})`);
    if (!Array.isArray(raw.peers)) return bad('"peers" is not a list');
    list = raw.peers;
  } else if (raw.format === PEERS_FORMAT || raw.version === 1) {
    let m: ReturnType<typeof migrate>;
    try {
      m = migrate(raw);
    } catch (e) {
      return bad((e as Error).message);
    }
    list = m.doc.peers;
  } else return bad(`not a tgsh export (format ${JSON.stringify(raw.format ?? null)})`);
  const errors: string[] = [];
  const out: PeerRecord[] = [];
  const seen = new Set<string>();
  list.forEach((item, n) => {
    const r = checkImportRecord(item);
    if (typeof r === 'string') errors.push(`peer #${n + 1}: ${r}`);
    else {
      const key = keyOf(r);
      if (seen.has(key)) errors.push(`peer #${n + 1}: ${key} appears twice`);
      seen.add(key);
      out.push(r);
    }
  });
  if (errors.length > 0) bad(`${errors.length} invalid peer(s): ${errors.slice(0, 3).join('; ')}${errors.length > 3 ? '; ...' : ''}`);
  return out;
}

function setConsents(rec: PeerRecord, ledger: { current: Consent; others: Consent[] | undefined }): void {
  rec.consent = ledger.current;
  if (ledger.others) rec.otherConsents = ledger.others;
  else delete rec.otherConsents;
}

function setMemberships(rec: PeerRecord, ledger: { current: Membership; others: Membership[] | undefined }): void {
  rec.membership = ledger.current;
  if (ledger.others) rec.otherMemberships = ledger.others;
  else delete rec.otherMemberships;
}
