// The sending core: one text or file to one resolved chat, within Telegram's limits (SendLimiter),
// 429s sat out when Telegram's retry_after is within the caller's budget, and every other outcome
// reported as data (SendOutcome) rather than thrown. Used by msg/send_* and by broadcast.
// Nothing here prints, touches the store or knows about commands.

import type { Api } from 'grammy';
import type { Message } from 'grammy/types';
import type { Secret } from '../../core/secret.js';
import { sleep } from '../../core/sleep.js';
import { describeBotApiFailure, type NetworkReason } from './api.js';
import { isMessageAnswer } from './answers.js';
import { floodVerdict, MAX_FLOOD_WAITS, type FloodGiveUpReason } from './flood.js';
import type { ChatClass, SendLimiter } from './limiter.js';
import { classifyRefusal, type SendReason } from './refusals.js';

export type { SendReason };

export type ParseMode = 'HTML' | 'MarkdownV2';

/** Where a message goes: a Bot API chat id (or `@channelusername`) and its limit class. */
export interface ChatTarget {
  chatId: number | string;
  /** 'private' for users and bots, 'group' for groups, supergroups and channels. */
  cls: ChatClass;
}

/** A file on disk (checked by files.ts) or one Telegram already has (a file_id from an earlier send). */
export type FileSource = { path: string; name?: string } | { fileId: string };

export type OutgoingContent =
  | { kind: 'text'; text: string; parseMode?: ParseMode; disablePreview?: boolean; replyTo?: number }
  | { kind: 'photo' | 'document'; file: FileSource; caption?: string; parseMode?: ParseMode; replyTo?: number };

export interface SendDeps {
  api: Api;
  limiter: SendLimiter;
  /** Scrubbed from every text of an outcome (the bot token). */
  secrets: ReadonlyArray<Secret | string | undefined>;
  /** Waits (429); tests pass a fake. Default: real time, abortable. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface SendOptions {
  signal?: AbortSignal;
  /** Longest single 429 wait to sit out, in seconds (0: never wait, fail at once). */
  maxWaitSeconds: number;
  /** Told before a 429 wait is sat out (for a notice). */
  onWait?: (seconds: number, target: ChatTarget) => void;
  /** At most this many 429s are sat out for one message (default MAX_FLOOD_WAITS, 5). */
  maxFloodRetries?: number;
  /**
   * Resends after a network failure that surely did not reach Telegram (connection refused,
   * unknown host), with 1 s, 2 s, ... between (default 0: none). Never after a timeout, a dropped
   * connection or a 5xx: the message may have been sent, and a resend could deliver it twice.
   */
  networkRetries?: number;
  /** The caller paces sends itself (a scheduler): do not wait on the limiter. */
  skipLimiter?: boolean;
}

export type SendOutcome = SendSuccess | SendFailure;

export interface SendSuccess {
  ok: true;
  /** The chat id Telegram answered with (numeric even when `@channel` was given). */
  chatId: number;
  messageId: number;
  /** Unix seconds. */
  date: number;
  message: Message;
  /** Requests made (1 unless 429s were sat out or refused connections retried). */
  attempts: number;
  /** Time spent waiting on 429s and retries (ms), not counting the limiter's pacing. */
  waitedMs: number;
}

export interface SendFailure {
  ok: false;
  chatId: number | string;
  reason: SendReason;
  /** Telegram's error code (400, 403, 429...), or 0 for a network failure. */
  code: number;
  /** Telegram's description, or what went wrong on the network; secrets scrubbed. */
  description: string;
  retryAfter?: number;
  migrateToChatId?: number;
  /** For reason 'network': what failed. */
  network?: NetworkReason;
  /** For reason 'flood': why it was not sat out, and how many 429s were sat out before. */
  gaveUp?: FloodGiveUpReason;
  floodWaits?: number;
  /** For reason 'bad_answer': the method whose answer was not what the Bot API answers. */
  method?: string;
  /** 'no': Telegram refused it or it never left; 'unknown': it may have been delivered. */
  delivered: 'no' | 'unknown';
  attempts: number;
  waitedMs: number;
}

const defaultSleep = sleep;

function aborted(target: ChatTarget, delivered: 'no' | 'unknown', attempts: number, waitedMs: number): SendFailure {
  return { ok: false, chatId: target.chatId, reason: 'aborted', code: 0, description: 'cancelled', delivered, attempts, waitedMs };
}

/** Sends one message. Never throws for Telegram's or the network's reasons: see SendOutcome. */
export async function sendOne(deps: SendDeps, target: ChatTarget, content: OutgoingContent, opts: SendOptions): Promise<SendOutcome> {
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
      message = await call(deps.api, target, content, opts.signal);
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
    return { ok: true, chatId: message.chat.id, messageId: message.message_id, date: message.date, message, attempts, waitedMs };
  }
}

/** The Bot API method that sends this content. */
export function methodOf(content: OutgoingContent): 'sendMessage' | 'sendPhoto' | 'sendDocument' {
  return content.kind === 'text' ? 'sendMessage' : content.kind === 'photo' ? 'sendPhoto' : 'sendDocument';
}

/** grammY types its signal parameter with the abort-controller polyfill; a native one works the same. */
export type GrammySignal = Parameters<Api['sendMessage']>[3];

async function call(api: Api, target: ChatTarget, content: OutgoingContent, nativeSignal?: AbortSignal): Promise<Message> {
  const signal = nativeSignal as GrammySignal;
  const reply = content.replyTo !== undefined ? { reply_parameters: { message_id: content.replyTo } } : {};
  const mode = content.parseMode ? { parse_mode: content.parseMode } : {};
  if (content.kind === 'text') {
    const preview = content.disablePreview ? { link_preview_options: { is_disabled: true } } : {};
    return api.sendMessage(target.chatId, content.text, { ...mode, ...preview, ...reply }, signal);
  }
  const caption = content.caption !== undefined && content.caption !== '' ? { caption: content.caption, ...mode } : {};
  const file = 'fileId' in content.file ? content.file.fileId : await inputFile(content.file.path, content.file.name);
  if (content.kind === 'photo') return api.sendPhoto(target.chatId, file, { ...caption, ...reply }, signal);
  return api.sendDocument(target.chatId, file, { ...caption, ...reply }, signal);
}

/** A fresh InputFile per attempt (grammY reads a path anew each time it is sent). */
async function inputFile(path: string, name?: string): Promise<import('grammy').InputFile> {
  const { InputFile } = await import('grammy');
  return new InputFile(path, name);
}
