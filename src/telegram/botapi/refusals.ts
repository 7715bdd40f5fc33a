// Telegram's refusals of a send, by meaning: the texts of core.telegram.org's Bot API errors turned
// into a small set of reasons a program can act on (broadcast journals them, msg explains them).

import type { SendReason } from '../sender.js';

export type { SendReason };

const RULES: Array<[code: number | undefined, pattern: RegExp, reason: SendReason]> = [
  [403, /can't initiate conversation|bot can't send messages to the user|chat not found/i, 'not_started'],
  [403, /blocked by the user/i, 'blocked'],
  [403, /user is deactivated/i, 'deactivated'],
  [403, /can't send messages to bots/i, 'to_bot'],
  [403, /was kicked from|bot was kicked/i, 'kicked'],
  [403, /is not a member/i, 'not_member'],
  [undefined, /need administrator rights|not enough rights|CHAT_WRITE_FORBIDDEN|CHAT_ADMIN_REQUIRED|have no rights to send/i, 'no_rights'],
  [400, /chat not found|PEER_ID_INVALID|user not found|chat_id is empty/i, 'chat_not_found'],
  [400, /message text is empty|text must be non-empty/i, 'empty'],
  [400, /too long/i, 'too_long'],
  [400, /can't parse entities|unsupported parse_mode|can't find end of|reserved and must be escaped/i, 'bad_markup'],
  [400, /replied not found|REPLY_MESSAGE_ID_INVALID/i, 'reply_not_found'],
  [400, /message thread not found|TOPIC_ID_INVALID/i, 'thread_not_found'],
  [400, /IMAGE_PROCESS_FAILED|PHOTO_INVALID_DIMENSIONS|PHOTO_SAVE_FILE_INVALID|file must be non-empty|wrong file identifier|failed to get HTTP URL content|can't use file of type|there is no (photo|document) in the request|wrong type of the web page content/i, 'bad_file'],
  [413, /./, 'bad_file'],
];

/** The reason behind a Bot API error answer (code and description as Telegram sent them). */
export function classifyRefusal(code: number, description: string): SendReason {
  if (code === 429) return 'flood';
  if (code === 401) return 'unauthorized';
  if (code === 409) return 'conflict';
  for (const [c, pattern, reason] of RULES) {
    if ((c === undefined || c === code) && pattern.test(description)) return reason;
  }
  if (code === 400 && /migrat/i.test(description)) return 'migrated';
  if (code === 400) return 'bad_request';
  if (code === 403) return 'forbidden';
  if (code >= 500) return 'server';
  return 'refused';
}
