// GramJS's TL objects (User, Channel, Chat and their -Forbidden/-Empty forms) -> what the store
// takes. Read by `className`, so this file needs no GramJS import. Ids and access hashes arrive as
// big-integer objects: ids go through toString() (they fit 52 bits), access hashes stay strings.

import { PeerFlag } from '../../peers/flags.js';
import type { PeerInput } from '../../store/peer-store.js';

/** The fields of GramJS's objects this file reads (all optional: TL flags fields are null when absent). */
export interface TlObject {
  className?: string;
  [field: string]: unknown;
}

type Big = { toString(): string } | number | bigint | null | undefined;

export function tlId(x: Big): number {
  if (x === null || x === undefined) return NaN;
  return Number(typeof x === 'object' ? x.toString() : x);
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** Active usernames, the editable one first (Telegram lists several in `usernames`, one in `username`). */
export function tlUsernames(o: TlObject): string[] {
  const out: string[] = [];
  const main = text(o.username);
  if (main) out.push(main);
  if (Array.isArray(o.usernames)) {
    for (const u of o.usernames as TlObject[]) {
      const n = text(u?.username);
      if (n && u.active !== false && !out.some((x) => x.toLowerCase() === n.toLowerCase())) {
        if (u.editable) out.unshift(n);
        else out.push(n);
      }
    }
  }
  return out;
}

export function userFlags(u: TlObject): number {
  let f: number = PeerFlag.CREATED;
  const photo = u.photo as TlObject | null | undefined;
  if (photo && photo.className !== 'UserProfilePhotoEmpty') f |= PeerFlag.HAS_PHOTO;
  if (u.deleted) f |= PeerFlag.DELETED;
  if (u.verified) f |= PeerFlag.OFFICIAL;
  if (u.contact) f |= PeerFlag.CONTACT;
  if (u.mutualContact) f |= PeerFlag.MUTUAL_CONTACT;
  if (u.self) f |= PeerFlag.SELF;
  if (u.bot) f |= PeerFlag.BOT;
  return f;
}

/** A User (undefined for UserEmpty or anything else). `min` users carry no usable hash or names. */
export function peerInputOfUser(u: TlObject): PeerInput | undefined {
  if (u?.className !== 'User') return undefined;
  const id = tlId(u.id as Big);
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  const input: PeerInput = { kind: u.bot ? 'bot' : 'user', id };
  if (u.min) return input;
  input.flags = userFlags(u);
  if (u.accessHash !== null && u.accessHash !== undefined) input.accessHash = decimal(u.accessHash);
  if (!u.deleted) {
    input.firstName = text(u.firstName);
    input.lastName = text(u.lastName);
    input.usernames = tlUsernames(u);
  }
  const phone = text(u.phone);
  if (phone) input.phone = phone;
  const status = u.status as TlObject | null | undefined;
  if (status?.className === 'UserStatusOffline' && typeof status.wasOnline === 'number') input.lastOnline = status.wasOnline;
  return input;
}

/** A Channel, ChannelForbidden, Chat or ChatForbidden (undefined for ChatEmpty). */
export function peerInputOfChat(c: TlObject): PeerInput | undefined {
  const id = tlId(c?.id as Big);
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  switch (c.className) {
    case 'Channel':
    case 'ChannelForbidden': {
      const megagroup = c.megagroup === true;
      const input: PeerInput = { kind: megagroup ? 'supergroup' : 'channel', id };
      if (c.min) return input;
      input.flags = PeerFlag.CREATED | (c.broadcast ? PeerFlag.CHANNEL_BROADCAST : 0) | (megagroup ? PeerFlag.CHANNEL_MEGAGROUP : 0);
      if (c.accessHash !== null && c.accessHash !== undefined) input.accessHash = decimal(c.accessHash);
      const title = text(c.title);
      if (title) input.title = title;
      if (c.className === 'Channel') {
        input.usernames = tlUsernames(c);
        if (typeof c.participantsCount === 'number') input.members = c.participantsCount;
      }
      return input;
    }
    case 'Chat':
    case 'ChatForbidden': {
      const input: PeerInput = { kind: 'chat', id, flags: PeerFlag.CREATED };
      const title = text(c.title);
      if (title) input.title = title;
      if (typeof c.participantsCount === 'number') input.members = c.participantsCount;
      return input;
    }
  }
  return undefined;
}

/** Every user and chat of an answer, for the store. */
export function peerInputsOf(users: readonly unknown[] = [], chats: readonly unknown[] = []): PeerInput[] {
  const out: PeerInput[] = [];
  for (const u of users) {
    const p = peerInputOfUser(u as TlObject);
    if (p) out.push(p);
  }
  for (const c of chats) {
    const p = peerInputOfChat(c as TlObject);
    if (p) out.push(p);
  }
  return out;
}

/** A GramJS 64-bit integer (big-integer) as its decimal digits. */
function decimal(x: { toString(): string }): string {
  return x.toString();
}
