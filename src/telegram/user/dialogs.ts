// A user account's lists: messages.getDialogs (dialog_list: telegram-cli's limit and offset,
// paged by the last dialog's top message), contacts.getContacts, and read marks
// (messages.readHistory, channels.readHistory for channels and supergroups).

import type { PeerRecord } from '../../peers/types.js';
import { Api } from '../mtproto/index.js';
import type { TlObject } from '../resolver/tl-peers.js';
import { inputChannelOf, inputPeerOf, isChannel, long, type CallOptions, type UserAccount } from './account.js';
import { chatMessageOf, learnPeers, peerOfTl, storedPeer } from './convert.js';
import type { DialogEntry } from './types.js';

const PAGE = 100;

/** Dialogs, newest first: `limit` of them after skipping `offset`. */
export async function dialogs(account: UserAccount, limit: number, offset: number, o: CallOptions): Promise<DialogEntry[]> {
  const link = await account.link('dialog_list');
  const self = account.self(link);
  const out: DialogEntry[] = [];
  let skip = offset;
  let offsetId = 0;
  let offsetDate = 0;
  let offsetPeer: Api.TypeInputPeer = new Api.InputPeerEmpty();
  while (out.length < limit) {
    const r = (await account.call('dialog_list', new Api.messages.GetDialogs({ offsetDate, offsetId, offsetPeer, limit: Math.min(PAGE, limit - out.length + skip), hash: long(0) }), o)) as unknown as {
      className: string;
      dialogs: TlObject[];
      messages: TlObject[];
    };
    if (r.className === 'messages.DialogsNotModified') break;
    // Supergroups and channels of the list may be new to the store: their names come with it.
    learnPeers(account.store, r as { users?: unknown[]; chats?: unknown[] });
    let last: { peer: PeerRecord; top?: TlObject } | undefined;
    for (const d of r.dialogs) {
      const where = peerOfTl(d.peer as TlObject);
      if (!where) continue;
      const peer = where.cls === 'user' && where.id === self.id ? self : storedPeer(account.store, where.cls, where.id);
      const topTl = r.messages.find((m) => m.id === d.topMessage && sameChat(m, where));
      last = { peer, top: topTl };
      if (skip > 0) {
        skip--;
        continue;
      }
      if (out.length >= limit) break;
      const mark = topTl ? (topTl.out ? (d.readOutboxMaxId as number) : (d.readInboxMaxId as number)) : undefined;
      out.push({ peer, unread: typeof d.unreadCount === 'number' ? d.unreadCount : 0, top: topTl ? chatMessageOf(account.store, self, topTl, mark) : undefined });
    }
    // The end: a whole list (messages.dialogs), or a short page.
    if (r.className === 'messages.Dialogs' || r.dialogs.length === 0 || !last?.top) break;
    offsetId = last.top.id as number;
    offsetDate = last.top.date as number;
    offsetPeer = inputPeerOf(last.peer, self.id);
  }
  return out;
}

function sameChat(m: TlObject, where: { cls: string; id: number }): boolean {
  const p = peerOfTl(m.peerId as TlObject);
  return p !== undefined && p.cls === where.cls && p.id === where.id;
}

/** The account's contacts (contacts.getContacts), as stored peers. */
export async function contacts(account: UserAccount, o: CallOptions): Promise<PeerRecord[]> {
  const r = await account.call('contact_list', new Api.contacts.GetContacts({ hash: long(0) }), o);
  if (!(r instanceof Api.contacts.Contacts)) return [];
  return r.contacts.map((c) => storedPeer(account.store, 'user', Number(c.userId.toString())));
}

/** Marks everything in `peer` read; how many updates Telegram made (0: nothing was unread). */
export async function markRead(account: UserAccount, peer: PeerRecord, o: CallOptions): Promise<number> {
  const link = await account.link('mark_read');
  const self = account.self(link);
  if (isChannel(peer)) {
    await account.call('mark_read', new Api.channels.ReadHistory({ channel: inputChannelOf(peer), maxId: 0 }), { ...o, peer });
    return 1;
  }
  const r = await account.call('mark_read', new Api.messages.ReadHistory({ peer: inputPeerOf(peer, self.id), maxId: 0 }), { ...o, peer });
  return r.ptsCount;
}
