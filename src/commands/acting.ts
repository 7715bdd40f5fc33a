// Who acts for a line, and what the user-account commands share: the identity (`[as=...]`, then
// --as / TGSH_AS, then the bot when a bot token is configured, else the user), the user account,
// a peer as the user reaches it (an @username never met is resolved and kept in the store), the
// modifiers as send options, and the refusals that name the other identity.

import { ErrorCode, TgshError } from '../core/errors.js';
import type { PeerRef } from '../peers/ref.js';
import type { PeerRecord } from '../peers/types.js';
import type { UserAccount } from '../telegram/user/account.js';
import type { SendOptions } from '../telegram/user/send.js';
import type { ChatMessage } from '../telegram/user/types.js';
import type { CommandContext, Result } from './types.js';

export type Identity = 'user' | 'bot';

/**
 * Who acts for this line: [as=...], then --as, then the bot when a token is configured, else the
 * user. `botCan`: a command the bot can carry out too (msg, reply, contact_list from the peer
 * store...) stays the bot's while no user is logged in, so it answers (or fails, naming
 * --bot-token) as it always did; what only a user can do says it needs a user login.
 */
export async function actingIdentity(ctx: CommandContext, opts: { botCan?: boolean } = {}): Promise<Identity> {
  const chosen = ctx.modifiers.as ?? ctx.config.as;
  if (chosen) return chosen;
  const settings = await ctx.services.telegram((t) => ctx.notice(t));
  if (settings.botToken) return 'bot';
  if (!opts.botCan) return 'user';
  const store = await ctx.services.store((t) => ctx.notice(t));
  return store.credentials.identity()?.kind === 'user' ? 'user' : 'bot';
}

/** How `stats` and `get_self` name who acts, without connecting. */
export function actingDescription(ctx: CommandContext, botConfigured: boolean): string {
  const chosen = ctx.modifiers.as ?? ctx.config.as;
  const userLoggedIn = ctx.services.openStore()?.credentials.identity()?.kind === 'user';
  const who = chosen ?? (botConfigured || !userLoggedIn ? 'bot' : 'user');
  const why = ctx.modifiers.as
    ? '[as] on this line'
    : ctx.config.as
      ? '--as / TGSH_AS'
      : botConfigured
        ? 'default: a bot token is configured'
        : userLoggedIn
          ? 'default: no bot token, a user is logged in'
          : 'default: nobody is logged in';
  return `${who} (${why})`;
}

export function userAccount(ctx: CommandContext): Promise<UserAccount> {
  return ctx.services.user((t) => ctx.notice(t));
}

/** A bot can not do this: the FAIL names the user identity and how to act as it. */
export function botCannot(what: string, telegramError = 'BOT_METHOD_INVALID'): TgshError {
  return new TgshError(ErrorCode.SERVER, `RPC_CALL_FAIL 400: ${telegramError}: a bot can not ${what}`, {
    hint: "only a user account can: log in as a user with 'login', then act as the user with [as=user] before the command, or --as user (TGSH_AS=user)",
  });
}

/** The peer a reference names, as the user account reaches it: the store, else (an @username) Telegram. */
export async function userPeer(ctx: CommandContext, ref: PeerRef): Promise<PeerRecord> {
  const store = await ctx.services.store((t) => ctx.notice(t));
  const found = store.resolveRef(ref);
  // A peer learned without its access hash (from the Bot API) is looked up again by its @username.
  const noHash = !('error' in found) && found.peer.kind !== 'chat' && found.peer.accessHash === undefined;
  if (!('error' in found) && !((found.stale || noHash) && ref.kind === 'username')) return found.peer;
  if (ref.kind === 'username') {
    const resolver = await ctx.services.resolver((t) => ctx.notice(t));
    return resolver.resolveUsername(ref.username, { signal: ctx.signal, notice: (t) => ctx.notice(t), force: true });
  }
  if (ref.kind === 'typed' && ref.type !== 'encr_chat') {
    // Not met yet: tried as it is (a basic group needs no access hash; Telegram answers for the rest).
    const { storedPeer } = await import('../telegram/user/convert.js');
    return storedPeer(store, ref.type, ref.id);
  }
  if ('error' in found) throw new TgshError(found.code, found.error, { hint: found.hint });
  return found.peer;
}

/** `[schedule=TIME]` as unix seconds: +30m, +2h, +1d, HH:MM (the next one), YYYY-MM-DDTHH:MM (local), unix seconds. */
export function scheduleOf(text: string, nowMs: number = Date.now()): number {
  const rel = /^\+(\d+)([smhd])$/.exec(text);
  if (rel) return Math.floor(nowMs / 1000) + Number(rel[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[rel[2] as 's' | 'm' | 'h' | 'd'];
  const hm = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (hm) {
    const d = new Date(nowMs);
    d.setHours(Number(hm[1]), Number(hm[2]), 0, 0);
    if (d.getTime() <= nowMs) d.setDate(d.getDate() + 1);
    return Math.floor(d.getTime() / 1000);
  }
  if (/^\d{9,11}$/.test(text)) return Number(text);
  const t = new Date(text.replace(' ', 'T')).getTime();
  if (Number.isNaN(t)) throw new TgshError(ErrorCode.BAD_ARGUMENT, `[schedule=${text}]: not a time`);
  return Math.floor(t / 1000);
}

/** The line's modifiers as a user account's send options. */
export function userSendOptions(ctx: CommandContext): SendOptions {
  const m = ctx.modifiers;
  if (m.html && m.markdown) throw new TgshError(ErrorCode.BAD_ARGUMENT, '[html] and [markdown] can not be used together', { hint: 'choose one parse mode' });
  const schedule = m.schedule !== undefined ? scheduleOf(m.schedule) : undefined;
  if (schedule !== undefined && schedule <= Date.now() / 1000) throw new TgshError(ErrorCode.BAD_ARGUMENT, `[schedule=${m.schedule}] is in the past`, { hint: 'give a time to come: +30m, +2h, HH:MM' });
  return {
    notice: (t) => ctx.notice(t),
    signal: ctx.signal,
    replyTo: m.reply,
    topic: m.topic,
    silent: m.silent,
    noPreview: m.disablePreview,
    schedule,
    parseMode: m.html ? 'HTML' : m.markdown ? 'MarkdownV2' : undefined,
  };
}

/** Refuses what only a user account may do ([schedule=...] as the bot). */
export function refuseBotModifiers(ctx: CommandContext): void {
  if (ctx.modifiers.schedule !== undefined) {
    throw new TgshError(ErrorCode.SERVER, 'RPC_CALL_FAIL 400: SCHEDULE_BOT_NOT_ALLOWED: a bot can not schedule messages', {
      hint: "only a user account can: log in with 'login' and add [as=user] (or --as user)",
    });
  }
}

export function messagesResult(ctx: CommandContext, messages: ChatMessage[], list: boolean): Result {
  return { kind: 'messages', messages, list, showIds: ctx.config.msgIds === true };
}

/** A message-id argument as the user's chat and id (a plain id is looked up in the account's box). */
export async function userMessage(ctx: CommandContext, account: UserAccount, raw: string): Promise<{ chat: PeerRecord; id: number; message?: ChatMessage; tl?: import('../telegram/resolver/tl-peers.js').TlObject }> {
  const { parseMessageId } = await import('../peers/message-id.js');
  const { messagesById } = await import('../telegram/user/history.js');
  const ref = parseMessageId(raw);
  if ('error' in ref) throw new TgshError(ErrorCode.BAD_ARGUMENT, ref.error, { hint: "message ids: the number text lines show with -N, or the 'id' of history --json" });
  const o = { notice: (t: string): void => ctx.notice(t), signal: ctx.signal };
  let chat: PeerRecord | undefined;
  if (ref.kind === 'permanent') {
    const store = await ctx.services.store((t) => ctx.notice(t));
    const r = store.resolveRef({ kind: 'permanent', type: ref.type, id: ref.peerId, accessHash: ref.accessHash, raw });
    if ('error' in r) throw new TgshError(r.code, r.error, { hint: r.hint });
    chat = r.peer;
  }
  const [found] = await messagesById(account, chat, [ref.messageId], o);
  if (!found) {
    throw new TgshError(ErrorCode.SERVER, `no message ${ref.messageId}${chat ? ` in ${chat.printName}` : ' in this account'}`, {
      hint: ref.kind === 'plain' ? "a plain id names a message of a private chat or basic group; a channel's needs its id from history --json" : 'it may have been deleted',
    });
  }
  return { chat: found.message.chat, id: ref.messageId, message: found.message, tl: found.tl };
}

/** broadcast stays a bot's tool: one text to many non-contacts is what Telegram bans accounts for. */
export function broadcastAsUserRefusal(): Result {
  return {
    kind: 'fail',
    code: ErrorCode.BAD_ARGUMENT,
    error: 'broadcast sends as the bot only: a user account that sends one text to many people who do not have it as a contact is what Telegram limits (PEER_FLOOD) and bans for spam',
    hint: 'broadcast through the bot (drop [as=user] / --as user): it reaches the users who started it; as the user, write to people one by one with msg',
  };
}
