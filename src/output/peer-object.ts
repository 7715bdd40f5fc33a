// telegram-cli's JSON peer object: its keys, in its order, from a stored peer record.

import { PeerFlag } from '../peers/flags.js';
import type { JsonValue } from '../core/json.js';
import { encodePermanentId } from '../peers/permanent-id.js';
import { peerClassOf, type ChatMember, type PeerRecord } from '../peers/types.js';


/** True when nothing but the id is known (telegram-cli printed only id, type, peer_id, print_name). */
export function isBarePeer(p: PeerRecord): boolean {
  return p.firstName === undefined && p.lastName === undefined && p.title === undefined && p.usernames.length === 0;
}

export function defaultFlags(p: PeerRecord): number {
  let f = PeerFlag.CREATED;
  if (p.kind === 'bot') f |= PeerFlag.BOT;
  if (p.kind === 'channel') f |= PeerFlag.CHANNEL_BROADCAST;
  if (p.kind === 'supergroup') f |= PeerFlag.CHANNEL_MEGAGROUP;
  return f;
}

export function permanentIdOf(p: PeerRecord): string {
  return encodePermanentId({ type: peerClassOf(p.kind), id: p.id, accessHash: BigInt(p.accessHash ?? '0') });
}

/** `YYYY-MM-DD HH:MM:SS` in local time, as telegram-cli printed `when`. */
export function formatWhen(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
}

/** `members`: a basic group's, for telegram-cli's `admin` and `members` keys (chat_info). */
export function peerObject(p: PeerRecord, members?: readonly ChatMember[]): { [key: string]: JsonValue | undefined } {
  const cls = peerClassOf(p.kind);
  const base: { [key: string]: JsonValue | undefined } = {
    id: permanentIdOf(p),
    peer_type: cls,
    peer_id: p.id,
    print_name: p.printName,
  };
  if (isBarePeer(p)) return base;
  base.flags = p.flags ?? defaultFlags(p);
  if (cls === 'user') {
    base.first_name = p.firstName;
    base.when = p.lastOnline !== undefined ? formatWhen(p.lastOnline) : undefined;
    base.last_name = p.lastName;
    base.phone = p.phone;
    base.username = p.usernames[0];
  } else if (cls === 'chat') {
    base.title = p.title;
    const admin = members?.find((m) => m.admin);
    if (admin) base.admin = peerObject(admin.peer);
    base.members_num = p.members;
    if (members) base.members = members.map((m) => peerObject(m.peer));
  } else {
    base.title = p.title;
    base.participants_count = p.members;
    base.admins_count = p.admins;
    base.username = p.usernames[0];
  }
  return base;
}

/** `First Last`, or the title: what telegram-cli printed for a peer in text. */
