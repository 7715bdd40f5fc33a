// A user account's messages as telegram-cli showed them: `{"event": "message", "id", "flags",
// "from", "to", "out", "unread", "service", "date", "text"}` (plus media, fwd_from, fwd_date,
// reply_id where present; `id` the permanent message id) in JSON, and its ` [HH:MM]  Name >>> text`
// lines in text (`-N`: the message id in front). Dialogs: `User Name: N unread`.

import type { JsonValue } from '../core/json.js';
import { encodeMessageId } from '../peers/message-id.js';
import { peerClassOf } from '../peers/types.js';
import { displayName } from '../peers/display-name.js';
import type { ChatMessage, DialogEntry } from '../telegram/user/types.js';
import type { Paint } from './colors.js';
import { messageLine } from './message-line.js';
import { peerObject } from './peer-object.js';

/** telegram-cli's message flags (tgl-layout.h TGLMF_*). */
const FLAG = { UNREAD: 1, OUT: 2, MENTION: 8, CREATED: 256, SERVICE: 8192, POST: 32768 } as const;

export function messageFlags(m: ChatMessage): number {
  let f: number = FLAG.CREATED;
  if (m.unread) f |= FLAG.UNREAD;
  if (m.out) f |= FLAG.OUT;
  if (m.mentioned) f |= FLAG.MENTION;
  if (m.service) f |= FLAG.SERVICE;
  if (m.post) f |= FLAG.POST;
  return f;
}

/** The permanent id of a message: its chat and its id. */
export function permanentMessageId(m: ChatMessage): string {
  return encodeMessageId({ type: peerClassOf(m.chat.kind), peerId: m.chat.id, accessHash: BigInt(m.chat.accessHash ?? '0'), messageId: m.id });
}

export function messageJson(m: ChatMessage): JsonValue {
  const media: JsonValue | undefined = m.media
    ? { type: m.media.type, caption: m.media.type === 'photo' || m.media.type === 'document' || m.media.type === 'video' || m.media.type === 'audio' ? m.text || undefined : undefined, name: m.media.name, size: m.media.size, mime_type: m.media.mime }
    : undefined;
  return {
    event: 'message',
    id: permanentMessageId(m),
    flags: messageFlags(m),
    from: peerObject(m.from),
    to: peerObject(m.to),
    out: m.out,
    unread: m.unread,
    service: m.service,
    date: m.date,
    text: m.text,
    media,
    fwd_from: m.fwdFrom ? peerObject(m.fwdFrom) : undefined,
    fwd_date: m.fwdDate,
    reply_id: m.replyId,
    edited: m.edited || undefined,
  };
}

export function messageText(m: ChatMessage, paint: Paint, showIds: boolean): string {
  const line = messageLine(m.view, paint);
  return showIds ? `${m.id}${line}` : line;
}

export function dialogJson(d: DialogEntry): JsonValue {
  return { ...peerObject(d.peer), unread_count: d.unread };
}

export function dialogText(d: DialogEntry, paint: Paint): string {
  const cls = peerClassOf(d.peer.kind);
  const label = cls === 'user' ? 'User' : cls === 'chat' ? 'Chat' : 'Channel';
  return `${label} ${paint.bold(displayName(d.peer))}: ${d.unread} unread`;
}
