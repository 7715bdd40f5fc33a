// The Bot API methods the sandbox serves, over the world. Each checks its parameters and the
// world the way Telegram does and answers Telegram's texts (errors.ts); sends are recorded in the
// world only when they succeed.

import type { BotApiDocument, BotApiMessage, BotApiPhotoSize, BotApiUpdate } from '../world/botapi-types.js';
import { DEFAULT_UPDATE_TYPES } from '../world/botapi-types.js';
import { codePointLength, mergeEntities, trimFormatted } from '../world/text-entities.js';
import type { StoredFile, World } from '../world/world.js';
import {
  Described,
  authorFields,
  formatted,
  limit,
  linkPreview,
  replyMarkup,
  replyTo,
  resolveChat,
  threadOf,
  type MethodContext,
  type MethodFn,
  type Poll,
} from './context.js';
import { ApiError, Errors, badRequest } from './errors.js';
import { imageSize } from './images.js';
import { FORWARD_METHODS } from './forwards.js';
import { MESSAGE_METHODS } from './messages.js';
import type { UploadedFile } from './multipart.js';

export { Described, resolveChat, type MethodContext, type MethodFn, type Poll } from './context.js';

function sendMessage(ctx: MethodContext): BotApiMessage {
  const raw = ctx.params.str('text');
  if (raw === undefined || raw === '') throw Errors.textEmpty();
  const parsed = formatted(ctx, 'text', 'parse_mode', 'entities');
  const c = resolveChat(ctx, 'send');
  const { text, entities } = trimFormatted(parsed.text, parsed.entities);
  if (text === '') throw Errors.textEmpty();
  if (codePointLength(text) > 4096) throw Errors.textTooLong();
  const thread = threadOf(ctx, c);
  const reply = replyTo(ctx, c);
  const preview = linkPreview(ctx);
  const markup = replyMarkup(ctx);
  const commit = limit(ctx, c);
  const all = mergeEntities(text, entities);
  const fields: Omit<BotApiMessage, 'message_id' | 'chat' | 'date'> = { ...thread, ...authorFields(ctx, c) };
  if (reply) fields.reply_to_message = reply;
  fields.text = text;
  if (all.length) fields.entities = all;
  if (preview) fields.link_preview_options = preview;
  if (markup) fields.reply_markup = markup;
  if (ctx.params.bool('protect_content')) fields.has_protected_content = true;
  const msg = ctx.world.addMessage(ctx.bot.id, c, fields, { sentByBot: true, silent: ctx.params.bool('disable_notification') });
  commit();
  return msg;
}

// ---- files ----------------------------------------------------------------------------------

const MIME: Record<string, string> = {
  txt: 'text/plain', csv: 'text/csv', html: 'text/html', htm: 'text/html', json: 'application/json',
  pdf: 'application/pdf', zip: 'application/zip', gz: 'application/gzip', tar: 'application/x-tar',
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp',
  mp3: 'audio/mpeg', ogg: 'audio/ogg', mp4: 'video/mp4', xml: 'application/xml', md: 'text/markdown',
  doc: 'application/msword', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', js: 'text/javascript',
};

function mimeOf(name: string, given: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  if (ext && MIME[ext]) return MIME[ext];
  return given && given !== 'application/octet-stream' ? given : 'application/octet-stream';
}

function documentOf(f: StoredFile): BotApiDocument {
  const d: BotApiDocument = { file_id: f.file_id, file_unique_id: f.file_unique_id };
  if (f.name) d.file_name = f.name;
  if (f.mime_type) d.mime_type = f.mime_type;
  d.file_size = f.size;
  return d;
}

function photoSizes(world: World, f: StoredFile): BotApiPhotoSize[] {
  const w = f.width!;
  const h = f.height!;
  const max = Math.max(w, h);
  const out: BotApiPhotoSize[] = [];
  const steps = [90, 320, 800, 1280, 2560];
  for (let i = 0; i < steps.length; i++) {
    const t = steps[i];
    const last = max <= t || i === steps.length - 1;
    const k = last ? Math.min(1, t / max) : t / max;
    const sw = Math.max(1, Math.round(w * k));
    const sh = Math.max(1, Math.round(h * k));
    const size = last ? f.size : Math.max(1, Math.round((f.size * sw * sh) / (w * h)));
    const id = last ? f.file_id : `${f.file_id}${'smxyw'[i]}`;
    if (!last) world.files.set(id, f);
    out.push({ file_id: id, file_unique_id: last ? f.file_unique_id : `${f.file_unique_id}${'smxyw'[i]}`, file_size: size, width: sw, height: sh });
    if (last) break;
  }
  return out;
}

/**
 * sendPhoto, sendDocument, sendVideo, sendAudio. A video or audio file is kept as a document (the
 * sandbox does not probe media: width, height and duration are 0) and answered as `video` / `audio`.
 */
function sendFile(kind: 'document' | 'photo' | 'video' | 'audio') {
  const storeAs = kind === 'photo' ? 'photo' : 'document';
  return (ctx: MethodContext): BotApiMessage => {
    const { params, world, bot } = ctx;
    const input = params.file(kind);
    if (input === undefined) throw badRequest(`there is no ${kind} in the request`);
    const parsed = formatted(ctx, 'caption', 'parse_mode', 'caption_entities');
    const c = resolveChat(ctx, 'send');
    const cap = trimFormatted(parsed.text, parsed.entities);
    if (codePointLength(cap.text) > 1024) throw Errors.captionTooLong();
    let stored: StoredFile;
    if (typeof input === 'string') {
      const known = world.files.get(input);
      if (!known) {
        if (/^https?:\/\//i.test(input)) throw badRequest('failed to get HTTP URL content');
        throw badRequest('wrong file identifier/HTTP URL specified');
      }
      if (known.kind !== storeAs) {
        throw badRequest(`can't use file of type ${known.kind === 'photo' ? 'Photo' : 'Document'} as ${kind[0].toUpperCase()}${kind.slice(1)}`);
      }
      stored = known;
    } else {
      stored = upload(ctx, storeAs, input);
    }
    const thread = threadOf(ctx, c);
    const reply = replyTo(ctx, c);
    const markup = replyMarkup(ctx);
    const commit = limit(ctx, c);
    const capEntities = mergeEntities(cap.text, cap.entities);
    const media =
      kind === 'photo'
        ? { photo: photoSizes(world, stored) }
        : kind === 'video'
          ? { video: { ...documentOf(stored), width: 0, height: 0, duration: 0 } }
          : kind === 'audio'
            ? { audio: { ...documentOf(stored), duration: 0 } }
            : { document: documentOf(stored) };
    const msg = world.addMessage(
      bot.id,
      c,
      {
        ...thread,
        ...authorFields(ctx, c),
        ...(reply ? { reply_to_message: reply } : {}),
        ...media,
        ...(cap.text ? { caption: cap.text } : {}),
        ...(capEntities.length && cap.text ? { caption_entities: capEntities } : {}),
        ...(markup ? { reply_markup: markup } : {}),
      },
      { sentByBot: true, silent: params.bool('disable_notification') },
    );
    commit();
    return msg;
  };
}

function upload(ctx: MethodContext, kind: 'document' | 'photo', f: UploadedFile): StoredFile {
  if (f.data.length === 0) throw badRequest('file must be non-empty');
  if (kind === 'document') {
    if (f.data.length > 50 * 1024 * 1024) throw new ApiError(413, 'Request Entity Too Large');
    return ctx.world.storeFile(ctx.bot.id, 'document', f.data, { name: f.name, mime_type: mimeOf(f.name, f.contentType) });
  }
  if (f.data.length > 10 * 1024 * 1024) throw badRequest('PHOTO_SAVE_FILE_INVALID');
  const dims = imageSize(f.data);
  if (!dims) throw badRequest('IMAGE_PROCESS_FAILED');
  const { width, height } = dims;
  if (width + height > 10000 || Math.max(width, height) / Math.min(width, height) > 20) {
    throw badRequest('PHOTO_INVALID_DIMENSIONS');
  }
  return ctx.world.storeFile(ctx.bot.id, 'photo', f.data, { name: f.name, mime_type: mimeOf(f.name, f.contentType), width, height });
}

// ---- updates and webhooks -------------------------------------------------------------------

function getUpdates(ctx: MethodContext): BotApiUpdate[] | Promise<BotApiUpdate[]> {
  const { world, bot, params, polls } = ctx;
  const st = world.botState(bot.id);
  if (st.webhook) throw Errors.conflictWebhook();
  // Telegram ends the earlier request when a second poller comes.
  polls.get(bot.id)?.finish(Errors.conflictPoll());
  const q = st.queue;
  const offset = params.int('offset');
  if (offset !== undefined) q.confirm(offset);
  const limit = Math.min(100, Math.max(1, params.int('limit') ?? 100));
  const timeout = Math.max(0, Math.min(3600, params.int('timeout') ?? 0));
  if (params.has('allowed_updates')) {
    const allowed = params.json<string[]>('allowed_updates', 'allowed updates');
    if (!Array.isArray(allowed)) throw badRequest("can't parse allowed updates JSON object");
    st.allowedUpdates = allowed.length ? allowed.map(String) : undefined;
  }
  const allowed = st.allowedUpdates ? new Set(st.allowedUpdates) : DEFAULT_UPDATE_TYPES;
  const now = q.peek(limit, allowed);
  if (now.length > 0 || timeout === 0) return now;
  return new Promise<BotApiUpdate[]>((resolve, reject) => {
    let done = false;
    const poll: Poll = {
      finish(result) {
        if (done) return;
        done = true;
        clearTimeout(timer);
        unsubscribe();
        if (polls.get(bot.id) === poll) polls.delete(bot.id);
        if (result instanceof ApiError) reject(result);
        else resolve(result);
      },
    };
    const unsubscribe = q.onPush(() => {
      const got = q.peek(limit, allowed);
      if (got.length) poll.finish(got);
    });
    const timer = setTimeout(() => poll.finish([]), timeout * 1000);
    polls.set(bot.id, poll);
    ctx.onClientGone(() => poll.finish([]));
  });
}

function setWebhook(ctx: MethodContext): Described {
  const { world, bot, params, polls } = ctx;
  const st = world.botState(bot.id);
  const url = params.str('url') ?? '';
  if (params.bool('drop_pending_updates')) st.queue.clear();
  if (url === '') {
    const had = st.webhook !== undefined;
    delete st.webhook;
    return new Described(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badRequest('bad webhook: Failed to resolve host: Name or service not known');
  }
  if (parsed.protocol !== 'https:') throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
  if (parsed.port && !['80', '88', '443', '8443'].includes(parsed.port)) {
    throw badRequest('bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443');
  }
  const same = st.webhook?.url === url;
  const allowed = params.json<string[]>('allowed_updates', 'allowed updates');
  st.webhook = {
    url,
    max_connections: Math.min(100, Math.max(1, params.int('max_connections') ?? 40)),
    set_at: world.now(),
    ...(Array.isArray(allowed) && allowed.length ? { allowed_updates: allowed.map(String) } : {}),
  };
  if (Array.isArray(allowed)) st.allowedUpdates = allowed.length ? allowed.map(String) : undefined;
  polls.get(bot.id)?.finish(Errors.conflictWebhook());
  return new Described(true, same ? 'Webhook is already set' : 'Webhook was set');
}

function deleteWebhook(ctx: MethodContext): Described {
  const st = ctx.world.botState(ctx.bot.id);
  if (ctx.params.bool('drop_pending_updates')) st.queue.clear();
  const had = st.webhook !== undefined;
  delete st.webhook;
  return new Described(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
}

function getWebhookInfo(ctx: MethodContext): unknown {
  const st = ctx.world.botState(ctx.bot.id);
  const info: Record<string, unknown> = {
    url: st.webhook?.url ?? '',
    has_custom_certificate: false,
    pending_update_count: st.queue.pending,
  };
  if (st.webhook) {
    info.ip_address = '127.0.0.1';
    info.max_connections = st.webhook.max_connections;
    if (st.webhook.allowed_updates) info.allowed_updates = st.webhook.allowed_updates;
  }
  return info;
}

// ---- the rest -------------------------------------------------------------------------------

function getMe(ctx: MethodContext): unknown {
  const b = ctx.bot;
  return {
    ...ctx.world.botApiUser(b),
    can_join_groups: true,
    can_read_all_group_messages: b.can_read_all_group_messages === true,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  };
}

function getChat(ctx: MethodContext): unknown {
  const { world } = ctx;
  const c = resolveChat(ctx, 'read');
  const base = { ...world.botApiChat(c) } as Record<string, unknown>;
  base.accent_color_id = (Math.abs(c.id) % 7);
  base.max_reaction_count = 11;
  if (c.type === 'private') {
    const names = c.user.usernames ?? [];
    if (names.length > 1) base.active_usernames = names;
    if (c.user.bio) base.bio = c.user.bio;
  } else if (c.type !== 'group') {
    const names = c.channel.usernames ?? [];
    if (names.length > 1) base.active_usernames = names;
    if (c.channel.about) base.description = c.channel.about;
  }
  if (c.type === 'group' || c.type === 'supergroup') {
    base.permissions = {
      can_send_messages: true, can_send_audios: true, can_send_documents: true, can_send_photos: true,
      can_send_videos: true, can_send_video_notes: true, can_send_voice_notes: true, can_send_polls: true,
      can_send_other_messages: true, can_add_web_page_previews: true, can_change_info: false,
      can_invite_users: true, can_pin_messages: false, can_manage_topics: false,
    };
  }
  return base;
}

function getChatMember(ctx: MethodContext): unknown {
  const { world, params } = ctx;
  const c = resolveChat(ctx, 'read');
  const userId = params.int('user_id');
  if (userId === undefined || userId <= 0) throw badRequest('invalid user_id specified');
  if (!world.users.has(userId)) throw Errors.peerIdInvalid();
  return world.chatMember(c, userId);
}

const ACTIONS = new Set([
  'typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice',
  'upload_document', 'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note',
]);

function sendChatAction(ctx: MethodContext): boolean {
  const action = ctx.params.str('action');
  if (!action || !ACTIONS.has(action)) throw badRequest('wrong parameter action in request');
  resolveChat(ctx, 'send');
  return true;
}

function setMyCommands(ctx: MethodContext): boolean {
  const list = ctx.params.json<Array<{ command?: unknown; description?: unknown }>>('commands', 'commands');
  if (!Array.isArray(list)) throw badRequest("can't parse commands JSON object");
  if (list.length > 100) throw badRequest('too many commands specified');
  const out: { command: string; description: string }[] = [];
  for (const c of list) {
    const command = typeof c?.command === 'string' ? c.command.replace(/^\//, '') : '';
    const description = typeof c?.description === 'string' ? c.description : '';
    if (!/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest('BOT_COMMAND_INVALID');
    if (description.trim() === '' || description.length > 256) throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
    out.push({ command, description });
  }
  ctx.world.botState(ctx.bot.id).commands = out;
  return true;
}

function answerCallbackQuery(ctx: MethodContext): boolean {
  const id = ctx.params.str('callback_query_id') ?? '';
  const q = ctx.world.botState(ctx.bot.id).callbacks.get(id);
  if (!q || q.answered) throw badRequest('query is too old and response timeout expired or query ID is invalid');
  q.answered = true;
  const text = ctx.params.str('text');
  if (text !== undefined) q.text = text;
  if (ctx.params.bool('show_alert')) q.show_alert = true;
  const url = ctx.params.str('url');
  if (url !== undefined) q.url = url;
  return true;
}

/** Every method by its canonical name. */
export const METHODS: Record<string, MethodFn> = {
  getMe,
  getUpdates,
  setWebhook,
  deleteWebhook,
  getWebhookInfo,
  getChat,
  getChatMember,
  sendMessage,
  sendDocument: sendFile('document'),
  sendPhoto: sendFile('photo'),
  sendVideo: sendFile('video'),
  sendAudio: sendFile('audio'),
  sendChatAction,
  setMyCommands,
  getMyCommands: (ctx) => ctx.world.botState(ctx.bot.id).commands,
  deleteMyCommands: (ctx) => {
    ctx.world.botState(ctx.bot.id).commands = [];
    return true;
  },
  answerCallbackQuery,
  ...MESSAGE_METHODS,
  ...FORWARD_METHODS,
};

/** Methods by lower-case name (Telegram's method names are case-insensitive). */
export const METHODS_BY_LOWER = new Map(Object.entries(METHODS).map(([name, fn]) => [name.toLowerCase(), { name, fn }]));
