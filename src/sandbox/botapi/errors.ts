// Telegram's refusals, with the exact description texts the Bot API sends.

export interface ResponseParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}

/** A Bot API error answer: `{"ok":false,"error_code":code,"description":...,"parameters":...}`. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
  }
}

export const badRequest = (what: string) => new ApiError(400, `Bad Request: ${what}`);
export const forbidden = (what: string) => new ApiError(403, `Forbidden: ${what}`);

export const Errors = {
  unauthorized: () => new ApiError(401, 'Unauthorized'),
  notFound: () => new ApiError(404, 'Not Found'),
  chatNotFound: () => badRequest('chat not found'),
  chatIdEmpty: () => badRequest('chat_id is empty'),
  userNotFound: () => badRequest('user not found'),
  peerIdInvalid: () => badRequest('PEER_ID_INVALID'),
  textEmpty: () => badRequest('message text is empty'),
  textTooLong: () => badRequest('message is too long'),
  captionTooLong: () => badRequest('message caption is too long'),
  cantParseEntities: (why: string) => badRequest(`can't parse entities: ${why}`),
  unsupportedParseMode: () => badRequest('unsupported parse_mode'),
  replyNotFound: () => badRequest('message to be replied not found'),
  cantInitiate: () => forbidden("bot can't initiate conversation with a user"),
  blocked: () => forbidden('bot was blocked by the user'),
  toBots: () => forbidden("bot can't send messages to bots"),
  deactivated: () => forbidden('user is deactivated'),
  kicked: (kind: 'group' | 'supergroup' | 'channel') => forbidden(`bot was kicked from the ${kind} chat`),
  notMember: (kind: 'group' | 'supergroup' | 'channel') => forbidden(`bot is not a member of the ${kind} chat`),
  needAdmin: () => badRequest('need administrator rights in the channel chat'),
  tooManyRequests: (retryAfter: number) =>
    new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter }),
  conflictPoll: () => new ApiError(409, 'Conflict: terminated by other getUpdates request'),
  conflictWebhook: () =>
    new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"),
};
