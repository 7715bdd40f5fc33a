// The sending core: one text or file to one resolved chat, within Telegram's limits (SendLimiter),
// 429s sat out when Telegram's retry_after is within the caller's budget, and every other outcome
// reported as data (SendOutcome, sender.ts) rather than thrown. BotSender (sender.ts) is the
// Sender built on it, for msg/send_* and broadcast.
// Nothing here prints, touches the store or knows about commands.

import type { Api } from 'grammy';
import type { Message } from 'grammy/types';
import type { Secret } from '../../core/secret.js';
import { sleep } from '../../core/sleep.js';
import type { MessageView } from '../../peers/message.js';
import {
  contentViewText,
  type MessageContent,
  type Recipient,
  type SendFailure,
  type SendMessageOptions,
  type SendReason,
  type SendSuccess,
} from '../sender.js';
import { describeBotApiFailure } from './api.js';
import { isMessageAnswer } from './answers.js';
import { floodVerdict, MAX_FLOOD_WAITS, type FloodGiveUpReason } from './flood.js';
import type { SendLimiter } from './limiter.js';
import { peerInputOfChat } from './peer-input.js';
import { classifyRefusal } from './refusals.js';

export type { FileSource, ParseMode, SendFailure, SendOutcome, SendReason, SendSuccess } from '../sender.js';

/** Where a message goes: a Bot API chat id (or `@channelusername`) and its limit class (sender.ts Recipient). */
export type ChatTarget = Recipient;
/** What is sent (sender.ts MessageContent). */
export type OutgoingContent = MessageContent;
/** How it is sent (sender.ts SendMessageOptions). */
export type SendOptions = SendMessageOptions;

export interface SendDeps {
  api: Api;
  limiter: SendLimiter;
  /** Scrubbed from every text of an outcome (the bot token). */
  secrets: ReadonlyArray<Secret | string | undefined>;
  /** Waits (429); tests pass a fake. Default: real time, abortable. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A bot's success: the interface's, plus grammY's Message as the Bot API answered it. */
export interface BotSendSuccess extends SendSuccess {
  raw: Message;
}

export type BotSendOutcome = BotSendSuccess | SendFailure;

const defaultSleep = sleep;

function aborted(target: ChatTarget, delivered: 'no' | 'unknown', attempts: number, waitedMs: number): SendFailure {
  return { ok: false, chatId: target.chatId, reason: 'aborted', code: 0, description: 'cancelled', delivered, attempts, waitedMs };
}

/** Sends one message. Never throws for Telegram's or the network's reasons: see SendOutcome. */
export async function sendOne(deps: SendDeps, target: ChatTarget, content: OutgoingContent, opts: SendOptions): Promise<BotSendOutcome> {
  const sleep = deps.sleep ?? defaultSleep;
  const maxFlood = opts.maxFloodRetries ?? MAX_FLOOD_WAITS;
  let netRetries = opts.networkRetries ?? 0;
  let floods = 0;
  let attempts = 0;
  let waitedMs = 0;
  for (;;) {
    if (!opts.skipLimiter) {
      // A chat a 429 holds back longer than the caller may wait fails now, as the 429 itself
      // would (the pacing waits of Telegram's limits are always sat out).
      const holdMs = deps.limiter.pausedFor(target.chatId);
      if (holdMs > opts.maxWaitSeconds * 1000) {
        const retryAfter = Math.ceil(holdMs / 1000);
        return {
          ok: false,
          chatId: target.chatId,
          reason: 'flood',
          code: 429,
          description: `Too Many Requests: retry after ${retryAfter} (held back by tgsh: Telegram's limits)`,
          retryAfter,
          gaveUp: 'max_wait',
          floodWaits: floods,
          delivered: 'no',
          attempts,
          waitedMs,
        };
      }
      try {
        await deps.limiter.acquire(target.chatId, target.cls, opts.signal);
      } catch {
        return aborted(target, 'no', attempts, waitedMs);
      }
    }
    if (opts.signal?.aborted) return aborted(target, 'no', attempts, waitedMs);
    attempts++;
    let message: unknown;
    try {
      message = await call(deps.api, target, content, opts);
    } catch (e) {
      const f = describeBotApiFailure(e, deps.secrets);
      if (f.kind === 'network') {
        if (opts.signal?.aborted) return aborted(target, 'unknown', attempts, waitedMs);
        if (f.delivered === 'no' && netRetries > 0) {
          netRetries--;
          const ms = 1000 * ((opts.networkRetries ?? 0) - netRetries);
          try {
            await sleep(ms, opts.signal);
          } catch {
            return aborted(target, 'no', attempts, waitedMs);
          }
          waitedMs += ms;
          continue;
        }
        return {
          ok: false,
          chatId: target.chatId,
          reason: 'network',
          code: 0,
          description: f.message,
          network: f.reason,
          delivered: f.delivered ?? 'unknown',
          attempts,
          waitedMs,
        };
      }
      const reason: SendReason = f.migrateToChatId !== undefined ? 'migrated' : classifyRefusal(f.code, f.description);
      let flood: { gaveUp: FloodGiveUpReason; floodWaits: number } | undefined;
      if (reason === 'flood') {
        // Nothing more goes to this chat until then, from this message or any other.
        if (f.retryAfter !== undefined) deps.limiter.penalize(target.chatId, f.retryAfter);
        const v = floodVerdict(f.retryAfter, opts.maxWaitSeconds, floods, maxFlood);
        if (v.wait) {
          floods++;
          opts.onWait?.(v.seconds, target);
          waitedMs += v.seconds * 1000;
          if (opts.skipLimiter) {
            try {
              await sleep(v.seconds * 1000, opts.signal);
            } catch {
              return aborted(target, 'no', attempts, waitedMs);
            }
          }
          continue; // the limiter holds the next acquire until the penalty is over
        }
        flood = { gaveUp: v.why, floodWaits: floods };
      }
      return {
        ok: false,
        chatId: target.chatId,
        reason,
        code: f.code,
        description: f.description,
        retryAfter: f.retryAfter,
        migrateToChatId: f.migrateToChatId,
        ...flood,
        delivered: 'no',
        attempts,
        waitedMs,
      };
    }
    if (!isMessageAnswer(message)) {
      // `{"ok": true}` with something other than a Message (an odd or self-made server): Telegram's
      // answer is not known, so the message may have been sent (never resent on its own).
      const method = methodOf(content);
      return {
        ok: false,
        chatId: target.chatId,
        reason: 'bad_answer',
        code: 0,
        description: `unexpected answer to ${method}`,
        method,
        delivered: 'unknown',
        attempts,
        waitedMs,
      };
    }
    return successOf(message, content, attempts, waitedMs);
  }
}

/** The Bot API's Message as tgsh's outcome (names as the answer gives them; callers may show their own). */
function successOf(message: Message, content: OutgoingContent, attempts: number, waitedMs: number): BotSendSuccess {
  const chat = message.chat;
  const inGroup = chat.type === 'group' || chat.type === 'supergroup';
  const nameOf = (first?: string, last?: string): string => [first, last].filter((x) => x !== undefined && x !== '').join(' ');
  const view: MessageView = {
    messageId: message.message_id,
    chatId: chat.id,
    date: message.date,
    out: true,
    chatName: 'title' in chat && chat.title !== undefined ? chat.title : nameOf((chat as { first_name?: string }).first_name, (chat as { last_name?: string }).last_name),
    fromName: inGroup && message.from ? nameOf(message.from.first_name, message.from.last_name) : undefined,
    text: contentViewText(content),
  };
  return {
    ok: true,
    chatId: chat.id,
    messageId: message.message_id,
    date: message.date,
    message: view,
    chatType: chat.type,
    chat: peerInputOfChat(chat),
    raw: message,
    attempts,
    waitedMs,
  };
}

const METHODS = {
  text: 'sendMessage',
  photo: 'sendPhoto',
  document: 'sendDocument',
  video: 'sendVideo',
  audio: 'sendAudio',
  voice: 'sendVoice',
  animation: 'sendAnimation',
} as const;

/** The Bot API method that sends this content. */
export function methodOf(content: OutgoingContent): (typeof METHODS)[keyof typeof METHODS] {
  return METHODS[content.kind];
}

/** grammY types its signal parameter with the abort-controller polyfill; a native one works the same. */
export type GrammySignal = Parameters<Api['sendMessage']>[3];

async function call(api: Api, target: ChatTarget, content: OutgoingContent, opts: SendOptions): Promise<Message> {
  const signal = opts.signal as GrammySignal;
  const reply = opts.replyTo !== undefined ? { reply_parameters: { message_id: opts.replyTo } } : {};
  const silent = opts.silent ? { disable_notification: true } : {};
  const thread = opts.threadId !== undefined ? { message_thread_id: opts.threadId } : {};
  const mode = content.parseMode ? { parse_mode: content.parseMode } : {};
  if (content.kind === 'text') {
    const preview = opts.disablePreview ? { link_preview_options: { is_disabled: true } } : {};
    return api.sendMessage(target.chatId, content.text, { ...mode, ...preview, ...silent, ...thread, ...reply }, signal);
  }
  const caption = content.caption !== undefined && content.caption !== '' ? { caption: content.caption, ...mode } : {};
  const file = 'fileId' in content.file ? content.file.fileId : await inputFile(content.file.path, content.file.name);
  const other = { ...caption, ...silent, ...thread, ...reply };
  switch (content.kind) {
    case 'photo':
      return api.sendPhoto(target.chatId, file, other, signal);
    case 'document':
      return api.sendDocument(target.chatId, file, other, signal);
    case 'video':
      return api.sendVideo(target.chatId, file, other, signal);
    case 'audio':
      return api.sendAudio(target.chatId, file, other, signal);
    case 'voice':
      return api.sendVoice(target.chatId, file, other, signal);
    case 'animation':
      return api.sendAnimation(target.chatId, file, other, signal);
  }
}

/** A fresh InputFile per attempt (grammY reads a path anew each time it is sent). */
async function inputFile(path: string, name?: string): Promise<import('grammy').InputFile> {
  const { InputFile } = await import('grammy');
  return new InputFile(path, name);
}
