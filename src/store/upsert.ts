// The upsert rules: what Telegram told about a peer merged into its record. Fields given replace
// the stored ones (null clears), usernames older than the confirmed ones are ignored, the print
// name is given once (only the no-name placeholder gives way to a real name), a username now held
// by this peer is taken off any other record, and freshness stamps alone are written only when
// they move by more than TOUCH_PRECISION_MS.

import { normaliseAccessHash } from '../peers/access-hash.js';
import { botApiChatIdOf, peerClassOf, type PeerRecord, type PeerSource } from '../peers/types.js';
import { TgshError, ErrorCode } from '../core/errors.js';
import { dedupeUsernames, emptyToNull, sameList, stripAt, type PeerInput, type StoreContext } from './records.js';
import { hasPlaceholderName } from './repository.js';
import { PEER_KINDS, peerKey } from './schema.js';

const KIND_SET = new Set<string>(PEER_KINDS);
/** How far lastSeen / usernamesCheckedAt may lag behind the truth before a write is worth it. */
const TOUCH_PRECISION_MS = 10 * 60 * 1000;

/**
 * Merges what Telegram told us into the store: creates the peer, or updates what changed. The
 * print name is given once (from the names) and kept; a username now held by this peer is taken
 * off any other peer that still had it. Returns the stored record (changed in place).
 */
export function upsertPeer(ctx: StoreContext, input: PeerInput, source: PeerSource): PeerRecord {
  if (!KIND_SET.has(input.kind)) throw new TgshError(ErrorCode.BAD_ARGUMENT, `unknown peer kind '${String(input.kind)}'`);
  if (!Number.isSafeInteger(input.id) || input.id <= 0) throw new TgshError(ErrorCode.BAD_ARGUMENT, `bad peer id ${String(input.id)}`);
  const at = input.at ?? ctx.clock();
  const cls = peerClassOf(input.kind);
  const key = peerKey(cls, input.id);
  const existing = ctx.index.get(key);
  if (!existing) return insert(ctx, input, source, key, at);
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
    const name = ctx.index.freePrintName(rec, key);
    if (name !== rec.printName) rec.printName = name;
  }
  rec.updatedAt = ctx.stamp(rec.updatedAt);
  // Another record also claims one of these usernames: it is out of date.
  const rivals = ctx.index.reindex(rec, before);
  if (rivals.length > 0) takeUsernames(ctx, rec, rivals, at);
  return rec;
}

/** A peer met for the first time: the record is built in one go (the common case of a sync). */
function insert(ctx: StoreContext, input: PeerInput, source: PeerSource, key: string, at: number): PeerRecord {
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
  rec.updatedAt = ctx.stamp();
  rec.printName = ctx.index.freePrintName(rec, key);
  const rivals = ctx.index.put(rec, { isNew: true });
  if (rivals.length > 0) takeUsernames(ctx, rec, rivals, at);
  return rec;
}

/** Upserts many peers (one flush writes them all). */
export function upsertMany(ctx: StoreContext, inputs: Iterable<PeerInput>, source: PeerSource): number {
  let n = 0;
  for (const i of inputs) {
    upsertPeer(ctx, i, source);
    n++;
  }
  return n;
}

/**
 * Usernames are unique on Telegram: other records that still claim one of this peer's are out of
 * date (unless their claim was confirmed after `at`) and lose it.
 */
function takeUsernames(ctx: StoreContext, rec: PeerRecord, rivalKeys: readonly string[], at: number): void {
  const mine = new Set(rec.usernames.map((u) => u.toLowerCase()));
  for (const key of new Set(rivalKeys)) {
    const rival = ctx.index.get(key);
    if (!rival || rival === rec || (rival.usernamesCheckedAt ?? 0) > at) continue;
    const before = { printName: rival.printName, usernames: [...rival.usernames] };
    rival.usernames = rival.usernames.filter((u) => !mine.has(u.toLowerCase()));
    rival.updatedAt = ctx.stamp(rival.updatedAt);
    ctx.index.reindex(rival, before);
  }
  // The index now points at this peer for every name it took over.
  ctx.index.reindex(rec, { printName: rec.printName, usernames: [] }, false);
}
