// GramJS's messages -> tgsh's ChatMessage, read by `className` (no GramJS import: cheap). Every
// user and chat an answer carries is stored first, so that names are the stored ones.

import { displayName } from '../../peers/display-name.js';
import type { MessageView } from '../../peers/message.js';
import { placeholderPrintName } from '../../peers/print-name.js';
import { botApiChatIdOf, type PeerClass, type PeerKind, type PeerRecord } from '../../peers/types.js';
import type { PeerStore } from '../../store/peer-store.js';
import { peerInputsOf, tlId, type TlObject } from '../resolver/tl-peers.js';
import type { ChatMessage, MediaInfo } from './types.js';

/** Stores every user and chat of an answer (`users`, `chats`). */
export function learnPeers(store: PeerStore, answer: { users?: unknown[]; chats?: unknown[] }): void {
  for (const p of peerInputsOf(answer.users ?? [], answer.chats ?? [])) store.upsert(p, 'mtproto');
}

/** The class and id of a TL Peer (PeerUser, PeerChat, PeerChannel). */
export function peerOfTl(p: TlObject | null | undefined): { cls: PeerClass; id: number } | undefined {
  switch (p?.className) {
    case 'PeerUser':
      return { cls: 'user', id: tlId(p.userId as never) };
    case 'PeerChat':
      return { cls: 'chat', id: tlId(p.chatId as never) };
    case 'PeerChannel':
      return { cls: 'channel', id: tlId(p.channelId as never) };
  }
  return undefined;
}

/** The stored peer, or a bare record (`user#N`) when the store has not met it. */
export function storedPeer(store: PeerStore, cls: PeerClass, id: number): PeerRecord {
  const found = store.get(cls, id);
  if (found) return found;
  const kind: PeerKind = cls === 'user' ? 'user' : cls === 'chat' ? 'chat' : 'channel';
  return { kind, id, usernames: [], printName: placeholderPrintName(cls, id), botApiChatId: botApiChatIdOf(kind, id), sources: [], firstSeen: 0, lastSeen: 0 };
}

function mediaOf(m: TlObject | null | undefined): MediaInfo | undefined {
  if (!m || m.className === 'MessageMediaEmpty') return undefined;
  switch (m.className) {
    case 'MessageMediaPhoto':
      return { type: 'photo' };
    case 'MessageMediaDocument': {
      const d = (m.document ?? {}) as TlObject;
      const attrs = (Array.isArray(d.attributes) ? d.attributes : []) as TlObject[];
      const name = attrs.find((a) => a.className === 'DocumentAttributeFilename')?.fileName as string | undefined;
      const mime = typeof d.mimeType === 'string' ? d.mimeType : undefined;
      let type: MediaInfo['type'] = 'document';
      if (attrs.some((a) => a.className === 'DocumentAttributeSticker')) type = 'sticker';
      else if (attrs.some((a) => a.className === 'DocumentAttributeVideo')) type = 'video';
      else if (attrs.some((a) => a.className === 'DocumentAttributeAudio')) type = (attrs.find((a) => a.className === 'DocumentAttributeAudio')!.voice ? 'voice' : 'audio');
      const size = d.size === undefined || d.size === null ? undefined : Number((d.size as { toString(): string }).toString());
      return { type, name, size, mime };
    }
    case 'MessageMediaGeo':
    case 'MessageMediaVenue':
      return { type: 'geo' };
    case 'MessageMediaContact':
      return { type: 'contact' };
    case 'MessageMediaWebPage':
      return { type: 'webpage' };
  }
  return { type: 'unsupported' };
}

function actionText(a: TlObject | null | undefined, store: PeerStore): string {
  const users = (ids: unknown): string =>
    (Array.isArray(ids) ? ids : []).map((x) => displayName(storedPeer(store, 'user', tlId(x as never)))).join(', ');
  switch (a?.className) {
    case 'MessageActionChatCreate':
      return `created group ${String(a.title)}`;
    case 'MessageActionChatEditTitle':
      return `changed title to ${String(a.title)}`;
    case 'MessageActionChatAddUser':
      return `added user ${users(a.users)}`;
    case 'MessageActionChatDeleteUser':
      return `deleted user ${displayName(storedPeer(store, 'user', tlId(a.userId as never)))}`;
    case 'MessageActionChatJoinedByLink':
      return 'joined chat by invitation link';
    case 'MessageActionChannelCreate':
      return `created channel ${String(a.title)}`;
    case 'MessageActionTopicCreate':
      return `created topic ${String(a.title)}`;
    case 'MessageActionPinMessage':
      return 'pinned a message';
    case 'MessageActionChatMigrateTo':
      return 'migrated to a supergroup';
  }
  return `[${String(a?.className ?? 'service').replace(/^MessageAction/, '')}]`;
}

function label(media: MediaInfo): string {
  if (media.type === 'document') return media.name ? `[document ${media.name}]` : '[document]';
  return `[${media.type}]`;
}

/**
 * A Message or MessageService of `self`'s box (undefined for MessageEmpty). `unreadAbove`: the
 * read mark of its chat when known (ids above it are unread).
 */
export function chatMessageOf(store: PeerStore, self: PeerRecord, m: TlObject, unreadAbove?: number): ChatMessage | undefined {
  if (m.className !== 'Message' && m.className !== 'MessageService') return undefined;
  const where = peerOfTl(m.peerId as TlObject);
  if (!where) return undefined;
  const out = m.out === true;
  const chat = where.cls === 'user' && where.id === self.id ? self : storedPeer(store, where.cls, where.id);
  const author = peerOfTl(m.fromId as TlObject);
  const priv = where.cls === 'user';
  // A channel post (no from_id) is the channel's, even when this account posted it.
  const from = author ? storedPeer(store, author.cls, author.id) : out && m.post !== true ? self : chat;
  const to = priv ? (out ? chat : self) : chat;
  const service = m.className === 'MessageService';
  const media = service ? undefined : mediaOf(m.media as TlObject);
  const body = service ? actionText(m.action as TlObject, store) : typeof m.message === 'string' ? m.message : '';
  const fwd = m.fwdFrom as TlObject | null | undefined;
  const fwdPeer = fwd ? peerOfTl(fwd.fromId as TlObject) : undefined;
  const reply = m.replyTo as TlObject | null | undefined;
  const edited = typeof m.editDate === 'number' && m.editDate > 0 && m.editHide !== true;
  const shown = media ? (body ? `${label(media)} ${body}` : label(media)) : body;
  const view: MessageView = {
    messageId: m.id as number,
    chatId: chat.botApiChatId ?? botApiChatIdOf(chat.kind, chat.id),
    date: m.date as number,
    out,
    chatName: displayName(chat),
    fromName: priv || m.post === true ? undefined : displayName(from),
    text: fwdPeer ? `[fwd from ${displayName(storedPeer(store, fwdPeer.cls, fwdPeer.id))}] ${shown}` : shown,
  };
  return {
    id: m.id as number,
    chat,
    from,
    to,
    out,
    unread: unreadAbove === undefined ? m.mediaUnread === true : (m.id as number) > unreadAbove,
    service,
    mentioned: m.mentioned === true,
    post: m.post === true,
    date: m.date as number,
    text: body,
    media,
    fwdFrom: fwdPeer ? storedPeer(store, fwdPeer.cls, fwdPeer.id) : undefined,
    fwdDate: fwd && typeof fwd.date === 'number' ? fwd.date : undefined,
    replyId: reply && typeof reply.replyToMsgId === 'number' ? reply.replyToMsgId : undefined,
    edited,
    view,
  };
}
