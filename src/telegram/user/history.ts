// Reading a user account's box: messages.getHistory (telegram-cli's `history <peer> [limit]
// [offset]`: the newest `limit` after skipping `offset`), messages.search, and messages by id
// (messages.getMessages, channels.getMessages) for commands given a message id.

import type { PeerRecord } from '../../peers/types.js';
import { Api } from '../mtproto/index.js';
import type { TlObject } from '../resolver/tl-peers.js';
import { inputChannelOf, inputPeerOf, isChannel, long, type CallOptions, type UserAccount } from './account.js';
import { chatMessageOf } from './convert.js';
import type { ChatMessage } from './types.js';

type Messages = { messages: TlObject[] };

function toMessages(account: UserAccount, self: PeerRecord, r: Messages, readMark?: { inbox: number; outbox: number }): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const m of r.messages) {
    const mark = readMark ? (m.out ? readMark.outbox : readMark.inbox) : undefined;
    const c = chatMessageOf(account.store, self, m, mark);
    if (c) out.push(c);
  }
  return out;
}

/** The newest `limit` messages with `peer`, after skipping the `offset` newest; newest first. */
export async function history(account: UserAccount, peer: PeerRecord, limit: number, offset: number, o: CallOptions): Promise<ChatMessage[]> {
  const link = await account.link('history');
  const self = account.self(link);
  const r = (await account.call(
    `reading the history with ${peer.printName}`,
    new Api.messages.GetHistory({ peer: inputPeerOf(peer, self.id), offsetId: 0, offsetDate: 0, addOffset: offset, limit, maxId: 0, minId: 0, hash: long(0) }),
    { ...o, peer },
  )) as unknown as Messages;
  // Read marks would take messages.getPeerDialogs: `unread` is Telegram's media_unread here.
  return toMessages(account, self, r);
}

/** Messages matching `pattern` in `peer` (every chat when undefined), newest first. */
export async function search(account: UserAccount, peer: PeerRecord | undefined, pattern: string, limit: number, o: CallOptions): Promise<ChatMessage[]> {
  const link = await account.link('search');
  const self = account.self(link);
  const request = peer
    ? new Api.messages.Search({ peer: inputPeerOf(peer, self.id), q: pattern, filter: new Api.InputMessagesFilterEmpty(), minDate: 0, maxDate: 0, offsetId: 0, addOffset: 0, limit, maxId: 0, minId: 0, hash: long(0) })
    : new Api.messages.SearchGlobal({ q: pattern, filter: new Api.InputMessagesFilterEmpty(), minDate: 0, maxDate: 0, offsetRate: 0, offsetPeer: new Api.InputPeerEmpty(), offsetId: 0, limit });
  const r = (await account.call(`searching for '${pattern}'`, request, { ...o, peer })) as unknown as Messages;
  return toMessages(account, self, r);
}

/** Messages by id: of this account's box (`chat` undefined or not a channel), or of a channel. */
export async function messagesById(account: UserAccount, chat: PeerRecord | undefined, ids: number[], o: CallOptions): Promise<Array<{ message: ChatMessage; tl: TlObject }>> {
  const link = await account.link('reading messages');
  const self = account.self(link);
  const input = ids.map((id) => new Api.InputMessageID({ id }));
  const r = (
    chat && isChannel(chat)
      ? await account.call('reading messages', new Api.channels.GetMessages({ channel: inputChannelOf(chat), id: input }), { ...o, peer: chat })
      : await account.call('reading messages', new Api.messages.GetMessages({ id: input }), { ...o, peer: chat })
  ) as unknown as Messages;
  const out: Array<{ message: ChatMessage; tl: TlObject }> = [];
  for (const tl of r.messages) {
    const message = chatMessageOf(account.store, self, tl, Number.MAX_SAFE_INTEGER);
    if (message) out.push({ message, tl });
  }
  return out;
}
