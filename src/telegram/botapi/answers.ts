// The shapes tgsh relies on in Bot API answers. grammY hands over `result` as the server sent it;
// a self-hosted or odd server may answer `{"ok": true, "result": true}` to sendMessage, or an
// object to getUpdates. Such an answer is one clear failure ("the Bot API at <root> gave an
// unexpected answer to <method>"), never a TypeError deep inside tgsh.

import type { Message, Update, UserFromGetMe } from 'grammy/types';
import { isObject } from '../../core/json.js';

function isChatObject(x: unknown): boolean {
  return isObject(x) && typeof x.id === 'number' && Number.isFinite(x.id) && typeof x.type === 'string';
}

/** A Message as sendMessage/sendPhoto/sendDocument answer it (the fields tgsh reads). */
export function isMessageAnswer(x: unknown): x is Message {
  return isObject(x) && typeof x.message_id === 'number' && typeof x.date === 'number' && isChatObject(x.chat);
}

/** getUpdates: a list of updates, each with its update_id. */
export function isUpdateList(x: unknown): x is Update[] {
  return Array.isArray(x) && x.every((u) => isObject(u) && typeof u.update_id === 'number' && Number.isSafeInteger(u.update_id));
}

/** getMe: the bot itself. */
export function isMeAnswer(x: unknown): x is UserFromGetMe {
  return isObject(x) && typeof x.id === 'number' && typeof x.username === 'string' && typeof x.first_name === 'string';
}

/** getChat: a chat. */
export function isChatAnswer(x: unknown): boolean {
  return isChatObject(x);
}

/** getWebhookInfo: an object whose url is a string. */
export function isWebhookInfoAnswer(x: unknown): x is { url: string } {
  return isObject(x) && typeof x.url === 'string';
}

/** A Bot API answer of an unexpected shape (thrown by the callers that check one). */
export class UnexpectedAnswer extends Error {
  override name = 'UnexpectedAnswer';
  constructor(readonly method: string) {
    super(`unexpected answer to ${method}`);
  }
}
