// Reading and changing a supergroup's or broadcast channel's one box as a user account:
// messages.getHistory and messages.search on an inputPeerChannel, channels.getMessages,
// channels.readHistory, channels.deleteMessages and updates.getChannelDifference, with Telegram's
// answers (messages.channelMessages, the chat's own pts) and refusals (CHANNEL_INVALID,
// CHANNEL_PRIVATE, MESSAGE_DELETE_FORBIDDEN).

import type { BotApiMessage } from '../../world/botapi-types.js';
import { rpcError } from '../errors.js';
import { Api, big } from '../gramjs.js';
import { userOnly } from './account-common.js';
import {
  channelEventsAfter,
  channelMessages,
  channelPeersOf,
  channelPts,
  deleteFromChannel,
  type GroupChat,
  isChannelAdmin,
  markChannelRead,
  readableChannel,
  tlChannelMessage,
} from './channel-box.js';
import { page } from './paging.js';
import type { MethodContext, MethodTable } from './types.js';

/** getChannelDifference's largest answer, and how long a client waits before asking again (seconds). */
const DIFFERENCE_MAX = 100;
const DIFFERENCE_TIMEOUT = 30;

interface Entry {
  id: number;
  date: number;
  m: BotApiMessage;
}

/** The chat's shown messages, newest first, as paging takes them. */
function newestFirst(ctx: MethodContext, c: GroupChat): Entry[] {
  return channelMessages(ctx.world, c)
    .map((m) => ({ id: m.message_id, date: m.date, m }))
    .reverse();
}

function answer(ctx: MethodContext, c: GroupChat, me: number, count: number, picked: Entry[]): Api.messages.ChannelMessages {
  const list = picked.map((e) => e.m);
  const { users, chats } = channelPeersOf(ctx.world, c, list, me);
  return new Api.messages.ChannelMessages({
    pts: channelPts(ctx.world, c),
    count,
    messages: list.map((m) => tlChannelMessage(ctx.world, ctx.endpoint.dcId, c, m, me)),
    topics: [],
    chats,
    users,
  });
}

export function channelHistory(req: Api.messages.GetHistory, ctx: MethodContext, me: number): Api.messages.ChannelMessages {
  const c = readableChannel(ctx, req.peer, me);
  const all = newestFirst(ctx, c);
  return answer(ctx, c, me, all.length, page(all, req));
}

function matches(m: BotApiMessage, filter: Api.TypeMessagesFilter | undefined): boolean {
  if (!filter || filter instanceof Api.InputMessagesFilterEmpty) return true;
  if (filter instanceof Api.InputMessagesFilterPhotos) return m.photo !== undefined;
  if (filter instanceof Api.InputMessagesFilterPhotoVideo) return m.photo !== undefined || m.video !== undefined;
  if (filter instanceof Api.InputMessagesFilterVideo) return m.video !== undefined;
  if (filter instanceof Api.InputMessagesFilterDocument) return m.document !== undefined;
  if (filter instanceof Api.InputMessagesFilterMusic) return m.audio !== undefined;
  if (filter instanceof Api.InputMessagesFilterUrl) return [...(m.entities ?? []), ...(m.caption_entities ?? [])].some((e) => e.type === 'url' || e.type === 'text_link');
  return false;
}

export function channelSearch(req: Api.messages.Search, ctx: MethodContext, me: number): Api.messages.ChannelMessages {
  const c = readableChannel(ctx, req.peer, me);
  const q = (req.q ?? '').toLowerCase();
  const fromUser = req.fromId instanceof Api.InputPeerUser ? Number(req.fromId.userId.toString()) : req.fromId instanceof Api.InputPeerSelf ? me : undefined;
  if (req.fromId && fromUser === undefined) return answer(ctx, c, me, 0, []);
  const all = newestFirst(ctx, c).filter(
    ({ m }) =>
      (q === '' || (m.text ?? m.caption ?? '').toLowerCase().includes(q)) &&
      (fromUser === undefined || (c.type === 'supergroup' && m.from?.id === fromUser)) &&
      (!req.minDate || m.date >= req.minDate) &&
      (!req.maxDate || m.date <= req.maxDate) &&
      matches(m, req.filter),
  );
  return answer(ctx, c, me, all.length, page(all, { ...req, offsetDate: 0 }));
}

export const channelMethods: MethodTable = {
  'channels.getMessages': {
    login: true,
    run(req: Api.channels.GetMessages, ctx) {
      const me = userOnly(ctx);
      const c = readableChannel(ctx, req.channel, me);
      const found: BotApiMessage[] = [];
      const messages = req.id.map((input) => {
        const id = input instanceof Api.InputMessageID ? input.id : 0;
        const m = ctx.world.findMessage(0, c, id);
        if (!m || !channelMessages(ctx.world, c).includes(m)) return new Api.MessageEmpty({ id });
        found.push(m);
        return tlChannelMessage(ctx.world, ctx.endpoint.dcId, c, m, me);
      });
      const { users, chats } = channelPeersOf(ctx.world, c, found, me);
      return new Api.messages.ChannelMessages({ pts: channelPts(ctx.world, c), count: messages.length, messages, topics: [], chats, users });
    },
  },

  'channels.readHistory': {
    login: true,
    run(req: Api.channels.ReadHistory, ctx) {
      const me = userOnly(ctx);
      const c = readableChannel(ctx, req.channel, me);
      // A public chat's non-member has nothing to mark read.
      if (!c.channel.members.includes(me)) return false;
      return markChannelRead(ctx.world, c, me, req.maxId);
    },
  },

  'channels.deleteMessages': {
    login: true,
    run(req: Api.channels.DeleteMessages, ctx) {
      const me = userOnly(ctx);
      const c = readableChannel(ctx, req.channel, me);
      const found = [...new Set(req.id)].map((id) => ctx.world.findMessage(0, c, id)).filter((m): m is BotApiMessage => m !== undefined);
      // Anyone may delete their own messages in a supergroup; only admins anyone's (and anything in a channel).
      const admin = c.channel.members.includes(me) && isChannelAdmin(c, me);
      if (!admin && found.some((m) => c.type === 'channel' || m.from?.id !== me || !c.channel.members.includes(me))) {
        throw rpcError(403, 'MESSAGE_DELETE_FORBIDDEN');
      }
      return new Api.messages.AffectedMessages(deleteFromChannel(ctx.world, c, found, ctx.session));
    },
  },

  'updates.getChannelDifference': {
    login: true,
    run(req: Api.updates.GetChannelDifference, ctx) {
      const me = userOnly(ctx);
      const c = readableChannel(ctx, req.channel, me);
      const w = ctx.world;
      const pts = channelPts(w, c);
      if (req.pts <= 0 || req.pts > pts) throw rpcError(400, 'PERSISTENT_TIMESTAMP_INVALID');
      if (req.pts === pts) return new Api.updates.ChannelDifferenceEmpty({ final: true, pts, timeout: DIFFERENCE_TIMEOUT });
      const limit = Math.min(Math.max(req.limit, 1), DIFFERENCE_MAX);
      const events = channelEventsAfter(w, c, req.pts);
      const taken = events.slice(0, limit);
      const shown = new Set(channelMessages(w, c).map((m) => m.message_id));
      const fresh: BotApiMessage[] = [];
      const edited: BotApiMessage[] = [];
      const other: Api.TypeUpdate[] = [];
      for (const e of taken) {
        if (e.kind === 'new') {
          // A message deleted since is not new any more; its deletion follows.
          const m = shown.has(e.id) ? w.findMessage(0, c, e.id) : undefined;
          if (m) fresh.push(m);
        } else if (e.kind === 'edit') {
          // An edit of a message this difference brings (as it is now) is already in it.
          const m = shown.has(e.id) ? w.findMessage(0, c, e.id) : undefined;
          if (m && !fresh.includes(m)) {
            edited.push(m);
            other.push(new Api.UpdateEditChannelMessage({ message: tlChannelMessage(w, ctx.endpoint.dcId, c, m, me), pts: e.pts, ptsCount: e.ptsCount }));
          }
        } else {
          other.push(new Api.UpdateDeleteChannelMessages({ channelId: big(c.channel.id), messages: e.ids, pts: e.pts, ptsCount: e.ids.length }));
        }
      }
      const { users, chats } = channelPeersOf(ctx.world, c, [...fresh, ...edited], me);
      return new Api.updates.ChannelDifference({
        final: taken.length === events.length || undefined,
        pts: taken.length ? taken[taken.length - 1].pts : pts,
        timeout: DIFFERENCE_TIMEOUT,
        newMessages: fresh.map((m) => tlChannelMessage(ctx.world, ctx.endpoint.dcId, c, m, me)),
        otherUpdates: other,
        chats,
        users,
      });
    },
  },
};
