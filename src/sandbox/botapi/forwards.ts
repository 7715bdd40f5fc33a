// forwardMessages, copyMessage and copyMessages: a bot's messages made from messages already in a
// chat, with telegram-bot-api's rules and texts. The plural methods skip what is not there or may not
// be sent (TDLib's forwardMessages leaves those out) and answer the new messages' MessageId list; a
// batch is checked against the send limits once and then counts one send per message it made.

import type { BotApiMessage } from '../world/botapi-types.js';
import { codePointLength, mergeEntities, trimFormatted } from '../world/text-entities.js';
import type { WorldChat } from '../world/world.js';
import { authorFields, formatted, limit, replyMarkup, replyTo, resolveChat, threadOf, type MethodContext, type MethodFn } from './context.js';
import { Errors, badRequest } from './errors.js';
import { legacyForward } from '../world/forward-fields.js';
import { CONTENT_KEYS, messageIds, originOf } from './messages.js';

interface MessageId {
  message_id: number;
}

/** Content a message may carry a caption on (a text message has none to replace). */
const CAPTIONED = ['photo', 'document', 'video', 'audio'] as const;

function requireFrom(ctx: MethodContext): void {
  if (!ctx.params.has('from_chat_id')) throw Errors.required('from_chat_id');
}

const hasContent = (m: BotApiMessage): boolean => CONTENT_KEYS.some((k) => m[k] !== undefined);

/** A service message has nothing to send again; a protected one may be copied by a bot, never forwarded. */
function mayForward(m: BotApiMessage, copy: boolean): boolean {
  return hasContent(m) && (copy || (!m.has_protected_content && originOf(m) !== undefined));
}

/** The content of `src` as a new message's fields; `caption` replaces a media message's caption. */
function contentOf(src: BotApiMessage, caption?: { text: string; entities: BotApiMessage['caption_entities'] }): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const k of CONTENT_KEYS) if (src[k] !== undefined) fields[k] = src[k];
  if (caption && CAPTIONED.some((k) => src[k] !== undefined)) {
    delete fields.caption;
    delete fields.caption_entities;
    if (caption.text !== '') fields.caption = caption.text;
    if (caption.text !== '' && caption.entities?.length) fields.caption_entities = caption.entities;
  }
  return fields;
}

/** The messages of `ids` the bot sees in `from`, in the order given (missing ones left out). */
function found(ctx: MethodContext, from: WorldChat, ids: number[]): Array<BotApiMessage | undefined> {
  return ids.map((id) => ctx.world.findMessage(ctx.bot.id, from, id));
}

/** forwardMessages and copyMessages: one batch, the messages that could be sent as MessageId. */
function many(copy: boolean) {
  return (ctx: MethodContext): MessageId[] => {
    const { world, bot, params } = ctx;
    // telegram-bot-api's order: the ids, from_chat_id given, the chat written in, then the source.
    const ids = messageIds(ctx);
    requireFrom(ctx);
    const to = resolveChat(ctx, 'send');
    const thread = threadOf(ctx, to);
    const from = resolveChat(ctx, 'read', 'from_chat_id');
    const present = found(ctx, from, ids);
    const kept = ids.filter((_, i) => present[i] !== undefined);
    if (kept.length === 0) throw badRequest('there are no messages to forward');
    for (let i = 1; i < kept.length; i++) {
      if (kept[i] <= kept[i - 1]) throw badRequest('message identifiers must be in a strictly increasing order');
    }
    const sendable = present.filter((m): m is BotApiMessage => m !== undefined && mayForward(m, copy));
    if (sendable.length === 0) throw badRequest("messages can't be forwarded");
    const commit = limit(ctx, to);
    const removeCaption = copy && params.bool('remove_caption');
    const out: MessageId[] = [];
    for (const src of sendable) {
      const fields: Record<string, unknown> = { ...thread, ...authorFields(ctx, to) };
      if (!copy) {
        const origin = originOf(src)!;
        Object.assign(fields, { forward_origin: origin, ...legacyForward(origin) });
      }
      Object.assign(fields, contentOf(src, removeCaption ? { text: '', entities: [] } : undefined));
      if (params.bool('protect_content')) fields.has_protected_content = true;
      const msg = world.addMessage(bot.id, to, fields, { sentByBot: true, silent: params.bool('disable_notification') });
      commit();
      out.push({ message_id: msg.message_id });
    }
    return out;
  };
}

/** copyMessage: the content without a link to the original; caption, reply and keyboard may be given. */
function copyMessage(ctx: MethodContext): MessageId {
  const { world, bot, params } = ctx;
  requireFrom(ctx);
  const id = params.int('message_id');
  let caption: { text: string; entities: BotApiMessage['caption_entities'] } | undefined;
  if (params.raw('caption') !== undefined) {
    const parsed = formatted(ctx, 'caption', 'parse_mode', 'caption_entities');
    const cap = trimFormatted(parsed.text, parsed.entities);
    if (codePointLength(cap.text) > 1024) throw Errors.captionTooLong();
    caption = { text: cap.text, entities: mergeEntities(cap.text, cap.entities) };
  }
  // The source first (telegram-bot-api checks the message, then sends it where chat_id says).
  const from = resolveChat(ctx, 'read', 'from_chat_id');
  const src = id === undefined || id <= 0 ? undefined : world.findMessage(bot.id, from, id);
  if (!src) throw badRequest('message to copy not found');
  const to = resolveChat(ctx, 'send');
  if (!mayForward(src, true)) throw badRequest("the message can't be copied");
  const thread = threadOf(ctx, to);
  const reply = replyTo(ctx, to);
  const markup = replyMarkup(ctx);
  const commit = limit(ctx, to);
  const fields: Record<string, unknown> = { ...thread, ...authorFields(ctx, to) };
  if (reply) fields.reply_to_message = reply;
  Object.assign(fields, contentOf(src, caption));
  if (markup) fields.reply_markup = markup;
  if (params.bool('protect_content')) fields.has_protected_content = true;
  const msg = world.addMessage(bot.id, to, fields, { sentByBot: true, silent: params.bool('disable_notification') });
  commit();
  return { message_id: msg.message_id };
}

export const FORWARD_METHODS: Record<string, MethodFn> = { forwardMessages: many(false), copyMessages: many(true), copyMessage };
