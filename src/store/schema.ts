// The on-disk shape of the peer store (peers.json), its schema versions and the migrations between
// them. Pure: documents in, documents out.
//
// Schema 2 (current):
//   { "format": "tgsh-peers", "schema": 2,
//     "peers":      [ PeerRecord, ... ],                         // one per `<class>:<id>`
//     "tombstones": { "user:456": <deletedAt ms>, ... },        // forgotten peers, kept 30 days
//     "state":      { "update_offset": { "value": 42, "updatedAt": <ms> } },
//     "__internal__": { ... } }                                  // conf's own key, kept as found
//   A record's key is `<class>:<id>` (class: user, chat, channel), from its kind and id. Access
//   hashes are signed decimal strings. Each record carries `updatedAt`: on a merge the newer
//   record (or tombstone) wins. `peers` is a list rather than an object keyed by `<class>:<id>`:
//   at 100k peers it parses, walks and serializes faster.
//
// Schema 1 (tgsh before the store rewrite):
//   { "version": 1, "peers": [ { "type": "user"|"chat"|"channel", "id": 1, "access_hash": "...",
//     "first_name", "last_name", "title", "username", "phone", "print_name", "bot": bool,
//     "megagroup": bool, "seen": <unix seconds> }, ... ] }

import { isNormalAccessHash, normaliseAccessHash } from '../peers/access-hash.js';
import { botApiChatIdOf, peerClassOf, type ConsentState, type MembershipStatus, type PeerClass, type PeerKind, type PeerRecord, type PeerSource } from '../peers/types.js';
import { printNameBaseOf, uniquePrintName } from '../peers/print-name.js';
import { isObject } from '../core/json.js';

export const PEERS_FORMAT = 'tgsh-peers';
export const CURRENT_SCHEMA = 2;
/** How long a forgotten peer's tombstone is kept (so another process cannot bring it back). */
export const TOMBSTONE_TTL_MS = 30 * 24 * 3600 * 1000;

export interface StateEntry {
  value: number | string | boolean | null;
  updatedAt: number;
}

export interface PeerDoc {
  format: typeof PEERS_FORMAT;
  schema: number;
  /** Records (and entries this version cannot read, kept as they are). */
  peers: unknown[];
  tombstones: Record<string, number>;
  state: Record<string, StateEntry>;
  __internal__?: unknown;
}

export const PEER_KINDS: readonly PeerKind[] = ['user', 'bot', 'chat', 'channel', 'supergroup'];
const KIND_SET = new Set<string>(PEER_KINDS);
const SOURCE_SET = new Set<string>(['mtproto', 'botapi', 'updates', 'import']);
const CONSENT_SET = new Set<string>(['started', 'blocked', 'stopped', 'unknown']);
const MEMBERSHIP_SET = new Set<string>(['creator', 'administrator', 'member', 'restricted', 'left', 'kicked']);

export function peerKey(cls: PeerClass, id: number): string {
  return `${cls}:${id}`;
}

export function keyOf(p: Pick<PeerRecord, 'kind' | 'id'>): string {
  return peerKey(peerClassOf(p.kind), p.id);
}

export function emptyDoc(): PeerDoc {
  return { format: PEERS_FORMAT, schema: CURRENT_SCHEMA, peers: [], tombstones: Object.create(null) as Record<string, number>, state: Object.create(null) as Record<string, StateEntry> };
}


export class SchemaError extends Error {}

/**
 * Brings a parsed file to the current schema. Throws SchemaError when it is not a peer store at
 * all (the caller treats that as a corrupt file). A newer schema is returned as it is, with
 * `newer` set: it can be read but must not be written by this version.
 */
export function migrate(raw: unknown): { doc: PeerDoc; migratedFrom?: number; newer?: boolean } {
  if (!isObject(raw)) throw new SchemaError('not a JSON object');
  // A file conf created empty (or that holds only conf's own key) is an empty store.
  const keys = Object.keys(raw).filter((k) => k !== '__internal__');
  if (keys.length === 0) return { doc: { ...emptyDoc(), __internal__: raw.__internal__ } };
  if (raw.version === 1 && Array.isArray(raw.peers)) return { doc: migrateV1(raw), migratedFrom: 1 };
  if (raw.format !== PEERS_FORMAT) throw new SchemaError(`not a tgsh peer store (format ${JSON.stringify(raw.format ?? null)})`);
  const schema = raw.schema;
  if (typeof schema !== 'number' || !Number.isInteger(schema) || schema < 2) throw new SchemaError(`unknown schema ${JSON.stringify(schema ?? null)}`);
  // A newer tgsh's file is read as far as it can be, and never written (nor moved aside).
  const newer = schema > CURRENT_SCHEMA;
  if (!Array.isArray(raw.peers) && !newer) throw new SchemaError('"peers" is not a list');
  const doc: PeerDoc = {
    format: PEERS_FORMAT,
    schema,
    peers: Array.isArray(raw.peers) ? raw.peers : [],
    tombstones: isObject(raw.tombstones) ? (raw.tombstones as Record<string, number>) : (Object.create(null) as Record<string, number>),
    state: isObject(raw.state) ? (raw.state as Record<string, StateEntry>) : (Object.create(null) as Record<string, StateEntry>),
    __internal__: raw.__internal__,
  };
  return newer ? { doc, newer: true } : { doc };
}

/** Schema 1 -> 2: an array of snake_case records becomes records keyed by `<class>:<id>`. */
function migrateV1(raw: Record<string, unknown>): PeerDoc {
  const doc = emptyDoc();
  doc.__internal__ = raw.__internal__;
  const taken = new Set<string>();
  for (const item of raw.peers as unknown[]) {
    if (!isObject(item)) continue;
    const type = item.type;
    const id = item.id;
    if ((type !== 'user' && type !== 'chat' && type !== 'channel') || typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) continue;
    const kind: PeerKind = type === 'user' ? (item.bot === true ? 'bot' : 'user') : type === 'chat' ? 'chat' : item.megagroup === true ? 'supergroup' : 'channel';
    const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
    const seenMs = typeof item.seen === 'number' && item.seen > 0 ? item.seen * 1000 : 0;
    let accessHash: string | undefined;
    try {
      accessHash = item.access_hash !== undefined && item.access_hash !== null ? normaliseAccessHash(item.access_hash) : undefined;
    } catch {
      accessHash = undefined;
    }
    const rec: PeerRecord = {
      kind,
      id,
      accessHash,
      firstName: str(item.first_name),
      lastName: str(item.last_name),
      title: str(item.title),
      usernames: str(item.username) ? [str(item.username)!] : [],
      phone: str(item.phone),
      printName: '',
      botApiChatId: botApiChatIdOf(kind, id),
      sources: ['mtproto'],
      firstSeen: seenMs,
      lastSeen: seenMs,
      updatedAt: seenMs,
    };
    const base = str(item.print_name) ?? printNameBaseOf({ cls: peerClassOf(kind), id, firstName: rec.firstName, lastName: rec.lastName, title: rec.title });
    const name = uniquePrintName(base, (n) => taken.has(n));
    taken.add(name);
    rec.printName = name;
    for (const k of Object.keys(rec) as Array<keyof PeerRecord>) if (rec[k] === undefined) delete rec[k];
    doc.peers.push(rec);
  }
  return doc;
}

const TEXT_FIELDS = ['firstName', 'lastName', 'title', 'phone', 'bio'] as const;
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The `<class>:<id>` key of a stored entry, or undefined when it has no valid kind and id. */
export function keyOfEntry(v: unknown): string | undefined {
  if (!isObject(v)) return undefined;
  const kind = v.kind;
  const id = v.id;
  if (typeof kind !== 'string' || !KIND_SET.has(kind) || typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  return peerKey(peerClassOf(kind as PeerKind), id);
}

/**
 * Checks one stored record (and repairs what can be repaired in place: missing arrays, the Bot
 * API id). Returns the record, or why it cannot be used.
 */
export function checkRecord(v: unknown): PeerRecord | string {
  if (!isObject(v)) return 'not an object';
  const kind = v.kind;
  if (typeof kind !== 'string' || !KIND_SET.has(kind)) return `bad kind ${JSON.stringify(kind ?? null)}`;
  const id = v.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return 'bad id';
  const k = kind as PeerKind;
  if (typeof v.printName !== 'string' || v.printName.length === 0) return 'no print name';
  if (!Array.isArray(v.usernames)) v.usernames = [];
  else if (!v.usernames.every((u) => typeof u === 'string')) return 'bad usernames';
  if (!Array.isArray(v.sources)) v.sources = [];
  if (v.accessHash !== undefined && !isNormalAccessHash(v.accessHash)) return 'bad access hash';
  if (!num(v.firstSeen)) v.firstSeen = 0;
  if (!num(v.lastSeen)) v.lastSeen = v.firstSeen;
  if (!num(v.updatedAt)) v.updatedAt = v.lastSeen;
  if (v.botApiChatId === undefined) v.botApiChatId = botApiChatIdOf(k, id);
  for (const f of TEXT_FIELDS) {
    if (v[f] !== undefined && typeof v[f] !== 'string') return `bad ${f}`;
  }
  if (v.consent !== undefined && !isConsent(v.consent)) return 'bad consent';
  if (v.membership !== undefined && !isMembership(v.membership)) return 'bad membership';
  if (v.otherConsents !== undefined && !isOtherEntries(v.otherConsents, isConsent)) return 'bad otherConsents';
  if (v.otherMemberships !== undefined && !isOtherEntries(v.otherMemberships, isMembership)) return 'bad otherMemberships';
  return v as unknown as PeerRecord;
}

/** Checks a record from an import document: stricter (no repairs of the key) and with field names in errors. */
export function checkImportRecord(v: unknown): PeerRecord | string {
  if (!isObject(v)) return 'not an object';
  if (typeof v.kind !== 'string' || !KIND_SET.has(v.kind)) return `"kind" must be one of ${PEER_KINDS.join(', ')}`;
  if (typeof v.id !== 'number' || !Number.isSafeInteger(v.id) || v.id <= 0) return '"id" must be a positive integer';
  if (v.accessHash !== undefined) {
    try {
      v.accessHash = normaliseAccessHash(v.accessHash as string);
    } catch (e) {
      return `"accessHash": ${(e as Error).message}`;
    }
  }
  if (v.usernames !== undefined && (!Array.isArray(v.usernames) || !v.usernames.every((u) => typeof u === 'string' && /^[A-Za-z0-9_]{1,64}$/.test(u)))) {
    return '"usernames" must be a list of usernames';
  }
  for (const f of ['firstName', 'lastName', 'title', 'phone', 'bio', 'printName'] as const) {
    if (v[f] !== undefined && typeof v[f] !== 'string') return `"${f}" must be a string`;
  }
  for (const f of ['firstSeen', 'lastSeen', 'lastInteraction', 'usernamesCheckedAt', 'updatedAt', 'lastOnline', 'members', 'admins', 'flags'] as const) {
    if (v[f] !== undefined && !num(v[f])) return `"${f}" must be a number`;
  }
  if (v.sources !== undefined && (!Array.isArray(v.sources) || !v.sources.every((s) => SOURCE_SET.has(s as string)))) return '"sources" has an unknown source';
  if (v.consent !== undefined && !isConsent(v.consent)) return '"consent" must be {state: started|blocked|stopped|unknown, at: ms, bot?: id}';
  if (v.membership !== undefined && !isMembership(v.membership)) return '"membership" must be {status, at: ms, bot?: id}';
  if (v.otherConsents !== undefined && !isOtherEntries(v.otherConsents, isConsent)) return '"otherConsents" must be a list of consents, each with its bot';
  if (v.otherMemberships !== undefined && !isOtherEntries(v.otherMemberships, isMembership)) return '"otherMemberships" must be a list of memberships, each with its bot';
  return v as unknown as PeerRecord;
}

function isConsent(v: unknown): boolean {
  return isObject(v) && CONSENT_SET.has(v.state as string) && num(v.at) && optionalBot(v.bot);
}

function isMembership(v: unknown): boolean {
  return isObject(v) && MEMBERSHIP_SET.has(v.status as string) && num(v.at) && optionalBot(v.bot);
}

/** Other bots' entries (store/ledger.ts): a non-empty list, each entry with its bot. */
function isOtherEntries(v: unknown, isEntry: (e: unknown) => boolean): boolean {
  return Array.isArray(v) && v.length > 0 && v.every((e) => isEntry(e) && (e as { bot?: unknown }).bot !== undefined);
}

/** A ledger entry's bot: absent, or a positive id. */
function optionalBot(v: unknown): boolean {
  return v === undefined || (typeof v === 'number' && Number.isSafeInteger(v) && v > 0);
}

export function isConsentState(s: string): s is ConsentState {
  return CONSENT_SET.has(s);
}
export function isMembershipStatus(s: string): s is MembershipStatus {
  return MEMBERSHIP_SET.has(s);
}
export function isPeerSource(s: string): s is PeerSource {
  return SOURCE_SET.has(s);
}
