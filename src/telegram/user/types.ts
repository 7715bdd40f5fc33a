// A message of a user account's box as tgsh shows it (history, search, sends, live updates):
// stored peers for the chat and the author, telegram-cli's fields, nothing of GramJS's types.
// tgsh never stores message texts: these live only as long as the answer.

import type { MessageView } from '../../peers/message.js';
import type { PeerRecord } from '../../peers/types.js';

export interface MediaInfo {
  type: 'photo' | 'document' | 'video' | 'audio' | 'voice' | 'sticker' | 'geo' | 'contact' | 'webpage' | 'unsupported';
  /** A document's file name. */
  name?: string;
  size?: number;
  mime?: string;
}

export interface ChatMessage {
  /** The id in this box (a channel's own id for channel messages). */
  id: number;
  /** The chat: the other party of a private chat, the group or channel. */
  chat: PeerRecord;
  from: PeerRecord;
  /** Private chats: the recipient; groups and channels: the chat. */
  to: PeerRecord;
  out: boolean;
  unread: boolean;
  service: boolean;
  /** It mentions this account. */
  mentioned: boolean;
  /** A channel post. */
  post: boolean;
  date: number;
  /** The text or caption, or a service action's words. */
  text: string;
  media?: MediaInfo;
  fwdFrom?: PeerRecord;
  fwdDate?: number;
  replyId?: number;
  edited: boolean;
  /** The line telegram-cli printed for it. */
  view: MessageView;
}

/** A dialog of messages.getDialogs. */
export interface DialogEntry {
  peer: PeerRecord;
  unread: number;
  top?: ChatMessage;
}

/** A sent file as the user account sends it. */
export type UploadKind = 'photo' | 'document' | 'video' | 'audio';
