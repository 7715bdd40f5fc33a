// Failures of the Bot API as one line for a person, plus what to do next: send refusals (by
// reason), local consent refusals, and failures of other calls (getMe, getUpdates). The shapes fit
// TgshError / FailResult; nothing here holds the token (descriptions are scrubbed upstream).

import type { FailureClass, JsonValue } from '../../commands/result.js';
import type { BotApiFailure } from './api.js';
import type { LocalRefusal } from './consent.js';
import type { SendFailure } from './send.js';

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
  kind?: 'text' | 'photo' | 'document';
  /** The parse mode's modifier, for markup errors. */
  modifier?: '[html]' | '[markdown]';
  replyTo?: number;
}

const SERVER = 71;
const BAD_ARGUMENT = 22;

function telegramSaid(f: { code: number; description: string }): string {
  return `${f.code}: ${f.description.replace(/^(Bad Request|Forbidden|Unauthorized|Conflict): /, '')}`;
}

function startLinkHint(ctx: ExplainContext): string {
  return ctx.startLink
    ? `send them the start link ${ctx.startLink}; once they press Start, run 'sync' and send again`
    : `ask them to open the bot and press Start (start_link prints the link), then run 'sync' and send again`;
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
    code: 401,
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
        error: `${n} has not started the bot, so it can not write to them (${said})`,
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
        error: `Telegram does not know ${n} for this bot (${said})`,
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
    case 'bad_file':
      return {
        code: BAD_ARGUMENT,
        error: `Telegram refused the file (${said})`,
        hint: ctx.kind === 'photo' ? 'send it with send_document instead' : 'check the file',
      };
    case 'unauthorized':
      return unauthorized();
    case 'flood':
      return {
        code: 420,
        error: `Telegram asks to wait ${f.retryAfter ?? '?'} s before sending to ${n} again (429: Too Many Requests), longer than --max-wait ${ctx.maxWaitSeconds}`,
        hint: `send again after ${f.retryAfter ?? 'a while'} s, or allow the wait with --max-wait ${f.retryAfter ?? 60}`,
        failure: 'flood',
        retryAfter: f.retryAfter,
      };
    case 'network':
      return networkFailure(f.description, ctx.apiRoot, f.delivered);
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
      return {
        code: SERVER,
        error: `${ctx.name} has not started the bot, and consent_policy is strict: not sent`,
        hint: startLinkHint(ctx),
        extra: ctx.startLink ? { start_link: ctx.startLink } : undefined,
      };
  }
}

/** A failed Bot API call other than a send (getMe, getChat, getUpdates). */
export function explainApiFailure(f: BotApiFailure, apiRoot: string, what: string): Explanation {
  if (f.kind === 'network') return networkFailure(f.message, apiRoot, undefined);
  if (f.code === 401) return unauthorized();
  if (f.code === 429) {
    return { code: 420, error: `${what}: Telegram asks to wait ${f.retryAfter ?? '?'} s (429)`, hint: 'try again later', failure: 'flood', retryAfter: f.retryAfter };
  }
  return { code: SERVER, error: `${what}: Telegram refused (${telegramSaid(f)})` };
}
