// What went wrong for a user account, with what to do: Telegram's refusals of messages (anti-spam,
// privacy, blocks, rights), flood waits (exit 5, --max-wait), a dead session (exit 4). Everything
// else is the resolver's explanation (resolver/failures.ts), which this builds on.

import { ErrorCode, TgshError } from '../../core/errors.js';
import { MtprotoRpcError } from '../mtproto/errors.js';
import { failureOf, floodFailure, isFloodWait, rpcText, type FailureContext } from '../resolver/failures.js';

export interface UserFailureContext extends FailureContext {
  /** Who the message went to, for the words (`Bob`). */
  peerName?: string;
}

const HINTS: Record<string, (c: UserFailureContext) => string> = {
  PEER_FLOOD: () =>
    "Telegram's anti-spam limits this account: it may not write to people who do not have it as a contact for now. Write to contacts only, wait (a day or more), and ask @SpamBot about the limit",
  USER_PRIVACY_RESTRICTED: (c) => `${c.peerName ?? 'this user'} lets only their contacts write to them (privacy settings); ask them to add you, or write in a group you share`,
  YOU_BLOCKED_USER: (c) => `you blocked ${c.peerName ?? 'this user'}; unblock them in Telegram first`,
  USER_IS_BLOCKED: (c) => `${c.peerName ?? 'this user'} blocked this account; nothing can be sent to them`,
  CHAT_WRITE_FORBIDDEN: (c) => `this account may not write in ${c.peerName ?? 'this chat'} (not a member, muted, or a channel it does not admin)`,
  CHAT_ADMIN_REQUIRED: (c) => `only admins may do this in ${c.peerName ?? 'this chat'}`,
  MESSAGE_TOO_LONG: () => 'a message holds at most 4096 characters (msg splits longer texts itself; edit_msg can not)',
  MEDIA_CAPTION_TOO_LONG: () => 'a caption holds at most 1024 characters',
  MESSAGE_EMPTY: () => 'give some text',
  MESSAGE_NOT_MODIFIED: () => 'the new text is the same as the old one',
  MESSAGE_ID_INVALID: () => 'no such message in this chat (a plain id is one of this account\'s own; a channel message needs its 48-hex id from history --json)',
  MESSAGE_DELETE_FORBIDDEN: (c) => `this account may delete only its own messages in ${c.peerName ?? 'this chat'} (an admin deletes anyone's; in a channel, admins only)`,
  MESSAGE_AUTHOR_REQUIRED: () => 'only the author may edit a message',
  MESSAGE_EDIT_TIME_EXPIRED: () => 'messages can be edited for 48 hours only',
  BOT_METHOD_INVALID: () => "a bot can not do this over MTProto; log in as a user with 'login' and act as the user ([as=user], --as user)",
  SCHEDULE_DATE_TOO_LATE: () => 'a message can be scheduled at most a year ahead',
  SCHEDULE_TOO_MUCH: () => 'a chat holds at most 100 scheduled messages',
  IMAGE_PROCESS_FAILED: () => 'Telegram could not read this file as an image; send it with send_document',
  FILE_REFERENCE_EXPIRED: () => 'the file reference is old: load the message again (history) and retry',
  INPUT_USER_DEACTIVATED: (c) => `${c.peerName ?? 'this user'} deleted their account`,
  TOPIC_ID_INVALID: (c) => `${c.peerName ?? 'this chat'} has no such topic: [topic=N] names a topic of a forum supergroup (N: the id of the message that opened it); leave it out elsewhere`,
  METHOD_NOT_IMPLEMENTED_IN_SANDBOX: () =>
    "the sandbox's data centre does not serve this to a user account yet (in supergroups and channels: scheduled messages, and new media in an edit); act as the bot there ([as=bot]), or use a private chat or basic group",
  USER_BANNED_IN_CHANNEL: () => 'this account may not write in public groups and channels for now (a spam restriction); ask @SpamBot',
};

/** The FAIL of a user-account call, explained. */
export function userFailure(e: unknown, c: UserFailureContext): TgshError {
  if (isFloodWait(e)) {
    const f = floodFailure(e.seconds!, c);
    return new TgshError(f.code, f.message, { ...f.more, hint: `try again in ${e.seconds} s, or allow the wait with --max-wait ${e.seconds}; Telegram limits how fast an account may send` });
  }
  if (e instanceof MtprotoRpcError) {
    const hint = HINTS[e.errorMessage];
    if (hint) return new TgshError(ErrorCode.SERVER, rpcText(e), { hint: hint(c) });
  }
  return failureOf(e, c);
}
