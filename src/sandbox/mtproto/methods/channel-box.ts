// A supergroup's or broadcast channel's one box (the chat box the Bot API side writes and reads,
// ids shared by every member) as a user account sees it over MTProto: who may read or write it,
// its messages as Api.Message / Api.MessageService, the chat's pts (one per message made, edited or
// deleted, whichever side did it: MTProto, the Bot API, the driver) and each member's read mark.

import { contentOfBotMessage } from '../../world/accounts.js';
import type { BotApiMessage } from '../../world/botapi-types.js';
import { CHANNEL_ID_OFFSET, type World, type WorldChat } from '../../world/world.js';
import { ERR, rpcError } from '../errors.js';
import { Api, big, toBigInt, toId } from '../gramjs.js';
import { entitiesToTl, tlMedia } from '../messages-tl.js';
import { tlChannelBytes, tlUserBytes } from '../peers.js';
import type { MethodContext } from './types.js';

export type GroupChat = Extract<WorldChat, { type: 'supergroup' | 'channel' }>;

/** The Bot API chat id of a channel (-100...) as its MTProto id. */
export const channelIdOf = (botApiId: number): number => -botApiId - CHANNEL_ID_OFFSET;

// ---- who may read and write -------------------------------------------------------------------

/** The channel an InputPeerChannel / InputChannel names (bad id or access hash: CHANNEL_INVALID). */
export function channelOf(ctx: MethodContext, input: unknown): GroupChat {
  const w = ctx.world;
  const ref = input instanceof Api.InputPeerChannel || input instanceof Api.InputChannel ? input : undefined;
  const c = ref ? w.channels.get(toId(ref.channelId)) : undefined;
  if (!ref || !c || toBigInt(ref.accessHash) !== BigInt(c.access_hash)) throw ERR.channelInvalid();
  return w.chatById(-CHANNEL_ID_OFFSET - c.id) as GroupChat;
}

export function isChannelAdmin(c: GroupChat, me: number): boolean {
  return c.channel.creator === me || (c.channel.admins ?? []).includes(me);
}

/**
 * A channel `me` may read: a member's, or (not banned) a public one's (it has a username), as
 * Telegram shows public chats to anyone; a private one's non-members get CHANNEL_PRIVATE.
 */
export function readableChannel(ctx: MethodContext, input: unknown, me: number): GroupChat {
  const c = channelOf(ctx, input);
  const ch = c.channel;
  if ((ch.kicked ?? []).includes(me)) throw ERR.channelPrivate();
  if (!ch.members.includes(me) && !(ch.usernames ?? []).length) throw ERR.channelPrivate();
  return c;
}

/** A channel `me` may post in: a supergroup it is in, a broadcast channel it admins (else CHAT_WRITE_FORBIDDEN). */
export function writableChannel(ctx: MethodContext, input: unknown, me: number): GroupChat {
  const c = channelOf(ctx, input);
  const ch = c.channel;
  if ((ch.kicked ?? []).includes(me)) throw ERR.channelPrivate();
  if (!ch.members.includes(me) || (ch.broadcast && !isChannelAdmin(c, me))) throw rpcError(403, 'CHAT_WRITE_FORBIDDEN');
  return c;
}

// ---- the box's state ----------------------------------------------------------------------------

export type ChannelEvent = ({ kind: 'new'; id: number } | { kind: 'edit'; id: number } | { kind: 'delete'; ids: number[] }) & {
  pts: number;
  ptsCount: number;
  /** The data centre's session whose request made it (answered, not pushed to). */
  cause?: unknown;
};

export type ChannelListener = (c: GroupChat, e: ChannelEvent) => void;

interface ChannelState {
  pts: number;
  /** The highest message id counted in pts. */
  top: number;
  log: ChannelEvent[];
  /** Read marks (read_inbox_max_id) by user. */
  readInbox: Map<number, number>;
  /** While channels.deleteMessages deletes: the ids, logged as one event. */
  batch?: number[];
}

const states = new WeakMap<World, Map<number, ChannelState>>();
const listeners = new WeakMap<World, Set<ChannelListener>>();
/** Who posted a broadcast channel's post over MTProto (posts carry no `from`): its `out` for them. */
const posters = new WeakMap<BotApiMessage, number>();
/** The session whose request is being carried out (set around the world's changes it makes). */
let currentCause: unknown;

/** Runs fn with `cause` as the session the chat events it makes come from. */
export function causedBy<T>(cause: unknown, fn: () => T): T {
  const before = currentCause;
  currentCause = cause;
  try {
    return fn();
  } finally {
    currentCause = before;
  }
}

function log(w: World, c: GroupChat, s: ChannelState, e: ChannelEvent): void {
  s.log.push(e);
  for (const fn of [...(listeners.get(w) ?? [])]) fn(c, e);
}

function watch(w: World): void {
  if (listeners.has(w)) return;
  listeners.set(w, new Set());
  w.channelWatchers.add((chat, change) => {
    const c = chat as GroupChat;
    if (change.made) synced(w, c);
    // An edit from anywhere (the Bot API's editMessageText, messages.editMessage) has its own pts.
    if (change.edited) {
      const s = synced(w, c);
      log(w, c, s, { kind: 'edit', id: change.edited.message_id, pts: ++s.pts, ptsCount: 1, cause: currentCause });
    }
    if (change.deleted) {
      const s = synced(w, c);
      if (s.batch) s.batch.push(change.deleted.message_id);
      else log(w, c, s, { kind: 'delete', ids: [change.deleted.message_id], pts: ++s.pts, ptsCount: 1, cause: currentCause });
    }
  });
}

/** A chat's state; a new one counts what its box already holds (nothing announced). */
function stateOf(w: World, c: GroupChat): ChannelState {
  watch(w);
  let byChannel = states.get(w);
  if (!byChannel) states.set(w, (byChannel = new Map()));
  let s = byChannel.get(c.channel.id);
  if (!s) {
    const top = w.messages(c.id).at(-1)?.message_id ?? 0;
    s = { pts: top, top, log: [], readInbox: new Map() };
    for (let id = 1; id <= top; id++) s.log.push({ kind: 'new', id, pts: id, ptsCount: 1 });
    byChannel.set(c.channel.id, s);
  }
  return s;
}

/**
 * Brings the chat's pts up to its box: each message made since (by anyone: bots, the driver, the
 * Bot API side) counts one, as ids only grow; each is announced to the listeners.
 */
function synced(w: World, c: GroupChat): ChannelState {
  const s = stateOf(w, c);
  const last = w.messages(c.id).at(-1)?.message_id ?? 0;
  while (s.top < last) log(w, c, s, { kind: 'new', id: ++s.top, pts: ++s.pts, ptsCount: 1, cause: currentCause });
  return s;
}

/**
 * Calls fn for every event of every supergroup and channel of the world (new messages, deletions)
 * until the returned function is called. What the boxes hold now is counted first, unannounced.
 */
export function watchChannels(w: World, fn: ChannelListener): () => void {
  for (const ch of w.channels.values()) stateOf(w, w.chatById(-CHANNEL_ID_OFFSET - ch.id) as GroupChat);
  listeners.get(w)!.add(fn);
  return () => listeners.get(w)?.delete(fn);
}

export function channelPts(w: World, c: GroupChat): number {
  return synced(w, c).pts;
}

/** The pts of the event that made message `id` (its updateNewChannelMessage's). */
export function ptsOfNew(w: World, c: GroupChat, id: number): number {
  const s = synced(w, c);
  for (let i = s.log.length - 1; i >= 0; i--) {
    const e = s.log[i];
    if (e.kind === 'new' && e.id === id) return e.pts;
  }
  return s.pts;
}

/** Deletes messages of the box (the Bot API side stops showing them) as one event; the chat's pts and pts_count. */
export function deleteFromChannel(w: World, c: GroupChat, list: BotApiMessage[], cause: unknown): { pts: number; ptsCount: number } {
  const s = synced(w, c);
  if (!list.length) return { pts: s.pts, ptsCount: 0 };
  s.batch = [];
  try {
    for (const m of list) w.deleteMessage(m);
  } finally {
    const ids = s.batch;
    s.batch = undefined;
    if (ids.length) {
      s.pts += ids.length;
      log(w, c, s, { kind: 'delete', ids, pts: s.pts, ptsCount: ids.length, cause });
    }
  }
  return { pts: s.pts, ptsCount: list.length };
}

/** Events after `pts`, oldest first (updates.getChannelDifference). */
export function channelEventsAfter(w: World, c: GroupChat, pts: number): ChannelEvent[] {
  return synced(w, c).log.filter((e) => e.pts > pts);
}

export function readMark(w: World, c: GroupChat, me: number): number {
  return stateOf(w, c).readInbox.get(me) ?? 0;
}

/** Marks the chat read up to maxId (0: everything); false when nothing new was read. */
export function markChannelRead(w: World, c: GroupChat, me: number, maxId: number): boolean {
  const s = stateOf(w, c);
  const top = w.messages(c.id).at(-1)?.message_id ?? 0;
  const upTo = maxId <= 0 ? top : Math.min(maxId, top);
  if (upTo <= (s.readInbox.get(me) ?? 0)) return false;
  s.readInbox.set(me, upTo);
  return true;
}

export function notePoster(m: BotApiMessage, userId: number): void {
  posters.set(m, userId);
}

// ---- messages as TL -------------------------------------------------------------------------------

const SERVICE_KEYS = ['supergroup_chat_created', 'group_chat_created', 'forum_topic_created', 'new_chat_members', 'left_chat_member'] as const;
const CONTENT_KEYS = ['text', 'caption', 'photo', 'document', 'video', 'audio'] as const;

/** A message with something to show (the forum seed's empty stand-ins have nothing: never shown). */
export function isShown(m: BotApiMessage): boolean {
  return CONTENT_KEYS.some((k) => m[k] !== undefined) || SERVICE_KEYS.some((k) => m[k] !== undefined);
}

export function isService(m: BotApiMessage): boolean {
  return !CONTENT_KEYS.some((k) => m[k] !== undefined) && SERVICE_KEYS.some((k) => m[k] !== undefined);
}

/** The box's shown messages, oldest first. */
export function channelMessages(w: World, c: GroupChat): BotApiMessage[] {
  return w.messages(c.id).filter(isShown);
}

/** The user id that wrote a message, as members see it (broadcast posts: none). */
function authorOf(c: GroupChat, m: BotApiMessage): number | undefined {
  return c.type === 'channel' ? undefined : m.from?.id;
}

function fwdHeaderOf(m: BotApiMessage): Api.MessageFwdHeader | undefined {
  const o = m.forward_origin;
  if (!o) return undefined;
  if (o.type === 'user') return new Api.MessageFwdHeader({ fromId: new Api.PeerUser({ userId: big(o.sender_user.id) }), date: o.date });
  if (o.type === 'channel') return new Api.MessageFwdHeader({ fromId: new Api.PeerChannel({ channelId: big(channelIdOf(o.chat.id)) }), channelPost: o.message_id, date: o.date });
  return new Api.MessageFwdHeader({ fromId: new Api.PeerChannel({ channelId: big(channelIdOf(o.sender_chat.id)) }), date: o.date });
}

/**
 * The reply header of a message in its thread: a forum topic (message_thread_id), the message
 * replied to, or both (replyToMsgId the message, replyToTopId the topic).
 */
function replyHeaderOf(c: GroupChat, m: BotApiMessage): Api.MessageReplyHeader | undefined {
  const topic = m.message_thread_id !== undefined && m.message_thread_id !== m.message_id ? m.message_thread_id : undefined;
  const replied = m.reply_to_message?.message_id;
  const replyTo = replied === topic ? undefined : replied;
  if (topic === undefined && replyTo === undefined) return undefined;
  return new Api.MessageReplyHeader({
    forumTopic: (c.channel.forum && topic !== undefined) || undefined,
    replyToMsgId: replyTo ?? topic,
    replyToTopId: replyTo !== undefined && topic !== undefined ? topic : undefined,
  });
}

function actionOf(c: GroupChat, m: BotApiMessage): Api.TypeMessageAction {
  if (m.forum_topic_created) return new Api.MessageActionTopicCreate({ title: m.forum_topic_created.name, iconColor: m.forum_topic_created.icon_color });
  if (m.new_chat_members) return new Api.MessageActionChatAddUser({ users: m.new_chat_members.map((u) => big(u.id)) });
  if (m.left_chat_member) return new Api.MessageActionChatDeleteUser({ userId: big(m.left_chat_member.id) });
  return new Api.MessageActionChannelCreate({ title: c.channel.title });
}

/** True when `viewer` wrote the message (a broadcast post: posted it over MTProto). */
export function isOwnMessage(c: GroupChat, m: BotApiMessage, viewer: number): boolean {
  return c.type === 'channel' ? posters.get(m) === viewer : authorOf(c, m) === viewer;
}

/** One message of the chat's box as `viewer` sees it. */
export function tlChannelMessage(w: World, dcId: number, c: GroupChat, m: BotApiMessage, viewer: number): Api.Message | Api.MessageService {
  const author = authorOf(c, m);
  const post = c.type === 'channel';
  const out = isOwnMessage(c, m, viewer);
  const peerId = new Api.PeerChannel({ channelId: big(c.channel.id) });
  const fromId = author !== undefined ? new Api.PeerUser({ userId: big(author) }) : !post && m.sender_chat ? new Api.PeerChannel({ channelId: big(channelIdOf(m.sender_chat.id)) }) : undefined;
  if (isService(m)) return new Api.MessageService({ out, post: post || undefined, id: m.message_id, fromId, peerId, date: m.date, action: actionOf(c, m) });
  const content = contentOfBotMessage(w, m, w.accounts);
  return new Api.Message({
    out,
    post: post || undefined,
    silent: w.isSilent(m) || undefined,
    id: m.message_id,
    fromId,
    peerId,
    date: m.date,
    message: content.text,
    entities: content.entities?.length ? entitiesToTl(content.entities) : undefined,
    media: tlMedia(content.media, dcId),
    replyTo: replyHeaderOf(c, m),
    fwdFrom: fwdHeaderOf(m),
    editDate: m.edit_date,
  });
}

/** The users and chats an answer of channel messages names, serialised for the viewer. */
export function channelPeersOf(w: World, c: GroupChat, list: BotApiMessage[], viewer: number): { users: Api.TypeUser[]; chats: Api.TypeChat[] } {
  const userIds = new Set<number>([viewer]);
  const channelIds = new Set<number>([c.channel.id]);
  for (const m of list) {
    const a = authorOf(c, m);
    if (a !== undefined) userIds.add(a);
    const o = m.forward_origin;
    if (o?.type === 'user') userIds.add(o.sender_user.id);
    else if (o?.type === 'channel') channelIds.add(channelIdOf(o.chat.id));
    else if (o?.type === 'chat') channelIds.add(channelIdOf(o.sender_chat.id));
    for (const u of m.new_chat_members ?? []) userIds.add(u.id);
    if (m.left_chat_member) userIds.add(m.left_chat_member.id);
    for (const e of [...(m.entities ?? []), ...(m.caption_entities ?? [])]) if (e.user) userIds.add(e.user.id);
  }
  const users = [...userIds].flatMap((id) => {
    const u = w.users.get(id);
    return u ? [tlUserBytes(w, u, viewer) as Api.TypeUser] : [];
  });
  const chats = [...channelIds].flatMap((id) => {
    const ch = w.channels.get(id);
    return ch ? [tlChannelBytes(ch, viewer) as Api.TypeChat] : [];
  });
  return { users, chats };
}
