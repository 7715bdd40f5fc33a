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

export const badRequest = (what: string): ApiError => new ApiError(400, `Bad Request: ${what}`);
export const forbidden = (what: string): ApiError => new ApiError(403, `Forbidden: ${what}`);

export const Errors = {
  unauthorized: (): ApiError => new ApiError(401, 'Unauthorized'),
  notFound: (): ApiError => new ApiError(404, 'Not Found'),
  chatNotFound: (): ApiError => badRequest('chat not found'),
  chatIdEmpty: (): ApiError => badRequest('chat_id is empty'),
  userNotFound: (): ApiError => badRequest('user not found'),
  peerIdInvalid: (): ApiError => badRequest('PEER_ID_INVALID'),
  textEmpty: (): ApiError => badRequest('message text is empty'),
  textTooLong: (): ApiError => badRequest('message is too long'),
  captionTooLong: (): ApiError => badRequest('message caption is too long'),
  cantParseEntities: (why: string): ApiError => badRequest(`can't parse entities: ${why}`),
  unsupportedParseMode: (): ApiError => badRequest('unsupported parse_mode'),
  replyNotFound: (): ApiError => badRequest('message to be replied not found'),
  threadNotFound: (): ApiError => badRequest('message thread not found'),
  messageIdEmpty: (): ApiError => badRequest('message identifier is not specified'),
  messageIdsEmpty: (): ApiError => badRequest('message identifiers are not specified'),
  required: (name: string): ApiError => badRequest(`parameter "${name}" is required`),
  forwardNotFound: (): ApiError => badRequest('message to forward not found'),
  cantForward: (): ApiError => badRequest("message can't be forwarded"),
  editNotFound: (): ApiError => badRequest('message to edit not found'),
  cantEdit: (): ApiError => badRequest("message can't be edited"),
  noTextToEdit: (): ApiError => badRequest('there is no text in the message to edit'),
  notModified: (): ApiError =>
    badRequest('message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message'),
  deleteNotFound: (): ApiError => badRequest('message to delete not found'),
  cantDelete: (): ApiError => badRequest("message can't be deleted"),
  cantInitiate: (): ApiError => forbidden("bot can't initiate conversation with a user"),
  blocked: (): ApiError => forbidden('bot was blocked by the user'),
  toBots: (): ApiError => forbidden("bot can't send messages to bots"),
  deactivated: (): ApiError => forbidden('user is deactivated'),
  kicked: (kind: 'group' | 'supergroup' | 'channel'): ApiError => forbidden(`bot was kicked from the ${kind} chat`),
  notMember: (kind: 'group' | 'supergroup' | 'channel'): ApiError => forbidden(`bot is not a member of the ${kind} chat`),
  needAdmin: (): ApiError => badRequest('need administrator rights in the channel chat'),
  tooManyRequests: (retryAfter: number): ApiError =>
    new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter }),
  conflictPoll: (): ApiError => new ApiError(409, 'Conflict: terminated by other getUpdates request'),
  conflictWebhook: (): ApiError =>
    new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"),
};
