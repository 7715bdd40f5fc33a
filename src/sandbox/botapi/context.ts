// What every sandbox Bot API method works with: its context (world, bot, parameters, limiter), the
// chat a chat_id names as this bot may use it, and the parts of a send (formatted text, reply,
// thread, link preview, inline keyboard, the send limiter, the author fields).

import type { BotApiLinkPreviewOptions, BotApiMessage, BotApiMessageEntity, BotApiReplyMarkup, BotApiUpdate } from '../world/botapi-types.js';
import type { WorldBotData } from '../world/types.js';
import { CHANNEL_ID_OFFSET, type World, type WorldChat } from '../world/world.js';
import { type ApiError, Errors, badRequest } from './errors.js';
import type { SendLimiter } from './limits.js';
import { MarkupError, parseMarkup, parseModeOf } from './markup.js';
import type { Params } from './params.js';

/** One long poll waiting in getUpdates. */
export interface Poll {
  finish(result: BotApiUpdate[] | ApiError): void;
}

export interface MethodContext {
  world: World;
  bot: WorldBotData;
  params: Params;
  limiter: SendLimiter;
  /** The waiting getUpdates of each bot (at most one). */
  polls: Map<number, Poll>;
  /** Calls fn if the client goes away before the answer. */
  onClientGone(fn: () => void): void;
}

/** A result with Telegram's optional `description` (setWebhook: "Webhook was set"). */
export class Described {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

export type MethodFn = (ctx: MethodContext) => unknown;

// ---- chats ----------------------------------------------------------------------------------

/** read: getChat and the like; send: a new message; edit: a change to one there (edit, delete). */
export type Purpose = 'read' | 'send' | 'edit';

/** The chat a `chat_id` names, as this bot may use it; throws Telegram's refusals. */
export function resolveChat(ctx: MethodContext, purpose: Purpose, key = 'chat_id'): WorldChat {
  const { world, bot, params } = ctx;
  const raw = params.raw(key);
  if (raw === undefined || raw === null || raw === '') throw Errors.chatIdEmpty();
  const s = (typeof raw === 'number' ? String(raw) : params.str(key)!).trim();
  if (s.startsWith('@')) {
    const p = world.findByUsername(s.slice(1));
    // Only public channels and supergroups are addressed by @username; users' names are not.
    if (!p || p.type !== 'channel') throw Errors.chatNotFound();
    return groupAccess(ctx, world.chatById(-CHANNEL_ID_OFFSET - p.channel.id)!, purpose);
  }
  if (!/^-?[0-9]{1,16}$/.test(s)) throw Errors.chatNotFound();
  const c = world.chatById(Number(s));
  if (!c) throw Errors.chatNotFound();
  if (c.type !== 'private') return groupAccess(ctx, c, purpose);
  if (world.isBot(c.id)) {
    if (purpose === 'send') throw Errors.toBots();
    if (c.id === bot.id) return c;
    throw Errors.chatNotFound();
  }
  if (!world.knowsUser(bot.id, c.id)) throw Errors.chatNotFound();
  if (purpose !== 'read') {
    if (c.user.deactivated) throw Errors.deactivated();
    const r = world.relation(c.id, bot.id);
    if (r?.blocked_at !== undefined) throw Errors.blocked();
    if (purpose === 'send' && r?.started_at === undefined) throw Errors.cantInitiate();
  }
  return c;
}

export function groupAccess(ctx: MethodContext, c: WorldChat, purpose: Purpose): WorldChat {
  const { world, bot } = ctx;
  if (c.type === 'private') return c;
  const kind = c.type;
  const status = world.memberStatus(c, bot.id);
  if (status === 'creator' || status === 'administrator' || status === 'member') {
    if (purpose !== 'read' && kind === 'channel' && status === 'member') throw Errors.needAdmin();
    return c;
  }
  const isPublic = c.type !== 'group' && (c.channel.usernames?.length ?? 0) > 0;
  if (status === 'kicked') {
    if (purpose !== 'read') throw Errors.kicked(kind);
    return c;
  }
  if (!isPublic) throw Errors.chatNotFound();
  if (purpose !== 'read') throw Errors.notMember(kind);
  return c;
}

// ---- text -----------------------------------------------------------------------------------

/** Text or caption with parse_mode / entities applied (not yet trimmed). */
export function formatted(ctx: MethodContext, textKey: string, modeKey: string, entitiesKey: string): { text: string; entities: BotApiMessageEntity[] } {
  const { params, world } = ctx;
  const text = params.str(textKey) ?? '';
  if (params.has(entitiesKey)) {
    const list = params.json<BotApiMessageEntity[]>(entitiesKey, 'entities');
    if (!Array.isArray(list)) throw badRequest(`can't parse entities JSON object`);
    const len = text.length;
    const entities: BotApiMessageEntity[] = [];
    for (const e of list) {
      if (typeof e !== 'object' || e === null || typeof e.type !== 'string' || !Number.isInteger(e.offset) || !Number.isInteger(e.length)) {
        throw badRequest(`can't parse MessageEntity`);
      }
      if (e.offset < 0 || e.length <= 0 || e.offset >= len) continue;
      entities.push({ ...e, length: Math.min(e.length, len - e.offset) });
    }
    return { text, entities };
  }
  const modeRaw = params.str(modeKey);
  if (modeRaw === undefined || modeRaw === '') return { text, entities: [] };
  const mode = parseModeOf(modeRaw);
  if (!mode) throw Errors.unsupportedParseMode();
  try {
    return parseMarkup(text, mode, (id) => {
      const u = world.users.get(id);
      return u ? world.botApiUser(u) : undefined;
    });
  } catch (e) {
    if (e instanceof MarkupError) throw Errors.cantParseEntities(e.message);
    throw e;
  }
}

export function replyTo(ctx: MethodContext, c: WorldChat): BotApiMessage | undefined {
  const { params, world, bot } = ctx;
  let id: number | undefined;
  let allowWithout = params.bool('allow_sending_without_reply');
  const rp = params.json<{ message_id?: unknown; allow_sending_without_reply?: unknown }>('reply_parameters', 'reply parameters');
  if (rp !== undefined) {
    if (typeof rp !== 'object' || rp === null) throw badRequest(`can't parse reply parameters JSON object`);
    id = Number(rp.message_id);
    allowWithout = rp.allow_sending_without_reply === true;
  } else if (params.has('reply_to_message_id')) {
    id = params.int('reply_to_message_id');
  }
  if (id === undefined || id === 0) return undefined;
  const m = world.findMessage(bot.id, c, id);
  if (!m) {
    if (allowWithout) return undefined;
    throw Errors.replyNotFound();
  }
  const { reply_to_message: _nested, ...flat } = m;
  return flat;
}

/**
 * message_thread_id: in a forum supergroup a topic (one of the world's `topics`); in another
 * supergroup the thread of replies to one of its messages. Anywhere else, or a thread that does not
 * exist, Telegram answers `message thread not found`. 0 or absent: no thread.
 */
export function threadOf(ctx: MethodContext, c: WorldChat): { message_thread_id?: number; is_topic_message?: true } {
  const id = ctx.params.int('message_thread_id');
  if (id === undefined || id === 0) return {};
  if (c.type === 'supergroup') {
    if (c.channel.forum) {
      if ((c.channel.topics ?? []).some((t) => t.id === id)) return { message_thread_id: id, is_topic_message: true };
    } else if (ctx.world.findMessage(ctx.bot.id, c, id)) {
      return { message_thread_id: id };
    }
  }
  throw Errors.threadNotFound();
}

export function linkPreview(ctx: MethodContext): BotApiLinkPreviewOptions | undefined {
  const lpo = ctx.params.json<BotApiLinkPreviewOptions>('link_preview_options', 'link preview options');
  if (lpo !== undefined) {
    if (typeof lpo !== 'object' || lpo === null) throw badRequest(`can't parse link preview options JSON object`);
    const out: BotApiLinkPreviewOptions = {};
    for (const k of ['is_disabled', 'url', 'prefer_small_media', 'prefer_large_media', 'show_above_text'] as const) {
      if (lpo[k] !== undefined) (out as Record<string, unknown>)[k] = lpo[k];
    }
    return Object.keys(out).length ? out : undefined;
  }
  if (ctx.params.bool('disable_web_page_preview')) return { is_disabled: true };
  return undefined;
}

export function replyMarkup(ctx: MethodContext): BotApiReplyMarkup | undefined {
  const rm = ctx.params.json<BotApiReplyMarkup>('reply_markup', 'reply keyboard markup');
  if (rm === undefined) return undefined;
  if (typeof rm !== 'object' || rm === null) throw badRequest(`can't parse reply keyboard markup JSON object`);
  if (rm.inline_keyboard !== undefined) {
    if (!Array.isArray(rm.inline_keyboard) || rm.inline_keyboard.some((row) => !Array.isArray(row))) {
      throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
    }
    for (const btn of rm.inline_keyboard.flat()) {
      if (typeof btn?.text !== 'string') throw badRequest("can't find field \"text\"");
      if (btn.callback_data !== undefined && (typeof btn.callback_data !== 'string' || Buffer.byteLength(btn.callback_data) > 64 || btn.callback_data === '')) {
        throw badRequest('BUTTON_DATA_INVALID');
      }
    }
    return { inline_keyboard: rm.inline_keyboard };
  }
  return undefined;
}

/** Applies the send limits; throws 429 with retry_after. Returns the commit function. */
export function limit(ctx: MethodContext, c: WorldChat): () => void {
  const now = ctx.world.nowMs();
  const kind = c.type === 'private' ? 'private' : 'group';
  const wait = ctx.limiter.check(ctx.bot.id, kind, c.id, now);
  if (wait > 0) throw Errors.tooManyRequests(wait);
  return () => ctx.limiter.record(ctx.bot.id, kind, c.id, now);
}

export function authorFields(ctx: MethodContext, c: WorldChat): Pick<BotApiMessage, 'from' | 'sender_chat'> {
  return c.type === 'channel' ? { sender_chat: ctx.world.botApiChat(c) } : { from: ctx.world.botApiUser(ctx.bot) };
}
