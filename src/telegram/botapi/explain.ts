// Failures of the Bot API as one line for a person, plus what to do next: send refusals (by
// reason), local consent refusals, and failures of other calls (getMe, getUpdates). The shapes fit
// TgshError / FailResult; nothing here holds the token (descriptions are scrubbed upstream).

import { type FailureClass, ErrorCode } from '../../core/errors.js';
import type { JsonValue } from '../../core/json.js';
import type { Secret } from '../../core/secret.js';
import { describeBotApiFailure, type BotApiFailure } from './api.js';
import { UnexpectedAnswer } from './answers.js';
import type { LocalRefusal } from './consent.js';
import { BotApiCallError, FloodWaitCancelled, MAX_FLOOD_WAITS, type FloodGiveUp } from './flood.js';
import type { MessageContent, SendFailure } from '../sender.js';

export interface Explanation {
  code: number;
  error: string;
  hint?: string;
  failure?: FailureClass;
  retryAfter?: number;
  extra?: Record<string, JsonValue>;
}

export interface ExplainContext {
  /** How the recipient is shown (`Alice Started`, `Book Club`, `user#123`). */
  name: string;
  /** The recipient is a user (or bot), not a group or channel. */
  isUser: boolean;
  /** The bot's start link, when known (for "has not started the bot"). */
  startLink?: string;
  /** Where the Bot API was reached (`--bot-api-root`). */
  apiRoot: string;
  maxWaitSeconds: number;
  /** What was sent: a photo refused may go as a document. */
  kind?: MessageContent['kind'];
  /** The parse mode's modifier, for markup errors. */
  modifier?: '[html]' | '[markdown]';
  replyTo?: number;
  /** [topic=N], for a topic that is not there. */
  topic?: number;
}

const SERVER = 71;
const BAD_ARGUMENT = 22;

function telegramSaid(f: { code: number; description: string }): string {
  return `${f.code}: ${f.description.replace(/^(Bad Request|Forbidden|Unauthorized|Conflict): /, '')}`;
}

function startLinkHint(ctx: ExplainContext): string {
  return ctx.startLink
    ? `once they open ${ctx.startLink} and press Start, run 'sync' and send again`
    : `ask them to open the bot and press Start (start_link prints the link), then run 'sync' and send again`;
}

/** What to send them, on the FAIL line itself (stdout): the start link when it is known. */
function sendThemTheLink(ctx: ExplainContext): string {
  return ctx.startLink ? `; send them the start link ${ctx.startLink}` : '';
}

/**
 * A 429 that was not sat out, as one line: `subject` is what could not be done (`before sending to
 * Alice again`, or empty), `prefix` names the call (`getUpdates: `), `again` the retry for the hint.
 */
export function floodExplanation(g: FloodGiveUp, o: { prefix?: string; subject?: string; maxWaitSeconds: number; again: string }): Explanation {
  const n = g.retryAfter;
  const prefix = o.prefix ?? '';
  const subject = o.subject ? ` ${o.subject}` : '';
  const base = { code: ErrorCode.FLOOD, failure: 'flood' as const, retryAfter: n };
  switch (g.why) {
    case 'waits':
      return {
        ...base,
        error: `${prefix}Telegram still asked to wait ${n ?? '?'} s${subject} after ${g.waits} wait${g.waits === 1 ? '' : 's'} (429: Too Many Requests); try again later`,
        hint: `${o.again} later: tgsh sits out at most ${MAX_FLOOD_WAITS} flood waits for one request`,
      };
    case 'no_retry_after':
      return {
        ...base,
        error: `${prefix}Telegram refused for flooding${subject} without saying how long to wait (429: Too Many Requests)`,
        hint: `${o.again} in a minute`,
      };
    case 'max_wait':
      return {
        ...base,
        error: `${prefix}Telegram asks to wait ${n ?? '?'} s${subject} (429: Too Many Requests), longer than --max-wait ${o.maxWaitSeconds}`,
        hint: `${o.again} after ${n ?? 'a while'} s, or allow the wait with --max-wait ${n ?? 60}`,
      };
  }
}

/** An answer of a shape the Bot API never gives (`{"ok": true, "result": true}` to sendMessage). */
export function unexpectedAnswer(apiRoot: string, method: string, maybeSent = false): Explanation {
  return {
    code: SERVER,
    error: `the Bot API at ${apiRoot} gave an unexpected answer to ${method}${maybeSent ? ' (the message may or may not have been sent)' : ''}`,
    hint: 'check that --bot-api-root (TG_BOT_API_ROOT) is a Telegram Bot API server (api.telegram.org or telegram-bot-api)',
  };
}

export function networkFailure(message: string, apiRoot: string, delivered: 'no' | 'unknown' | undefined): Explanation {
  const maybe = delivered === 'unknown' ? ' (a message may or may not have been sent)' : '';
  return {
    code: SERVER,
    error: `can not reach the Bot API at ${apiRoot} (--bot-api-root): ${message}${maybe}`,
    hint: 'check the network and --bot-api-root (TG_BOT_API_ROOT), then try again',
  };
}

export function unauthorized(): Explanation {
  return {
    code: ErrorCode.NOT_LOGGED_IN,
    error: 'the bot token was refused (401: Unauthorized)',
    hint: 'check --bot-token (TG_BOT_TOKEN): @BotFather shows the current token of your bot',
    failure: 'auth',
  };
}

/** A failed send, for the person who asked for it. */
export function explainSendFailure(f: SendFailure, ctx: ExplainContext): Explanation {
  const said = telegramSaid(f);
  const n = ctx.name;
  switch (f.reason) {
    case 'not_started':
      return {
        code: SERVER,
        error: `${n} has not started the bot, so it can not write to them (${said})${sendThemTheLink(ctx)}`,
        hint: startLinkHint(ctx),
        extra: ctx.startLink ? { start_link: ctx.startLink } : undefined,
      };
    case 'blocked':
      return {
        code: SERVER,
        error: `${n} has blocked the bot (${said})`,
        hint: `tgsh will not send to them again until they write to the bot (run 'sync' to see it); [force] tries anyway`,
      };
    case 'deactivated':
      return { code: SERVER, error: `${n} has deleted their account (${said})`, hint: `nobody can reach them; 'forget' removes them from the store` };
    case 'to_bot':
      return { code: SERVER, error: `${n} is a bot, and bots can not write to bots (${said})`, hint: 'send to a person, a group or a channel' };
    case 'kicked':
      return { code: SERVER, error: `the bot was removed from ${n} (${said})`, hint: 'an admin of the chat must add the bot again' };
    case 'not_member':
      return { code: SERVER, error: `the bot is not a member of ${n} (${said})`, hint: 'add the bot to the chat first' };
    case 'no_rights':
      return { code: SERVER, error: `the bot may not post in ${n} (${said})`, hint: 'an admin must make the bot an administrator allowed to post' };
    case 'chat_not_found':
      return {
        code: SERVER,
        error: `Telegram does not know ${n} for this bot (${said})${ctx.isUser ? sendThemTheLink(ctx) : ''}`,
        hint: ctx.isUser
          ? `a bot can write only to users who wrote to it: ${startLinkHint(ctx)}`
          : `add the bot to the group or channel, then run 'sync'`,
        extra: ctx.isUser && ctx.startLink ? { start_link: ctx.startLink } : undefined,
      };
    case 'migrated':
      return {
        code: SERVER,
        error: `${n} became a supergroup; its new chat id is ${f.migrateToChatId ?? 'unknown'} (${said})`,
        hint: `send to ${f.migrateToChatId ?? 'the supergroup'} instead, or run 'sync' once the bot hears from it`,
        extra: f.migrateToChatId !== undefined ? { migrate_to_chat_id: f.migrateToChatId } : undefined,
      };
    case 'empty':
      return { code: BAD_ARGUMENT, error: `the message is empty once formatted (${said})`, hint: 'give some text' };
    case 'too_long':
      return { code: BAD_ARGUMENT, error: `the message is too long (${said})`, hint: 'a caption holds 1024 characters, a message 4096 (msg splits longer texts)' };
    case 'bad_markup':
      return {
        code: BAD_ARGUMENT,
        error: `Telegram can not read the ${ctx.modifier ?? 'formatted'} text (${said})`,
        hint: `fix the markup, or send it without ${ctx.modifier ?? 'a parse mode'}`,
      };
    case 'reply_not_found':
      return { code: BAD_ARGUMENT, error: `message ${ctx.replyTo ?? '?'} to reply to is not in ${n} (${said})`, hint: 'give a message id of that chat in [reply=N], or leave it out' };
    case 'thread_not_found':
      return {
        code: BAD_ARGUMENT,
        error: `${n} has no topic ${ctx.topic ?? '?'} (${said})`,
        hint: '[topic=N] names a topic of a forum supergroup (N: the id of the message that opened the topic); leave it out to write in the General topic or a chat without topics',
      };
    case 'bad_file':
      return {
        code: BAD_ARGUMENT,
        error: `Telegram refused the file (${said})`,
        hint: ctx.kind === 'photo' ? 'send it with send_document instead' : 'check the file',
      };
    case 'unauthorized':
      return unauthorized();
    case 'flood':
      return floodExplanation(
        { retryAfter: f.retryAfter, waits: f.floodWaits ?? 0, why: f.gaveUp ?? (f.retryAfter === undefined ? 'no_retry_after' : 'max_wait') },
        { subject: `before sending to ${n} again`, maxWaitSeconds: ctx.maxWaitSeconds, again: 'send again' },
      );
    case 'network':
      return networkFailure(f.description, ctx.apiRoot, f.delivered);
    case 'bad_answer':
      return unexpectedAnswer(ctx.apiRoot, f.method ?? 'the send', f.delivered === 'unknown');
    case 'aborted':
      return { code: BAD_ARGUMENT, error: f.delivered === 'unknown' ? 'cancelled while sending (the message may have been sent)' : 'cancelled: not sent' };
    default:
      return { code: SERVER, error: `Telegram refused the message to ${n} (${said})` };
  }
}

/** A local refusal (the consent ledger), before anything went to Telegram. */
export function explainLocalRefusal(r: LocalRefusal, ctx: ExplainContext & { when?: number }): Explanation {
  const when = ctx.when ? ` (recorded ${new Date(ctx.when).toISOString().slice(0, 16).replace('T', ' ')} UTC)` : '';
  switch (r) {
    case 'blocked':
      return {
        code: SERVER,
        error: `${ctx.name} has blocked the bot${when}: not sent`,
        hint: `they are written to again once they write to the bot (run 'sync' to see it); [force] sends anyway`,
      };
    case 'stopped':
      return {
        code: SERVER,
        error: `${ctx.name} sent /stop to the bot${when}: not sent`,
        hint: `they are written to again once they send /start; [force] sends anyway`,
      };
    case 'not_started':
      // tgsh knows only what the bot's updates (sync) and earlier sends told it: the user may well
      // have started the bot without tgsh having seen it.
      return {
        code: SERVER,
        error: `${ctx.name} is not known to have started the bot (consent_policy strict): not sent; run 'sync' to learn who did${ctx.startLink ? `, or send them the start link ${ctx.startLink}` : ''}`,
        hint: ctx.startLink
          ? `once they open ${ctx.startLink} and press Start, 'sync' records it; [force] sends anyway`
          : `ask them to open the bot and press Start (start_link prints the link); [force] sends anyway`,
        extra: ctx.startLink ? { start_link: ctx.startLink } : undefined,
      };
  }
}

/**
 * A failed Bot API call other than a send (getMe, getChat, getUpdates). `flood`: what the flood
 * rule decided about a 429 (callWithFloodWaits); without it a 429 reads as longer than --max-wait.
 */
export function explainApiFailure(f: BotApiFailure, apiRoot: string, what: string, o: { maxWaitSeconds?: number; flood?: FloodGiveUp } = {}): Explanation {
  if (f.kind === 'network') return networkFailure(f.message, apiRoot, undefined);
  if (f.code === 401) return unauthorized();
  if (f.code === 429) {
    const g = o.flood ?? { retryAfter: f.retryAfter, waits: 0, why: f.retryAfter === undefined ? 'no_retry_after' : 'max_wait' };
    if (g.why === 'max_wait' && o.maxWaitSeconds === undefined) {
      return { code: ErrorCode.FLOOD, error: `${what}: Telegram asks to wait ${f.retryAfter ?? '?'} s (429: Too Many Requests)`, hint: 'try again later', failure: 'flood', retryAfter: f.retryAfter };
    }
    return floodExplanation(g, { prefix: `${what}: `, maxWaitSeconds: o.maxWaitSeconds ?? 0, again: 'try again' });
  }
  if (MESSAGE_COMMANDS.has(what) && /chat not found/i.test(f.description)) {
    return {
      code: SERVER,
      error: `${what}: the bot does not know that chat (${telegramSaid(f)})`,
      hint: "a bot reaches only chats it is in and users who wrote to it: check the peer and the message id (a permanent id names the message's chat)",
    };
  }
  const m = MESSAGE_REFUSALS.find(([p]) => p.test(f.description));
  if (m) {
    // The long 'message is not modified: specified new message content ...' reads as its first part.
    const said = m[3] ? telegramSaid(f).replace(/^(\d+: [^:]+):.*$/s, '$1') : telegramSaid(f);
    return { code: SERVER, error: `${what}: ${m[1]} (${said})`, hint: m[2] };
  }
  return { code: SERVER, error: `${what}: Telegram refused (${telegramSaid(f)})` };
}

const MESSAGE_COMMANDS: ReadonlySet<string> = new Set(['reply', 'fwd', 'edit_msg', 'delete_msg']);

/** The refusals of reply, fwd, edit_msg and delete_msg as the bot: Telegram's text, what it means, what to do. */
const MESSAGE_REFUSALS: Array<[pattern: RegExp, meaning: string, hint: string, shorten?: true]> = [
  [
    /message to (forward|edit|delete) not found|message to be replied not found/i,
    'that message is not there (deleted, or not in that chat)',
    "check the message id: a permanent id (the 'id' of --json answers) names its chat and its number there",
  ],
  [/message can't be forwarded/i, 'that message may not be forwarded (protected content, or a service message)', 'send its text with msg instead'],
  [/messages can't be forwarded/i, 'none of those messages may be forwarded (protected content, or service messages)', 'send their text with msg instead'],
  [
    /there are no messages to forward/i,
    'none of those messages is there (deleted, or not in that chat)',
    "check the message ids: a permanent id (the 'id' of --json answers) names its chat and its number there",
  ],
  [/message can't be edited/i, 'the bot can edit only messages it sent', "act as the user ([as=user]) to edit the account's own messages"],
  [/there is no text in the message to edit/i, 'that message has no text to edit (a file or a photo)', 'delete_msg it and send it again'],
  [/message is not modified/i, 'the message has this text already: nothing changed', 'give a different text', true],
  [
    /message can't be deleted/i,
    'the bot may not delete that message',
    "a bot deletes messages less than 48 hours old: its own, in private chats the user's too, in groups others' only as an administrator",
  ],
];

/**
 * Whatever a Bot API call (other than a send) threw, explained: a BotApiCallError (with the flood
 * rule's verdict), an UnexpectedAnswer, a cancelled flood wait, or grammY's own errors.
 */
export function explainCallError(e: unknown, o: { apiRoot: string; what: string; secrets: ReadonlyArray<Secret | string | undefined>; maxWaitSeconds?: number }): Explanation {
  if (e instanceof UnexpectedAnswer) return unexpectedAnswer(o.apiRoot, e.method);
  if (e instanceof FloodWaitCancelled) return { code: BAD_ARGUMENT, error: `${o.what}: cancelled while waiting out a flood wait` };
  if (e instanceof BotApiCallError) return explainApiFailure(e.failure, o.apiRoot, o.what, { maxWaitSeconds: o.maxWaitSeconds, flood: e.flood });
  return explainApiFailure(describeBotApiFailure(e, o.secrets), o.apiRoot, o.what, { maxWaitSeconds: o.maxWaitSeconds });
}
