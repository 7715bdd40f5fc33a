// Incoming Bot API messages as events (output/event.ts makes telegram-cli's line or JSON of
// them). Built after the batch is in the store, so names and peers are the stored ones (the same
// a `user_info` would show).

import { isObject } from '../../core/json.js';
import { type MessageView } from '../../peers/message.js';
import { displayName } from '../../peers/display-name.js';
import { splitBotApiChatId } from '../../peers/ref.js';
import type { PeerRecord } from '../../peers/types.js';
import type { PeerStore } from '../../store/peer-store.js';
import type { BotIdentity } from '../botapi/sender.js';
import type { IncomingMessage, MessageLike } from './apply.js';
import type { MessageEvent } from './hub.js';


function userName(u: unknown): string {
  if (!isObject(u)) return 'someone';
  return [u.first_name, u.last_name].filter((s) => typeof s === 'string' && s !== '').join(' ') || 'someone';
}

/** The text of a message, or what stands for it (`[photo] caption`, `added Alice`...). */
export function messageText(m: MessageLike): { text: string; service: boolean } {
  if (typeof m.text === 'string') return { text: m.text, service: false };
  const caption = typeof m.caption === 'string' && m.caption !== '' ? ` ${m.caption}` : '';
  if (Array.isArray(m.photo)) return { text: `[photo]${caption}`, service: false };
  if (isObject(m.document)) {
    const name = typeof m.document.file_name === 'string' ? ` ${m.document.file_name}` : '';
    return { text: `[document${name}]${caption}`, service: false };
  }
  for (const media of ['sticker', 'video', 'audio', 'voice', 'animation', 'video_note', 'contact', 'location', 'poll', 'dice']) {
    if (m[media] !== undefined) return { text: `[${media.replace('_', ' ')}]${caption}`, service: false };
  }
  if (Array.isArray(m.new_chat_members)) return { text: `added ${m.new_chat_members.map(userName).join(', ')}`, service: true };
  if (m.left_chat_member !== undefined) return { text: `removed ${userName(m.left_chat_member)}`, service: true };
  if (typeof m.new_chat_title === 'string') return { text: `changed the title to ${m.new_chat_title}`, service: true };
  if (m.group_chat_created || m.supergroup_chat_created || m.channel_chat_created) return { text: 'created the group', service: true };
  if (m.migrate_to_chat_id !== undefined) return { text: `became a supergroup (${JSON.stringify(m.migrate_to_chat_id)})`, service: true };
  if (m.pinned_message !== undefined) return { text: 'pinned a message', service: true };
  return { text: '[message]', service: m.from === undefined };
}

function stored(store: PeerStore, chatId: number): PeerRecord | undefined {
  const { type, id } = splitBotApiChatId(chatId);
  return store.get(type, id);
}

function botRecord(store: PeerStore, me: BotIdentity): PeerRecord {
  return (
    store.get('user', me.id) ?? {
      kind: 'bot',
      id: me.id,
      firstName: me.firstName,
      lastName: me.lastName,
      usernames: [me.username],
      printName: [me.firstName, me.lastName].filter(Boolean).join('_').replace(/[\s#$@]/g, '_'),
      sources: [],
      firstSeen: 0,
      lastSeen: 0,
    }
  );
}

export function incomingEvent(store: PeerStore, me: BotIdentity, msg: IncomingMessage): MessageEvent | undefined {
  const m = msg.message;
  const chat = stored(store, m.chat.id);
  if (!chat) return undefined;
  const from = isObject(m.from) && typeof m.from.id === 'number' ? store.get('user', m.from.id) : undefined;
  const { text, service } = messageText(m);
  const edited = msg.kind.startsWith('edited_');
  const priv = m.chat.type === 'private';
  // With a user logged in, its own private messages are live too and read just like these: the
  // bot's are marked (JSON tells them apart by `to` as it is).
  const mark = priv && store.credentials.identity()?.kind === 'user' ? '[to the bot] ' : '';
  const isChannelPost = msg.kind.endsWith('channel_post');
  const view: MessageView = {
    messageId: m.message_id,
    chatId: m.chat.id,
    date: m.date,
    out: false,
    chatName: displayName(priv && from ? from : chat),
    fromName: priv || isChannelPost ? undefined : from ? displayName(from) : undefined,
    text: `${mark}${edited ? '[edited] ' : ''}${text}`,
  };
  return { event: 'message', view, from: from ?? chat, to: priv ? botRecord(store, me) : chat, service, edited, text, via: 'bot' };
}
