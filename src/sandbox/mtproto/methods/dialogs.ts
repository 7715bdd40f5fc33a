// messages.getDialogs: a user account's dialogs, newest first. Its private chats and basic groups
// come from the account's own box; the supergroups and broadcast channels it is a member of from
// their one box each (the chat's pts and the account's read mark there). Paged as Telegram pages:
// after the dialog named by offset_peer + offset_id + offset_date, else after that date.

import { type AccountMessage, type AccountPeer, peerKey } from '../../world/accounts.js';
import type { BotApiMessage } from '../../world/botapi-types.js';
import { CHANNEL_ID_OFFSET } from '../../world/world.js';
import { Api, big, toId } from '../gramjs.js';
import { peersOf, tlMessage, tlPeer } from '../messages-tl.js';
import { userOnly } from './account-common.js';
import { channelMessages, channelPeersOf, channelPts, type GroupChat, isOwnMessage, readMark, tlChannelMessage } from './channel-box.js';
import { LIMIT_MAX } from './paging.js';
import type { MethodContext, MethodTable } from './types.js';

/** A dialog by its top message: of the account's box, or of a supergroup's or channel's. */
type Top = { key: string; date: number; id: number } & ({ box: AccountMessage } | { chat: GroupChat; m: BotApiMessage; shown: BotApiMessage[] });

function boxTops(ctx: MethodContext, me: number): Top[] {
  const tops = new Map<string, AccountMessage>();
  for (const m of ctx.world.accounts.account(me).messages.values()) tops.set(peerKey(m.peer), m);
  return [...tops].map(([key, m]) => ({ key, date: m.date, id: m.id, box: m }));
}

function channelTops(ctx: MethodContext, me: number): Top[] {
  const w = ctx.world;
  const out: Top[] = [];
  for (const ch of w.channels.values()) {
    if (!ch.members.includes(me) || (ch.kicked ?? []).includes(me)) continue;
    const chat = w.chatById(-CHANNEL_ID_OFFSET - ch.id) as GroupChat | undefined;
    const shown = chat ? channelMessages(w, chat) : [];
    const m = shown.at(-1);
    if (chat && m) out.push({ key: `channel:${ch.id}`, date: m.date, id: m.message_id, chat, m, shown });
  }
  return out;
}

/** The key of the dialog offset_peer names (undefined: none, or a peer of no dialog). */
function offsetKey(p: Api.TypeInputPeer): string | undefined {
  if (p instanceof Api.InputPeerUser) return `user:${toId(p.userId)}`;
  if (p instanceof Api.InputPeerChat) return `chat:${toId(p.chatId)}`;
  if (p instanceof Api.InputPeerChannel) return `channel:${toId(p.channelId)}`;
  return undefined;
}

/** Where the page starts in `sorted` (newest first). */
function pageStart(sorted: Top[], req: Api.messages.GetDialogs, me: number): number {
  if (req.offsetDate <= 0 && req.offsetId <= 0) return 0;
  // The account's own chat (Saved Messages) is offset_peer inputPeerSelf.
  const key = req.offsetPeer instanceof Api.InputPeerSelf ? `user:${me}` : offsetKey(req.offsetPeer as Api.TypeInputPeer);
  const at = sorted.findIndex((t) => t.key === key && t.id === req.offsetId);
  if (at >= 0) return at + 1;
  const after = sorted.findIndex((t) =>
    req.offsetDate > 0 ? t.date < req.offsetDate || (t.date === req.offsetDate && req.offsetId > 0 && t.id < req.offsetId) : t.id < req.offsetId,
  );
  return after < 0 ? sorted.length : after;
}

function dialogOf(ctx: MethodContext, me: number, t: Top): Api.Dialog {
  const common = { topMessage: t.id, unreadMentionsCount: 0, unreadReactionsCount: 0, notifySettings: new Api.PeerNotifySettings({}) };
  if ('box' in t) {
    const a = ctx.world.accounts.account(me);
    const peer: AccountPeer = t.box.peer;
    return new Api.Dialog({
      ...common,
      peer: tlPeer(peer),
      readInboxMaxId: a.readInbox.get(t.key) ?? 0,
      readOutboxMaxId: a.readOutbox.get(t.key) ?? 0,
      unreadCount: a.unreadCount(peer),
    });
  }
  const w = ctx.world;
  const mark = readMark(w, t.chat, me);
  return new Api.Dialog({
    ...common,
    peer: new Api.PeerChannel({ channelId: big(t.chat.channel.id) }),
    readInboxMaxId: mark,
    readOutboxMaxId: 0,
    unreadCount: t.shown.filter((m) => m.message_id > mark && !isOwnMessage(t.chat, m, me)).length,
    pts: channelPts(w, t.chat),
  });
}

export const dialogMethods: MethodTable = {
  'messages.getDialogs': {
    login: true,
    run(req: Api.messages.GetDialogs, ctx) {
      const me = userOnly(ctx);
      // The archive (folder 1) is empty in the sandbox.
      if (req.folderId === 1) return new Api.messages.Dialogs({ dialogs: [], messages: [], chats: [], users: [] });
      const sorted = [...boxTops(ctx, me), ...channelTops(ctx, me)].sort((x, y) => y.date - x.date || y.id - x.id);
      const limit = Math.min(Math.max(req.limit, 0) || LIMIT_MAX, LIMIT_MAX);
      const picked = sorted.slice(pageStart(sorted, req, me)).slice(0, limit);
      const boxMessages = picked.flatMap((t) => ('box' in t ? [t.box] : []));
      const { users, chats } = peersOf(ctx.world, me, boxMessages, [me]);
      // A peer's serialised bytes are cached (peers.ts): the same buffer for each mention of it.
      const userSet = new Map(users.map((u) => [u.getBytes(), u]));
      const chatSet = new Map(chats.map((c) => [c.getBytes(), c]));
      for (const t of picked) {
        if ('box' in t) continue;
        const more = channelPeersOf(ctx.world, t.chat, [t.m], me);
        for (const u of more.users) if (!userSet.has(u.getBytes())) userSet.set(u.getBytes(), u);
        for (const c of more.chats) if (!chatSet.has(c.getBytes())) chatSet.set(c.getBytes(), c);
      }
      const dialogs = picked.map((t) => dialogOf(ctx, me, t));
      const messages = picked.map((t) => ('box' in t ? tlMessage(t.box, ctx.endpoint.dcId) : tlChannelMessage(ctx.world, ctx.endpoint.dcId, t.chat, t.m, me)));
      if (picked.length === sorted.length) return new Api.messages.Dialogs({ dialogs, messages, chats: [...chatSet.values()], users: [...userSet.values()] });
      return new Api.messages.DialogsSlice({ count: sorted.length, dialogs, messages, chats: [...chatSet.values()], users: [...userSet.values()] });
    },
  },
};
