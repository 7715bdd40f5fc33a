// A user account writing in a supergroup it is a member of (messages.sendMessage to an
// inputPeerChannel): the message is kept in the chat's one box (the one the Bot API side reads,
// ids shared by every member), the chat's bots get it as the Bot API shows group messages, and the
// answer is updateNewChannelMessage. In a forum, reply_to.top_msg_id (or reply_to_msg_id alone)
// names one of its topics. Not served yet: broadcast channels, files, forwards and scheduled
// messages there, these chats' history, and their updates to other members' sessions
// (getChannelDifference): each answers METHOD_NOT_IMPLEMENTED_IN_SANDBOX.

import type { BotApiMessage, BotApiMessageEntity } from '../../world/botapi-types.js';
import { mergeEntities } from '../../world/text-entities.js';
import { CHANNEL_ID_OFFSET, type WorldChat } from '../../world/world.js';
import { ERR, rpcError } from '../errors.js';
import { Api, big, toBigInt, toId } from '../gramjs.js';
import { entitiesToTl } from '../messages-tl.js';
import { tlChannelBytes, tlUserBytes } from '../peers.js';
import type { MethodContext } from './types.js';

type GroupChat = Extract<WorldChat, { type: 'supergroup' | 'channel' }>;

/** The supergroup an inputPeerChannel names, as `me` may write in it; Telegram's refusals, or not served. */
export function writableSupergroup(ctx: MethodContext, input: Api.InputPeerChannel, me: number): GroupChat {
  const w = ctx.world;
  const c = w.channels.get(toId(input.channelId));
  if (!c || toBigInt(input.accessHash) !== BigInt(c.access_hash)) throw ERR.channelInvalid();
  if ((c.kicked ?? []).includes(me)) throw ERR.channelPrivate();
  const admin = c.creator === me || (c.admins ?? []).includes(me);
  if (!c.members.includes(me) || (c.broadcast && !admin)) throw rpcError(403, 'CHAT_WRITE_FORBIDDEN');
  const chat = w.chatById(-CHANNEL_ID_OFFSET - c.id) as GroupChat;
  if (chat.type !== 'supergroup') throw ERR.methodNotImplemented();
  return chat;
}

/**
 * The topic and the message replied to of a reply_to in this supergroup. A forum's topic must be
 * one of its topics (else TOPIC_ID_INVALID); elsewhere a top_msg_id is the thread of replies to
 * one of the chat's messages.
 */
function threadOf(ctx: MethodContext, c: GroupChat, r: Api.TypeInputReplyTo | undefined): { topic?: number; replyTo?: BotApiMessage } {
  if (!(r instanceof Api.InputReplyToMessage)) return {};
  const w = ctx.world;
  const topics = c.channel.forum ? (c.channel.topics ?? []) : [];
  const isTopic = (id: number | undefined): boolean => id !== undefined && topics.some((t) => t.id === id);
  let topic: number | undefined = r.topMsgId ?? undefined;
  if (topic !== undefined) {
    if (c.channel.forum ? !isTopic(topic) : !w.findMessage(0, c, topic)) throw rpcError(400, 'TOPIC_ID_INVALID');
  } else if (isTopic(r.replyToMsgId)) {
    topic = r.replyToMsgId;
  }
  const answered = r.replyToMsgId === topic ? undefined : w.findMessage(0, c, r.replyToMsgId);
  if (!answered) return { topic };
  const { reply_to_message: _nested, ...flat } = answered;
  return { topic, replyTo: flat };
}

/** Posts a text as `me` in the supergroup; the answer Telegram gives (updateMessageID, updateNewChannelMessage). */
export function sendToSupergroup(
  ctx: MethodContext,
  me: number,
  c: GroupChat,
  req: { message: string; entities: BotApiMessageEntity[]; randomId: unknown; silent: boolean; replyTo?: Api.TypeInputReplyTo },
): Api.Updates {
  const w = ctx.world;
  const user = w.users.get(me)!;
  const { topic, replyTo } = threadOf(ctx, c, req.replyTo);
  const thread = topic === undefined ? {} : c.channel.forum ? { message_thread_id: topic, is_topic_message: true as const } : { message_thread_id: topic };
  // With the entities Telegram finds itself (commands, mentions, links): bots' privacy mode reads them.
  const entities = mergeEntities(req.message, req.entities);
  const msg = w.addMessage(
    0,
    c,
    { ...thread, from: w.botApiUser(user), text: req.message, ...(entities.length ? { entities } : {}), ...(replyTo ? { reply_to_message: replyTo } : {}) },
    { silent: req.silent },
  );
  w.driver.postedByAccount(c.id, msg, me);
  const replyHeader =
    topic === undefined && !replyTo
      ? undefined
      : new Api.MessageReplyHeader({
          forumTopic: (c.channel.forum && topic !== undefined) || undefined,
          replyToMsgId: replyTo?.message_id ?? topic,
          replyToTopId: replyTo && topic !== undefined ? topic : undefined,
        });
  const message = new Api.Message({
    out: true,
    silent: req.silent || undefined,
    id: msg.message_id,
    fromId: new Api.PeerUser({ userId: big(me) }),
    peerId: new Api.PeerChannel({ channelId: big(c.channel.id) }),
    date: msg.date,
    message: req.message,
    entities: req.entities.length ? entitiesToTl(req.entities) : undefined,
    replyTo: replyHeader,
  });
  const updates: Api.TypeUpdate[] = [];
  if (req.randomId !== undefined && req.randomId !== null) {
    updates.push(new Api.UpdateMessageID({ id: msg.message_id, randomId: big((req.randomId as { toString(): string }).toString()) }));
  }
  // The chat's pts: one per message of its box (nothing else changes these chats here).
  updates.push(new Api.UpdateNewChannelMessage({ message, pts: msg.message_id, ptsCount: 1 }));
  return new Api.Updates({
    updates,
    users: [tlUserBytes(w, user, me) as Api.TypeUser],
    chats: [tlChannelBytes(c.channel, me) as Api.TypeChat],
    date: w.now(),
    seq: 0,
  });
}
