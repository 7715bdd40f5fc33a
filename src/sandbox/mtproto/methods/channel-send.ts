// A user account posting in a supergroup it is a member of, or in a broadcast channel it admins:
// messages.sendMessage, sendMedia and forwardMessages to an inputPeerChannel, and forwards out of
// such a chat into the account's own box. A post is kept in the chat's one box (the one the Bot
// API side reads, ids shared by every member), the chat's bots get it as the Bot API shows group
// messages and channel posts, and the answer is updateNewChannelMessage. A supergroup's message has
// its author; a broadcast channel's post is the channel's (sender_chat). In a forum,
// reply_to.top_msg_id (or reply_to_msg_id alone) names one of its topics. Edits of texts and
// captions too (messages.editMessage). Not served: scheduled messages in these chats and new media
// in an edit (METHOD_NOT_IMPLEMENTED_IN_SANDBOX).

import type { AccountMedia, AccountMessage, NewMessageContent } from '../../world/accounts.js';
import { contentOfBotMessage } from '../../world/accounts.js';
import type { BotApiMessage, BotApiMessageEntity, BotApiMessageOrigin } from '../../world/botapi-types.js';
import { legacyForward } from '../../world/forward-fields.js';
import { mergeEntities } from '../../world/text-entities.js';
import { CHANNEL_ID_OFFSET } from '../../world/world.js';
import { ERR, rpcError } from '../errors.js';
import { Api, big } from '../gramjs.js';
import { entitiesFromTl } from '../messages-tl.js';
import { accountPeer, boxMessage, useRandomId } from './account-common.js';
import {
  causedBy,
  channelIdOf,
  channelPeersOf,
  channelPts,
  type GroupChat,
  isChannelAdmin,
  isService,
  isShown,
  notePoster,
  ptsOfNew,
  readableChannel,
  tlChannelMessage,
  writableChannel,
} from './channel-box.js';
import type { MethodContext } from './types.js';
import { uploadedMedia } from './upload.js';

/** A request's random_id (GramJS's long). */
type RandomId = Api.messages.ForwardMessages['randomId'][number];

type Fields = Parameters<MethodContext['world']['addMessage']>[2];

/**
 * The topic and the message replied to of a reply_to in this chat. A forum's topic must be one of
 * its topics (else TOPIC_ID_INVALID); elsewhere a top_msg_id is the thread of replies to one of the
 * chat's messages.
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

/** Stores a post of `me` in the chat (with its thread), tells the chat's bots, and returns it. */
function post(ctx: MethodContext, me: number, c: GroupChat, fields: Fields, o: { silent: boolean; replyTo?: Api.TypeInputReplyTo; topic?: number }): BotApiMessage {
  const w = ctx.world;
  const { topic, replyTo } = threadOf(ctx, c, o.replyTo ?? (o.topic !== undefined ? new Api.InputReplyToMessage({ replyToMsgId: o.topic, topMsgId: o.topic }) : undefined));
  const thread = topic === undefined ? {} : c.channel.forum ? { message_thread_id: topic, is_topic_message: true as const } : { message_thread_id: topic };
  const author = c.type === 'channel' ? { sender_chat: w.botApiChat(c) } : { from: w.botApiUser(w.users.get(me)!) };
  // The session that posts gets the message in its answer; the members' other sessions get it pushed.
  const msg = causedBy(ctx.session, () => w.addMessage(0, c, { ...thread, ...author, ...fields, ...(replyTo ? { reply_to_message: replyTo } : {}) }, { silent: o.silent }));
  notePoster(msg, me);
  w.driver.postedByAccount(c.id, msg, me);
  return msg;
}

/** Telegram's answer to posts: updateMessageID for each random_id, then updateNewChannelMessage each. */
function answerOf(ctx: MethodContext, me: number, c: GroupChat, posted: Array<{ msg: BotApiMessage; randomId: unknown }>): Api.Updates {
  const updates: Api.TypeUpdate[] = [];
  for (const p of posted) {
    if (p.randomId !== undefined && p.randomId !== null) updates.push(new Api.UpdateMessageID({ id: p.msg.message_id, randomId: big((p.randomId as { toString(): string }).toString()) }));
  }
  for (const p of posted) {
    updates.push(new Api.UpdateNewChannelMessage({ message: tlChannelMessage(ctx.world, ctx.endpoint.dcId, c, p.msg, me), pts: ptsOfNew(ctx.world, c, p.msg.message_id), ptsCount: 1 }));
  }
  const { users, chats } = channelPeersOf(ctx.world, c, posted.map((p) => p.msg), me);
  return new Api.Updates({ updates, users, chats, date: ctx.world.now(), seq: 0 });
}

function noSchedule(ctx: MethodContext, scheduleDate: number | undefined): void {
  if (scheduleDate !== undefined && scheduleDate > ctx.world.now()) throw ERR.methodNotImplemented();
}

/** A text, with the entities Telegram finds itself (commands, mentions, links): bots' privacy mode reads them. */
function textFields(text: string, entities: BotApiMessageEntity[], caption: boolean): Fields {
  const all = mergeEntities(text, entities);
  if (caption) return text === '' ? {} : { caption: text, ...(all.length ? { caption_entities: all } : {}) };
  return { text, ...(all.length ? { entities: all } : {}) };
}

/** A file as the chat's box keeps it (a Bot API file_id the bots can use); video and audio by their attributes. */
function fileFields(ctx: MethodContext, me: number, media: AccountMedia, attributes: Api.TypeDocumentAttribute[] = []): Fields {
  const f = ctx.world.storeFile(me, media.kind, media.bytes, { name: media.name, mime_type: media.mimeType, width: media.width, height: media.height });
  if (f.kind === 'photo') return { photo: [{ file_id: f.file_id, file_unique_id: f.file_unique_id, file_size: f.size, width: f.width ?? 1, height: f.height ?? 1 }] };
  const doc = { file_id: f.file_id, file_unique_id: f.file_unique_id, ...(f.name ? { file_name: f.name } : {}), mime_type: f.mime_type, file_size: f.size };
  const video = attributes.find((a): a is Api.DocumentAttributeVideo => a instanceof Api.DocumentAttributeVideo);
  if (video) return { video: { ...doc, width: video.w, height: video.h, duration: Math.round(video.duration) } };
  const audio = attributes.find((a): a is Api.DocumentAttributeAudio => a instanceof Api.DocumentAttributeAudio);
  if (audio && !audio.voice) return { audio: { ...doc, duration: audio.duration } };
  return { document: doc };
}

export function sendMessageToChannel(req: Api.messages.SendMessage, ctx: MethodContext, me: number, text: string, entities: BotApiMessageEntity[]): Api.Updates {
  const c = writableChannel(ctx, req.peer, me);
  noSchedule(ctx, req.scheduleDate);
  useRandomId(ctx, me, req.randomId);
  const msg = post(ctx, me, c, textFields(text, entities, false), { silent: req.silent === true, replyTo: req.replyTo });
  return answerOf(ctx, me, c, [{ msg, randomId: req.randomId }]);
}

export function sendMediaToChannel(req: Api.messages.SendMedia, ctx: MethodContext, me: number, caption: string, entities: BotApiMessageEntity[]): Api.Updates {
  const c = writableChannel(ctx, req.peer, me);
  const media = uploadedMedia(ctx, req.media);
  noSchedule(ctx, req.scheduleDate);
  useRandomId(ctx, me, req.randomId);
  const attributes = req.media instanceof Api.InputMediaUploadedDocument ? req.media.attributes : [];
  const msg = post(ctx, me, c, { ...fileFields(ctx, me, media, attributes), ...textFields(caption, entities, true) }, { silent: req.silent === true, replyTo: req.replyTo });
  return answerOf(ctx, me, c, [{ msg, randomId: req.randomId }]);
}

// ---- forwards ---------------------------------------------------------------------------------------

/** Where a channel message first came from: its own origin, the channel and post, or its author. */
function originOfPost(c: GroupChat, m: BotApiMessage): BotApiMessageOrigin | undefined {
  if (m.forward_origin) return m.forward_origin;
  if (c.type === 'channel') return { type: 'channel', chat: m.chat, message_id: m.message_id, date: m.date };
  return m.from ? { type: 'user', sender_user: m.from, date: m.date } : undefined;
}

const COPIED = ['text', 'entities', 'link_preview_options', 'photo', 'document', 'video', 'audio', 'caption', 'caption_entities'] as const;

/** The messages of a forward's source chat (a channel's, with content), in the order asked; MESSAGE_ID_INVALID when none is. */
function channelOriginals(ctx: MethodContext, req: Api.messages.ForwardMessages, me: number): { c: GroupChat; found: Array<{ m: BotApiMessage; randomId: unknown }> } {
  const c = readableChannel(ctx, req.fromPeer, me);
  const found = req.id
    .map((id, i) => ({ m: ctx.world.findMessage(0, c, id), randomId: req.randomId[i] }))
    .filter((o): o is { m: BotApiMessage; randomId: RandomId } => o.m !== undefined && COPIED.some((k) => o.m![k] !== undefined) && !isService(o.m));
  if (!found.length) throw rpcError(400, 'MESSAGE_ID_INVALID');
  return { c, found };
}

/** Messages of a channel forwarded into the account's box: each as content with its origin (messages.ts sends them). */
export function channelForwardSources(ctx: MethodContext, req: Api.messages.ForwardMessages, me: number): Array<{ content: NewMessageContent; randomId: unknown }> {
  const { c, found } = channelOriginals(ctx, req, me);
  return found.map(({ m, randomId }) => {
    const { text, entities, media } = contentOfBotMessage(ctx.world, m, ctx.world.accounts);
    const o = req.dropAuthor ? undefined : originOfPost(c, m);
    let fwdFrom: NewMessageContent['fwdFrom'];
    if (o?.type === 'user') fwdFrom = { from: o.sender_user.id, date: o.date };
    else if (o?.type === 'channel') fwdFrom = { from: channelIdOf(o.chat.id), date: o.date, fromChannel: true, channelPost: o.message_id };
    else if (o?.type === 'chat') fwdFrom = { from: channelIdOf(o.sender_chat.id), date: o.date, fromChannel: true };
    return { content: { text, entities, media, silent: req.silent === true, fwdFrom }, randomId };
  });
}

/** A message of the account's box as fields of a channel post, with its origin kept. */
function boxMessageFields(ctx: MethodContext, me: number, m: AccountMessage, dropAuthor: boolean): Fields {
  const w = ctx.world;
  const fields: Fields = { ...(m.media ? fileFields(ctx, me, m.media) : {}), ...textFields(m.text, m.entities, m.media !== undefined) };
  if (dropAuthor) return fields;
  const f = m.fwdFrom;
  let origin: BotApiMessageOrigin | undefined;
  if (f?.fromChannel) {
    const source = w.chatById(-CHANNEL_ID_OFFSET - f.from);
    if (source && source.type !== 'private') {
      const chat = w.botApiChat(source);
      origin = f.channelPost !== undefined ? { type: 'channel', chat, message_id: f.channelPost, date: f.date } : { type: 'chat', sender_chat: chat, date: f.date };
    }
  } else {
    const u = w.users.get(f?.from ?? m.from);
    if (u) origin = { type: 'user', sender_user: w.botApiUser(u), date: f?.date ?? m.date };
  }
  return origin ? { ...fields, forward_origin: origin, ...legacyForward(origin) } : fields;
}

/** messages.forwardMessages into a supergroup or broadcast channel, from the account's box or from a channel. */
export function forwardToChannel(req: Api.messages.ForwardMessages, ctx: MethodContext, me: number): Api.Updates {
  const to = writableChannel(ctx, req.toPeer, me);
  noSchedule(ctx, req.scheduleDate);
  let sources: Array<{ fields: Fields; randomId: unknown }>;
  if (req.fromPeer instanceof Api.InputPeerChannel) {
    const { c, found } = channelOriginals(ctx, req, me);
    sources = found.map(({ m, randomId }) => {
      const fields: Fields = {};
      for (const k of COPIED) if (m[k] !== undefined) (fields as Record<string, unknown>)[k] = m[k];
      const o = req.dropAuthor ? undefined : originOfPost(c, m);
      return { fields: o ? { ...fields, forward_origin: o, ...legacyForward(o) } : fields, randomId };
    });
  } else {
    const from = accountPeer(ctx, req.fromPeer, me, 'read');
    sources = req.id
      .map((id, i) => ({ m: boxMessage(ctx, me, from, id), randomId: req.randomId[i] }))
      .filter((o): o is { m: AccountMessage; randomId: RandomId } => o.m !== undefined)
      .map(({ m, randomId }) => ({ fields: boxMessageFields(ctx, me, m, req.dropAuthor === true), randomId }));
    if (!sources.length) throw rpcError(400, 'MESSAGE_ID_INVALID');
  }
  for (const s of sources) useRandomId(ctx, me, s.randomId);
  const posted = sources.map((s) => ({ msg: post(ctx, me, to, s.fields, { silent: req.silent === true, topic: (req.topMsgId as number | undefined) ?? undefined }), randomId: s.randomId }));
  return answerOf(ctx, me, to, posted);
}

// ---- edits ------------------------------------------------------------------------------------------

/** config.edit_time_limit: 48 hours (a broadcast channel's admins edit its posts at any time). */
const EDIT_TIME_LIMIT = 172800;

/**
 * messages.editMessage in a supergroup (its author) or a broadcast channel (its admins): the text
 * or caption changes in the chat's box; a text's edit reaches the chat's bots (edited_message /
 * edited_channel_post). Changing the media is not served.
 */
export function editInChannel(req: Api.messages.EditMessage, ctx: MethodContext, me: number, limits: { text: number; caption: number }): Api.Updates {
  const w = ctx.world;
  const c = readableChannel(ctx, req.peer, me);
  const m = w.findMessage(0, c, req.id);
  if (!m || !isShown(m) || isService(m)) throw rpcError(400, 'MESSAGE_ID_INVALID');
  const may = c.type === 'channel' ? c.channel.members.includes(me) && isChannelAdmin(c, me) : m.from?.id === me;
  if (!may) throw rpcError(403, 'MESSAGE_AUTHOR_REQUIRED');
  if (c.type !== 'channel' && w.now() - m.date > EDIT_TIME_LIMIT) throw rpcError(400, 'MESSAGE_EDIT_TIME_EXPIRED');
  if (req.media) throw ERR.methodNotImplemented();
  if (req.message === undefined || req.message === null) throw rpcError(400, 'MESSAGE_NOT_MODIFIED');
  const text = req.message;
  const caption = m.text === undefined;
  if (!caption && text.trim() === '') throw rpcError(400, 'MESSAGE_EMPTY');
  if (text.length > (caption ? limits.caption : limits.text)) throw rpcError(400, caption ? 'MEDIA_CAPTION_TOO_LONG' : 'MESSAGE_TOO_LONG');
  const entities = mergeEntities(text, req.entities ? entitiesFromTl(w, req.entities) : []);
  const before = caption ? [m.caption ?? '', m.caption_entities ?? []] : [m.text, m.entities ?? []];
  if (text === before[0] && JSON.stringify(entities) === JSON.stringify(before[1])) throw rpcError(400, 'MESSAGE_NOT_MODIFIED');
  if (caption) {
    if (text === '') delete m.caption;
    else m.caption = text;
    if (entities.length && text !== '') m.caption_entities = entities;
    else delete m.caption_entities;
    m.edit_date = w.now();
  } else {
    // The driver's edit: the message changes in place and its bots are told.
    w.driver.editMessage(c.type === 'channel' ? (m.from?.id ?? me) : me, { chat: c.id, message_id: m.message_id }, text, { entities });
  }
  // Logged with the chat's next pts (channel-box.ts), as this session's own change: not pushed back to it.
  causedBy(ctx.session, () => w.messageEdited(m));
  const pts = channelPts(w, c);
  const { users, chats } = channelPeersOf(w, c, [m], me);
  return new Api.Updates({
    updates: [new Api.UpdateEditChannelMessage({ message: tlChannelMessage(w, ctx.endpoint.dcId, c, m, me), pts, ptsCount: 1 })],
    users,
    chats,
    date: w.now(),
    seq: 0,
  });
}
