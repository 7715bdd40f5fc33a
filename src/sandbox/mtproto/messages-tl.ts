// User-account messages as Telegram's TL objects: Message, its media (Photo, Document), its
// entities, the updates of an account event (updateShortMessage, updateNewMessage ...), and the
// users / chats vectors that go with them.

import type { AccountEvent, AccountMedia, AccountMessage, AccountPeer, ForwardOrigin } from '../world/accounts.js';
import type { BotApiMessageEntity } from '../world/botapi-types.js';
import type { WorldUserData } from '../world/types.js';
import type { World } from '../world/world.js';
import { Api, big, toId } from './gramjs.js';
import { tlChannelBytes, tlChat, tlUserBytes } from './peers.js';

// ---- entities -------------------------------------------------------------------------------

const SIMPLE_ENTITIES: Array<[string, new (args: { offset: number; length: number }) => Api.TypeMessageEntity]> = [
  ['bold', Api.MessageEntityBold],
  ['italic', Api.MessageEntityItalic],
  ['underline', Api.MessageEntityUnderline],
  ['strikethrough', Api.MessageEntityStrike],
  ['code', Api.MessageEntityCode],
  ['url', Api.MessageEntityUrl],
  ['mention', Api.MessageEntityMention],
  ['hashtag', Api.MessageEntityHashtag],
  ['cashtag', Api.MessageEntityCashtag],
  ['bot_command', Api.MessageEntityBotCommand],
  ['email', Api.MessageEntityEmail],
  ['phone_number', Api.MessageEntityPhone],
  ['spoiler', Api.MessageEntitySpoiler],
  ['blockquote', Api.MessageEntityBlockquote],
];

/** MTProto entities (from a request) as the world keeps them (Bot API shapes). */
export function entitiesFromTl(world: World, list: Api.TypeMessageEntity[] | undefined): BotApiMessageEntity[] {
  const out: BotApiMessageEntity[] = [];
  for (const e of list ?? []) {
    const base = { offset: e.offset, length: e.length };
    const simple = SIMPLE_ENTITIES.find(([, cls]) => e instanceof cls);
    if (simple) out.push({ type: simple[0], ...base });
    else if (e instanceof Api.MessageEntityPre) out.push({ type: 'pre', ...base, ...(e.language ? { language: e.language } : {}) });
    else if (e instanceof Api.MessageEntityTextUrl) out.push({ type: 'text_link', ...base, url: e.url });
    else if (e instanceof Api.MessageEntityCustomEmoji) out.push({ type: 'custom_emoji', ...base, custom_emoji_id: e.documentId.toString() });
    else if (e instanceof Api.MessageEntityMentionName || e instanceof Api.InputMessageEntityMentionName) {
      const id = e instanceof Api.MessageEntityMentionName ? toId(e.userId) : e.userId instanceof Api.InputUser ? toId(e.userId.userId) : undefined;
      const u = id === undefined ? undefined : world.users.get(id);
      if (u) out.push({ type: 'text_mention', ...base, user: world.botApiUser(u) });
    }
  }
  return out;
}

export function entitiesToTl(list: BotApiMessageEntity[]): Api.TypeMessageEntity[] {
  const out: Api.TypeMessageEntity[] = [];
  for (const e of list) {
    const base = { offset: e.offset, length: e.length };
    const simple = SIMPLE_ENTITIES.find(([t]) => t === e.type);
    if (simple) out.push(new simple[1](base));
    else if (e.type === 'pre') out.push(new Api.MessageEntityPre({ ...base, language: e.language ?? '' }));
    else if (e.type === 'text_link') out.push(new Api.MessageEntityTextUrl({ ...base, url: e.url ?? '' }));
    else if (e.type === 'custom_emoji') out.push(new Api.MessageEntityCustomEmoji({ ...base, documentId: big(e.custom_emoji_id ?? '0') }));
    else if (e.type === 'text_mention' && e.user) out.push(new Api.MessageEntityMentionName({ ...base, userId: big(e.user.id) }));
  }
  return out;
}

// ---- media ----------------------------------------------------------------------------------

export function tlPhoto(m: AccountMedia, dcId: number): Api.Photo {
  return new Api.Photo({
    id: big(m.id),
    accessHash: big(m.accessHash),
    fileReference: m.fileReference,
    date: m.date,
    sizes: [new Api.PhotoSize({ type: 'y', w: m.width ?? 1, h: m.height ?? 1, size: m.bytes.length })],
    dcId,
  });
}

export function tlDocument(m: AccountMedia, dcId: number): Api.Document {
  return new Api.Document({
    id: big(m.id),
    accessHash: big(m.accessHash),
    fileReference: m.fileReference,
    date: m.date,
    mimeType: m.mimeType,
    size: big(m.bytes.length),
    dcId,
    attributes: m.name ? [new Api.DocumentAttributeFilename({ fileName: m.name })] : [],
  });
}

export function tlMedia(m: AccountMedia | undefined, dcId: number): Api.TypeMessageMedia | undefined {
  if (!m) return undefined;
  return m.kind === 'photo' ? new Api.MessageMediaPhoto({ photo: tlPhoto(m, dcId) }) : new Api.MessageMediaDocument({ document: tlDocument(m, dcId) });
}

// ---- messages -------------------------------------------------------------------------------

export function tlPeer(p: AccountPeer): Api.TypePeer {
  return p.type === 'user' ? peerUser(p.id) : withBytes(new Api.PeerChat({ chatId: big(p.id) }), p.id);
}

function peerUser(id: number): Api.PeerUser {
  return withBytes(new Api.PeerUser({ userId: big(id) }), id);
}

/**
 * A Peer whose bytes are written here: GramJS writes a long through big-integer shifts, byte by
 * byte (~20 us; a history of 100 messages holds 200 peers). The same bytes (tested); the object
 * stays GramJS's, which Api.Message reads its peers from.
 */
function withBytes<T extends Api.PeerUser | Api.PeerChat>(peer: T, id: number): T {
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32LE(peer.CONSTRUCTOR_ID, 0);
  bytes.writeBigInt64LE(BigInt(id), 4);
  peer.getBytes = () => bytes;
  return peer;
}

/** A forward's header: its first sender, a user or a channel (and the channel's post). */
function fwdHeader(f: ForwardOrigin | undefined): Api.MessageFwdHeader | undefined {
  if (!f) return undefined;
  if (f.fromChannel) return new Api.MessageFwdHeader({ fromId: new Api.PeerChannel({ channelId: big(f.from) }), channelPost: f.channelPost, date: f.date });
  return new Api.MessageFwdHeader({ fromId: peerUser(f.from), date: f.date });
}

/** One message of a box, as its owner sees it. */
export function tlMessage(m: AccountMessage, dcId: number): Api.Message {
  // Private chats: from_id only on outgoing messages (Telegram omits it on incoming ones).
  const fromId = m.peer.type === 'chat' || m.out ? peerUser(m.from) : undefined;
  return new Api.Message({
    out: m.out,
    silent: m.silent || undefined,
    id: m.id,
    fromId,
    peerId: tlPeer(m.peer),
    date: m.date,
    message: m.text,
    entities: m.entities.length ? entitiesToTl(m.entities) : undefined,
    media: tlMedia(m.media, dcId),
    replyTo: m.replyTo === undefined ? undefined : new Api.MessageReplyHeader({ replyToMsgId: m.replyTo }),
    fwdFrom: fwdHeader(m.fwdFrom),
    editDate: m.editDate,
  });
}

/** The users and chats a list of messages mentions, serialised for the viewer. */
export function peersOf(world: World, viewer: number, messages: AccountMessage[], extraUsers: number[] = []): { users: Api.TypeUser[]; chats: Api.TypeChat[] } {
  const userIds = new Set<number>(extraUsers);
  const chatIds = new Set<number>();
  const channelIds = new Set<number>();
  for (const m of messages) {
    userIds.add(m.from);
    if (m.peer.type === 'user') userIds.add(m.peer.id);
    else chatIds.add(m.peer.id);
    if (m.fwdFrom) (m.fwdFrom.fromChannel ? channelIds : userIds).add(m.fwdFrom.from);
    for (const e of m.entities) if (e.user) userIds.add(e.user.id);
  }
  const users = [...userIds]
    .map((id) => world.users.get(id))
    .filter((u): u is WorldUserData => u !== undefined)
    .map((u) => tlUserBytes(world, u, viewer) as Api.TypeUser);
  const chats = [...chatIds]
    .map((id) => world.chats.get(id))
    .filter((c) => c !== undefined)
    .map((c) => tlChat(c, viewer));
  for (const id of channelIds) {
    const c = world.channels.get(id);
    if (c) chats.push(tlChannelBytes(c, viewer) as Api.TypeChat);
  }
  return { users, chats };
}

export { tlChannelBytes };

// ---- updates --------------------------------------------------------------------------------

/** The update of one account event (with pts), for getDifference's other_updates and pushes. */
export function tlUpdate(e: AccountEvent, dcId: number): Api.TypeUpdate {
  const u = e.update;
  switch (u.kind) {
    case 'new':
      return new Api.UpdateNewMessage({ message: tlMessage(u.message, dcId), pts: e.pts, ptsCount: e.ptsCount });
    case 'edit':
      return new Api.UpdateEditMessage({ message: tlMessage(u.message, dcId), pts: e.pts, ptsCount: e.ptsCount });
    case 'delete':
      return new Api.UpdateDeleteMessages({ messages: u.ids, pts: e.pts, ptsCount: e.ptsCount });
    case 'readInbox':
      return new Api.UpdateReadHistoryInbox({ peer: tlPeer(u.peer), maxId: u.maxId, stillUnreadCount: u.stillUnread, pts: e.pts, ptsCount: e.ptsCount });
    case 'readOutbox':
      return new Api.UpdateReadHistoryOutbox({ peer: tlPeer(u.peer), maxId: u.maxId, pts: e.pts, ptsCount: e.ptsCount });
  }
}

/**
 * What the data centre pushes for one event: updateShortMessage for a private text message (as
 * Telegram does), else updates{...} with the update and the peers it names.
 */
export function tlPushedUpdates(world: World, e: AccountEvent, dcId: number): Api.TypeUpdates {
  const u = e.update;
  const now = world.now();
  if (u.kind === 'new' && u.message.peer.type === 'user' && !u.message.media) {
    const m = u.message;
    return new Api.UpdateShortMessage({
      out: m.out,
      silent: m.silent || undefined,
      id: m.id,
      userId: big(m.peer.id),
      message: m.text,
      pts: e.pts,
      ptsCount: e.ptsCount,
      date: m.date,
      fwdFrom: fwdHeader(m.fwdFrom),
      replyTo: m.replyTo === undefined ? undefined : new Api.MessageReplyHeader({ replyToMsgId: m.replyTo }),
      entities: m.entities.length ? entitiesToTl(m.entities) : undefined,
    });
  }
  const messages = u.kind === 'new' || u.kind === 'edit' ? [u.message] : [];
  const { users, chats } = peersOf(world, e.owner, messages, u.kind === 'readInbox' || u.kind === 'readOutbox' ? (u.peer.type === 'user' ? [u.peer.id] : []) : []);
  return new Api.Updates({ updates: [tlUpdate(e, dcId)], users, chats, date: now, seq: 0 });
}
