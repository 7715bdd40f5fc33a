// Telegram's refusals of a send, by meaning: the texts of core.telegram.org's Bot API errors turned
// into a small set of reasons a program can act on (broadcast journals them, msg explains them).

export type SendReason =
  /** 403: the user has not started the bot (or deleted the chat with it). */
  | 'not_started'
  /** 403: the user blocked the bot. */
  | 'blocked'
  /** 403: the user deleted their account. */
  | 'deactivated'
  /** 403: bots can not write to bots. */
  | 'to_bot'
  /** 403: the bot was removed from the group or channel. */
  | 'kicked'
  /** 403: the bot is not in the (public) group or channel. */
  | 'not_member'
  /** 400/403: the bot is in the chat but may not post there (channel member, muted). */
  | 'no_rights'
  /** 400: the bot does not know this chat id. */
  | 'chat_not_found'
  /** 400: a basic group became a supergroup: migrateToChatId is its new id. */
  | 'migrated'
  | 'empty'
  | 'too_long'
  /** 400: the HTML or MarkdownV2 text is not valid markup. */
  | 'bad_markup'
  | 'reply_not_found'
  /** 400/413: Telegram refused the file (not an image, too big, empty...). */
  | 'bad_file'
  /** 401: the bot token is wrong or revoked. */
  | 'unauthorized'
  /** 429: too many requests; retryAfter says how long to wait. */
  | 'flood'
  | 'conflict'
  | 'bad_request'
  | 'forbidden'
  /** 5xx answered in the Bot API's own JSON. */
  | 'server'
  | 'refused'
  /** No answer from a Bot API server (see SendFailure.network). */
  | 'network'
  /** `ok: true`, but the result is not what the method answers (an odd server): maybe sent. */
  | 'bad_answer'
  /** The caller cancelled (Ctrl-C). */
  | 'aborted';

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
