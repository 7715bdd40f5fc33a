// What the service's parts share: the input and target types, the context each part works in
// (the index, the clock, the bound bot), and small helpers on usernames and names.

import type { AccessHashInput } from '../peers/access-hash.js';
import { printNameBaseOf } from '../peers/print-name.js';
import { peerClassOf, type Consent, type Membership, type PeerClass, type PeerKind, type PeerRecord } from '../peers/types.js';
import type { PeerIndex } from './backend.js';
import type { CredentialsStore } from './credentials.js';
import type { SettingsStore } from './settings.js';

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

/** The state every part of the service works on. */
export interface StoreContext {
  readonly index: PeerIndex;
  readonly clock: () => number;
  /** The bot whose ledger entries and offset are read and written (undefined: none configured). */
  readonly botId: number | undefined;
  readonly settings: SettingsStore;
  readonly credentials: CredentialsStore;
  /** A change time: now, and always later than the record's previous change. */
  stamp(prev?: number): number;
}

export const HOUR = 3600 * 1000;
export const DAY = 24 * HOUR;

export function classOfTarget(t: PeerTarget): PeerClass {
  return 'cls' in t ? t.cls : peerClassOf(t.kind);
}

/** A reference as typed, safe to echo in an error (no control characters, at most 64 chars). */
export function clean(s: string): string {
   
  const c = s.replace(/[\u0000-\u001f\u007f]/g, '?');
  return c.length > 64 ? c.slice(0, 64) + '...' : c;
}

export function compareNames(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  return la < lb ? -1 : la > lb ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

export function emptyToNull(v: string | null | undefined): string | null | undefined {
  return v === '' ? null : v;
}

export function stripAt(u: string): string {
  return u.startsWith('@') ? u.slice(1) : u;
}

export function dedupeUsernames(list: readonly string[]): string[] {
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

export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function setConsents(rec: PeerRecord, ledger: { current: Consent; others: Consent[] | undefined }): void {
  rec.consent = ledger.current;
  if (ledger.others) rec.otherConsents = ledger.others;
  else delete rec.otherConsents;
}

export function setMemberships(rec: PeerRecord, ledger: { current: Membership; others: Membership[] | undefined }): void {
  rec.membership = ledger.current;
  if (ledger.others) rec.otherMemberships = ledger.others;
  else delete rec.otherMemberships;
}

/**
 * A free print name for a record: its names' base, or `base#1`, `base#2`, ... when taken. Every
 * `base#k` below the hint is known to be taken: a thousand namesakes cost one lookup each, not a
 * thousand. The index that owns `hints` lowers a hint when a suffixed name is released.
 */
export function firstFreePrintName(rec: PeerRecord, taken: (name: string) => boolean, hints: Map<string, number>): string {
  const base = printNameBaseOf({ cls: peerClassOf(rec.kind), id: rec.id, firstName: rec.firstName, lastName: rec.lastName, title: rec.title });
  if (!taken(base)) return base;
  let k = hints.get(base) ?? 1;
  while (taken(`${base}#${k}`)) k++;
  hints.set(base, k);
  return `${base}#${k}`;
}
