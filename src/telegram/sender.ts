// The sender seam: one message to one resolved recipient, as tgsh's own data. The bot (Bot API,
// botapi/sender.ts) is the first implementation; a user account (MTProto) is the next. Commands and
// broadcast see only this: what was sent comes back as a MessageView, and every failure as data
// that says whether the message may have arrived (never resent on its own when it may have).
// Types only, plus two pure helpers: importing this file loads nothing.

import type { MessageView } from '../peers/message.js';
import type { PeerRecord } from '../peers/types.js';
import type { PeerInput } from '../store/peer-store.js';

/** Who sends: the configured bot, or the logged-in user account. */
export type SenderIdentity = 'bot' | 'user';

export type ParseMode = 'HTML' | 'MarkdownV2';

/** 'private' for users and bots, 'group' for groups, supergroups and channels (the limits differ). */
export type ChatClass = 'private' | 'group';

/**
 * Where a message goes, resolved beforehand (botapi/target.ts resolveSendTarget). `chatId` is the
 * Bot API chat id (or `@channelusername`); a sender that needs more (an MTProto access hash) finds
 * it in `peer`, or in the store by chatId.
 */
export interface Recipient {
  chatId: number | string;
  cls: ChatClass;
  /** The stored peer, when known. */
  peer?: PeerRecord;
}

/** A file on disk (checked by botapi/files.ts) or one the sender already has (a reference from an earlier send). */
export type FileSource = { path: string; name?: string } | { fileId: string };

export type FileKind = 'photo' | 'document' | 'video' | 'audio' | 'voice' | 'animation';

export type MessageContent =
  | { kind: 'text'; text: string; parseMode?: ParseMode }
  | { kind: FileKind; file: FileSource; caption?: string; parseMode?: ParseMode };

export interface SendMessageOptions {
  /** The message (in the recipient's chat) this one answers. */
  replyTo?: number;
  /** No link preview for a text. */
  disablePreview?: boolean;
  /** Delivered without a sound. */
  silent?: boolean;
  /** A forum topic of a supergroup (the Bot API's message_thread_id). */
  threadId?: number;
  signal?: AbortSignal;
  /** Longest single flood wait (429, FLOOD_WAIT_X) to sit out, in seconds (0: never wait, fail at once). */
  maxWaitSeconds: number;
  /** Told before a flood wait is sat out (for a notice). */
  onWait?: (seconds: number, recipient: Recipient) => void;
  /** At most this many flood waits are sat out for one message (the sender's default otherwise). */
  maxFloodRetries?: number;
  /**
   * Resends after a network failure that surely did not reach Telegram, with 1 s, 2 s, ... between
   * (default 0: none). Never after one that may have reached it: the message could arrive twice.
   */
  networkRetries?: number;
  /** The caller paces sends itself through `limiter` (broadcast's scheduler): do not wait on it. */
  skipLimiter?: boolean;
}

/** Why a send failed, by meaning (botapi/refusals.ts maps the Bot API's texts to these). */
export type SendReason =
  /** The user has not started the bot (or deleted the chat with it). */
  | 'not_started'
  /** The user blocked the sender. */
  | 'blocked'
  /** The user deleted their account. */
  | 'deactivated'
  /** Bots can not write to bots. */
  | 'to_bot'
  /** The sender was removed from the group or channel. */
  | 'kicked'
  /** The sender is not in the (public) group or channel. */
  | 'not_member'
  /** The sender is in the chat but may not post there (channel member, muted). */
  | 'no_rights'
  /** The sender does not know this chat. */
  | 'chat_not_found'
  /** A basic group became a supergroup: migrateToChatId is its new id. */
  | 'migrated'
  | 'empty'
  | 'too_long'
  /** The HTML or MarkdownV2 text is not valid markup. */
  | 'bad_markup'
  | 'reply_not_found'
  /** No such forum topic (or thread) in the chat: [topic=N]. */
  | 'thread_not_found'
  /** Telegram refused the file (not an image, too big, empty...). */
  | 'bad_file'
  /** The credentials (bot token, session) were refused. */
  | 'unauthorized'
  /** Too many requests; retryAfter says how long to wait. */
  | 'flood'
  | 'conflict'
  | 'bad_request'
  | 'forbidden'
  /** A server error answered by Telegram (5xx). */
  | 'server'
  | 'refused'
  /** No answer from Telegram (see SendFailure.network). */
  | 'network'
  /** A success answer that is not what the method answers (an odd server): maybe sent. */
  | 'bad_answer'
  /** The caller cancelled (Ctrl-C). */
  | 'aborted'
  /** This identity can not send this (see Sender.capabilities): nothing left. */
  | 'unsupported';

/** Why a request did not get an answer. */
export type NetworkReason = 'refused' | 'dns' | 'timeout' | 'dropped' | 'http' | 'aborted' | 'other';

/** Why a flood wait was not sat out. */
export type FloodGiveUpReason =
  /** retry_after is longer than --max-wait. */
  | 'max_wait'
  /** retry_after is within --max-wait, but this request already sat out its waits. */
  | 'waits'
  /** Telegram asked to wait without saying how long. */
  | 'no_retry_after';

export type SendOutcome = SendSuccess | SendFailure;

export interface SendSuccess {
  ok: true;
  /** The chat id Telegram answered with (numeric even when `@channel` was given). */
  chatId: number;
  messageId: number;
  /** Unix seconds. */
  date: number;
  /** The sent message as tgsh shows it (chatName and fromName as Telegram's answer gave them). */
  message: MessageView;
  /** The kind of chat it went to (a channel post has no author line). */
  chatType: 'private' | 'group' | 'supergroup' | 'channel';
  /** What the answer told about the chat (names, username), for the store; absent when nothing. */
  chat?: PeerInput;
  /** Requests made (1 unless flood waits were sat out or refused connections retried). */
  attempts: number;
  /** Time spent waiting on flood waits and retries (ms), not counting the limiter's pacing. */
  waitedMs: number;
}

export interface SendFailure {
  ok: false;
  chatId: number | string;
  reason: SendReason;
  /** Telegram's error code (400, 403, 429...), or 0 for a network failure or a local refusal. */
  code: number;
  /** Telegram's description, or what went wrong on the network; secrets scrubbed. */
  description: string;
  retryAfter?: number;
  migrateToChatId?: number;
  /** For reason 'network': what failed. */
  network?: NetworkReason;
  /** For reason 'flood': why it was not sat out, and how many flood waits were sat out before. */
  gaveUp?: FloodGiveUpReason;
  floodWaits?: number;
  /** For reason 'bad_answer': the method whose answer was not what Telegram answers. */
  method?: string;
  /** 'no': Telegram refused it or it never left; 'unknown': it may have been delivered. */
  delivered: 'no' | 'unknown';
  attempts: number;
  waitedMs: number;
}

/**
 * The pacing every send of one identity shares (botapi/limiter.ts SendLimiter implements it; a user
 * account gets its own policy). A caller that schedules sends itself (broadcast) paces through it
 * and passes `skipLimiter`.
 */
export interface SendPacer {
  readonly policy: { readonly globalPerSecond: number };
  /** Waits for this chat's turn; resolves with the time the send was counted at. Rejects when aborted. */
  acquire(chatId: number | string, cls: ChatClass, signal?: AbortSignal): Promise<number>;
  /** Ms until this chat may be sent to (0: now). */
  waitFor(chatId: number | string, cls: ChatClass): number;
  /** Ms this chat (or everything) is held back by a flood wait. */
  pausedFor(chatId: number | string): number;
  /** A flood wait: nothing more to this chat (or 'global': to anyone) for that long. */
  penalize(chatId: number | string, retryAfterSeconds: number): void;
  /** Un-counts a send that was refused with a flood wait. */
  refund(chatId: number | string, cls: ChatClass, at: number): void;
  /** A late answer: the send is counted from when it was answered. */
  answered(chatId: number | string, cls: ChatClass, at: number, answeredAt: number): void;
}

/** What an identity can do; a command checks before it asks and explains with `cannotText`. */
export interface SenderCapabilities {
  /** File kinds it sends. */
  fileKinds: readonly FileKind[];
  /** Largest upload (bytes) of a photo, and of any other file. */
  maxPhotoBytes: number;
  maxFileBytes: number;
  /** It may write first to a user who never wrote to it (a bot may not: the user must start it). */
  writeFirst: boolean;
  /** It has a start link (https://t.me/<bot>?start=...). */
  startLink: boolean;
  /** It finds users by @username itself (a bot needs the resolver, MTProto). */
  resolveUsernames: boolean;
  /** Silent messages (no notification sound). */
  silent: boolean;
}

export type Capability = 'startLink' | 'writeFirst' | 'resolveUsernames' | 'silent' | FileKind;

export interface Sender {
  readonly identity: SenderIdentity;
  readonly capabilities: SenderCapabilities;
  /** The pacing of this identity's sends (shared by every send of the process). */
  readonly limiter: SendPacer;
  /**
   * One message to one recipient. Never throws for Telegram's or the network's reasons: every
   * failure is a SendFailure whose `delivered` says whether it may have arrived.
   */
  sendMessage(recipient: Recipient, content: MessageContent, options: SendMessageOptions): Promise<SendOutcome>;
}

/** True when this sender can do it. */
export function can(s: Pick<Sender, 'capabilities'>, what: Capability): boolean {
  const c = s.capabilities;
  switch (what) {
    case 'startLink':
    case 'writeFirst':
    case 'resolveUsernames':
    case 'silent':
      return c[what];
    default:
      return c.fileKinds.includes(what);
  }
}

const CAPABILITY_TEXT: Record<Capability, string> = {
  startLink: 'have a start link',
  writeFirst: 'write first to a user who has not written to it',
  resolveUsernames: 'look up users by @username',
  silent: 'send silent messages',
  photo: 'send photos',
  document: 'send documents',
  video: 'send videos',
  audio: 'send audio files',
  voice: 'send voice messages',
  animation: 'send animations',
};

/** `a bot can not send videos`; undefined when it can. For a FAIL line a command explains a refusal with. */
export function cannotText(s: Pick<Sender, 'identity' | 'capabilities'>, what: Capability): string | undefined {
  if (can(s, what)) return undefined;
  return `${s.identity === 'bot' ? 'a bot' : 'a user account'} can not ${CAPABILITY_TEXT[what]}`;
}

/** What an answer line shows for this content: the text, or `[photo] caption`, `[document name] caption`. */
export function contentViewText(content: MessageContent): string {
  if (content.kind === 'text') return content.text;
  const name = 'path' in content.file ? (content.file.name ?? content.file.path.split('/').pop()) : undefined;
  const label = content.kind === 'photo' ? '[photo]' : content.kind === 'document' ? `[document${name ? ' ' + name : ''}]` : `[${content.kind}]`;
  return content.caption ? `${label} ${content.caption}` : label;
}
