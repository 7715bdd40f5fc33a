// Reading a user account's box: messages.getHistory, messages.search, messages.getMessages, with Telegram's offset_id / add_offset / limit paging (a supergroup's or
// channel's history and search: channel-history.ts).

import { type AccountMessage, type AccountPeer, peerKey } from '../../world/accounts.js';
import { Api } from '../gramjs.js';
import { peersOf, tlMessage } from '../messages-tl.js';
import { accountPeer, userOnly } from './account-common.js';
import { channelHistory, channelSearch } from './channel-history.js';
import { page } from './paging.js';
import type { MethodContext, MethodTable } from './types.js';

function answer(ctx: MethodContext, me: number, all: AccountMessage[], picked: AccountMessage[]): Api.messages.TypeMessages {
  const { users, chats } = peersOf(ctx.world, me, picked);
  const messages = picked.map((m) => tlMessage(m, ctx.endpoint.dcId));
  // messages.messages only when it holds everything; else a slice with the total count.
  if (picked.length === all.length) return new Api.messages.Messages({ messages, users, chats });
  return new Api.messages.MessagesSlice({ count: all.length, messages, users, chats });
}

function matchesFilter(m: AccountMessage, filter: Api.TypeMessagesFilter | undefined): boolean {
  if (!filter || filter instanceof Api.InputMessagesFilterEmpty) return true;
  if (filter instanceof Api.InputMessagesFilterPhotos || filter instanceof Api.InputMessagesFilterPhotoVideo) return m.media?.kind === 'photo';
  if (filter instanceof Api.InputMessagesFilterDocument) return m.media?.kind === 'document';
  if (filter instanceof Api.InputMessagesFilterUrl) return m.entities.some((e) => e.type === 'url' || e.type === 'text_link');
  // The other filters (voice, music, gifs, ...) find nothing: the sandbox holds no such media.
  return false;
}

export const historyMethods: MethodTable = {
  'messages.getHistory': {
    login: true,
    run(req: Api.messages.GetHistory, ctx) {
      const me = userOnly(ctx);
      if (req.peer instanceof Api.InputPeerChannel) return channelHistory(req, ctx, me);
      const peer = accountPeer(ctx, req.peer, me, 'read');
      const all = ctx.world.accounts.account(me).history(peer).reverse();
      return answer(ctx, me, all, page(all, req));
    },
  },

  'messages.search': {
    login: true,
    run(req: Api.messages.Search, ctx) {
      const me = userOnly(ctx);
      if (req.peer instanceof Api.InputPeerChannel) return channelSearch(req, ctx, me);
      const a = ctx.world.accounts.account(me);
      const peer: AccountPeer | undefined = req.peer instanceof Api.InputPeerEmpty ? undefined : accountPeer(ctx, req.peer, me, 'read');
      const from: AccountPeer | undefined = req.fromId ? accountPeer(ctx, req.fromId, me, 'read') : undefined;
      const q = (req.q ?? '').toLowerCase();
      const key = peer ? peerKey(peer) : undefined;
      const all = [...a.messages.values()]
        .filter(
          (m) =>
            (key === undefined || peerKey(m.peer) === key) &&
            (q === '' || m.text.toLowerCase().includes(q)) &&
            (!from || (from.type === 'user' && m.from === from.id)) &&
            (!req.minDate || m.date >= req.minDate) &&
            (!req.maxDate || m.date <= req.maxDate) &&
            matchesFilter(m, req.filter),
        )
        .reverse();
      return answer(ctx, me, all, page(all, { ...req, offsetDate: 0 }));
    },
  },

  'messages.getMessages': {
    login: true,
    run(req: Api.messages.GetMessages, ctx) {
      const me = userOnly(ctx);
      const a = ctx.world.accounts.account(me);
      const found: AccountMessage[] = [];
      const out = req.id.map((input) => {
        const id = input instanceof Api.InputMessageID ? input.id : 0;
        const m = a.messages.get(id);
        if (!m) return new Api.MessageEmpty({ id });
        found.push(m);
        return tlMessage(m, ctx.endpoint.dcId);
      });
      const { users, chats } = peersOf(ctx.world, me, found);
      return new Api.messages.Messages({ messages: out, users, chats });
    },
  },

};
