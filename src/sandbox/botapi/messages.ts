// forwardMessage, editMessageText, deleteMessage and deleteMessages: what a bot does with messages
// already in a chat, with Telegram's rules and description texts. Deleted messages keep their place
// (message ids are box indexes); the users' own boxes (their MTProto sessions) follow edits and
// deletions. The plural forwards and the copies are in forwards.ts.

import type { BotApiMessage, BotApiMessageOrigin } from '../world/botapi-types.js';
import { legacyForward } from '../world/forward-fields.js';
import { codePointLength, mergeEntities, trimFormatted } from '../world/text-entities.js';
import type { WorldChat } from '../world/world.js';
import { authorFields, formatted, limit, linkPreview, replyMarkup, resolveChat, threadOf, type MethodContext, type MethodFn } from './context.js';
import { Errors, badRequest } from './errors.js';

/** What a forward carries over: the content, never the reply, the keyboard or the thread. */
export const CONTENT_KEYS = ['text', 'entities', 'link_preview_options', 'photo', 'document', 'video', 'audio', 'caption', 'caption_entities'] as const;

/** Telegram lets a bot delete a message only while it is less than 48 hours old. */
export const DELETE_WINDOW_SECONDS = 48 * 3600;

function messageId(ctx: MethodContext): number {
  const id = ctx.params.int('message_id');
  if (id === undefined || id === 0) throw Errors.messageIdEmpty();
  return id;
}

/** Telegram's bound on message_ids of deleteMessages, forwardMessages and copyMessages. */
export const MAX_MESSAGE_IDS = 100;

/**
 * `message_ids`: a JSON array of 1 to 100 positive 32-bit ids (numbers, or strings of digits), read
 * the way telegram-bot-api's get_message_ids reads it, with its texts.
 */
export function messageIds(ctx: MethodContext): number[] {
  const { params } = ctx;
  if (!params.has('message_ids')) throw Errors.messageIdsEmpty();
  const list = params.json<unknown>('message_ids', 'message_ids');
  if (!Array.isArray(list)) throw badRequest('expected an Array of message identifiers');
  if (list.length > MAX_MESSAGE_IDS) throw badRequest('too many message identifiers specified');
  const ids: number[] = [];
  for (const v of list) {
    if (typeof v !== 'number' && typeof v !== 'string') throw badRequest('message identifier must be a Number');
    const text = String(v).trim();
    const n = /^-?[0-9]+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n) || n > 2 ** 31 - 1 || n < -(2 ** 31)) throw badRequest("can't parse message identifier as a Number");
    if (n <= 0) throw badRequest('invalid message identifier specified');
    ids.push(n);
  }
  if (ids.length === 0) throw Errors.messageIdsEmpty();
  return ids;
}

/**
 * Where a message first came from: a forward keeps the origin it had; a channel post names the
 * channel and its post; an anonymous admin (sender_chat) the chat; anything else its sender.
 */
export function originOf(m: BotApiMessage): BotApiMessageOrigin | undefined {
  if (m.forward_origin) return m.forward_origin;
  if (m.chat.type === 'channel') return { type: 'channel', chat: m.chat, message_id: m.message_id, date: m.date };
  if (m.sender_chat) return { type: 'chat', sender_chat: m.sender_chat, date: m.date };
  return m.from ? { type: 'user', sender_user: m.from, date: m.date } : undefined;
}

function forwardMessage(ctx: MethodContext): BotApiMessage {
  const { world, bot, params } = ctx;
  const to = resolveChat(ctx, 'send');
  const from = resolveChat(ctx, 'read', 'from_chat_id');
  const src = world.findMessage(bot.id, from, messageId(ctx));
  if (!src) throw Errors.forwardNotFound();
  const origin = originOf(src);
  // Service messages (a chat or topic created) have no content to forward; protected ones may not be.
  if (!origin || !CONTENT_KEYS.some((k) => src[k] !== undefined) || src.has_protected_content) throw Errors.cantForward();
  const thread = threadOf(ctx, to);
  const commit = limit(ctx, to);
  const fields: Record<string, unknown> = { ...thread, ...authorFields(ctx, to), forward_origin: origin, ...legacyForward(origin) };
  for (const k of CONTENT_KEYS) if (src[k] !== undefined) fields[k] = src[k];
  if (params.bool('protect_content')) fields.has_protected_content = true;
  const msg = world.addMessage(bot.id, to, fields, { sentByBot: true, silent: params.bool('disable_notification') });
  commit();
  return msg;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function editMessageText(ctx: MethodContext): BotApiMessage {
  const { world, bot, params } = ctx;
  if (params.has('inline_message_id')) {
    throw badRequest('inline_message_id is not supported by the sandbox (it has no inline mode): give chat_id and message_id');
  }
  const c = resolveChat(ctx, 'edit');
  const id = messageId(ctx);
  const raw = params.str('text');
  if (raw === undefined || raw === '') throw Errors.textEmpty();
  const parsed = formatted(ctx, 'text', 'parse_mode', 'entities');
  const { text, entities } = trimFormatted(parsed.text, parsed.entities);
  if (text === '') throw Errors.textEmpty();
  if (codePointLength(text) > 4096) throw Errors.textTooLong();
  const m = world.findMessage(bot.id, c, id);
  if (!m) throw Errors.editNotFound();
  // Only what the bot wrote itself: another's message, or a forward (even its own), stays as it is.
  if (world.senderBot(m) !== bot.id || m.forward_origin) throw Errors.cantEdit();
  if (m.text === undefined) throw Errors.noTextToEdit();
  const preview = linkPreview(ctx);
  // An edit without reply_markup takes the inline keyboard away, as on Telegram.
  const markup = replyMarkup(ctx);
  const all = mergeEntities(text, entities);
  if (text === m.text && same(all, m.entities ?? []) && same(markup, m.reply_markup)) throw Errors.notModified();
  // In place: the message object is the key of the world's notes about it (sender, copies).
  m.text = text;
  if (all.length) m.entities = all;
  else delete m.entities;
  if (preview) m.link_preview_options = preview;
  else delete m.link_preview_options;
  if (markup) m.reply_markup = markup;
  else delete m.reply_markup;
  m.edit_date = world.now();
  world.messageEdited(m);
  return m;
}

/**
 * Telegram's rules for bots: a message under 48 hours old, not the service message that created a
 * supergroup, channel or topic; in a private chat both sides' messages; in a group or channel an
 * administrator's bot any message, another bot its own (a channel's posts need an administrator).
 */
export function mayDelete(ctx: MethodContext, c: WorldChat, m: BotApiMessage): boolean {
  const { world, bot } = ctx;
  if (m.supergroup_chat_created || m.forum_topic_created) return false;
  if (world.now() - m.date >= DELETE_WINDOW_SECONDS) return false;
  if (c.type === 'private') return true;
  if (world.isAdmin(c, bot.id)) return true;
  return world.senderBot(m) === bot.id && c.type !== 'channel';
}

function deleteMessage(ctx: MethodContext): boolean {
  const { world, bot } = ctx;
  const c = resolveChat(ctx, 'edit');
  const m = world.findMessage(bot.id, c, messageId(ctx));
  if (!m) throw Errors.deleteNotFound();
  if (!mayDelete(ctx, c, m)) throw Errors.cantDelete();
  world.deleteMessage(m);
  return true;
}

/**
 * deleteMessages: ids that are not there (never were, or deleted) are skipped, as Telegram skips
 * them; one that is there but may not be deleted fails the whole call, nothing deleted (what
 * telegram-bot-api does: TDLib's deleteMessages checks every message before deleting any).
 */
function deleteMessages(ctx: MethodContext): boolean {
  const { world, bot } = ctx;
  const ids = messageIds(ctx);
  const c = resolveChat(ctx, 'edit');
  const found: BotApiMessage[] = [];
  for (const id of ids) {
    const m = world.findMessage(bot.id, c, id);
    if (m && !found.includes(m)) found.push(m);
  }
  if (found.some((m) => !mayDelete(ctx, c, m))) throw Errors.cantDelete();
  for (const m of found) world.deleteMessage(m);
  return true;
}

export const MESSAGE_METHODS: Record<string, MethodFn> = { forwardMessage, editMessageText, deleteMessage, deleteMessages };
