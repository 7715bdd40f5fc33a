// msg, send_text, send_* and reply as the user account: the text split as msg splits it (4096
// characters a part, one answer each), files uploaded then sent with their caption. Refuses
// nothing a user may send; Telegram's refusals come back explained (telegram/user/failures.ts).

import { ErrorCode, TgshError } from '../core/errors.js';
import type { PeerRecord } from '../peers/types.js';
import type { UserAccount } from '../telegram/user/account.js';
import type { SendOptions } from '../telegram/user/send.js';
import type { UploadKind } from '../telegram/user/types.js';
import { messagesResult, userSendOptions } from './acting.js';
import type { CommandContext, Result } from './types.js';

/** Sends a text in parts of at most 4096 characters; one answer per part, stopping at a failure. */
export async function userSendText(ctx: CommandContext, account: UserAccount, to: PeerRecord, text: string, extra: Partial<SendOptions> = {}): Promise<Result[]> {
  const o = { ...userSendOptions(ctx), ...extra };
  const { splitText } = await import('../telegram/botapi/split.js');
  const split = splitText(text, o.parseMode);
  if (!split.ok) throw new TgshError(ErrorCode.BAD_ARGUMENT, split.error, { hint: 'split the text yourself, or send it without a parse mode' });
  const { sendText } = await import('../telegram/user/send.js');
  const out: Result[] = [];
  for (let i = 0; i < split.parts.length; i++) {
    try {
      // Only the first part answers the message replied to.
      const m = await sendText(account, to, split.parts[i], i === 0 ? o : { ...o, replyTo: undefined });
      out.push(messagesResult(ctx, [m], false));
    } catch (e) {
      if (out.length === 0) throw e;
      const x = e instanceof TgshError ? e : new TgshError(ErrorCode.INTERNAL, String(e));
      out.push({ kind: 'fail', code: x.code, error: `part ${i + 1} of ${split.parts.length}: ${x.message}`, hint: x.hint, failure: x.failure, retryAfter: x.retryAfter });
      break;
    }
  }
  return out;
}

export async function userSendFile(ctx: CommandContext, account: UserAccount, to: PeerRecord, kind: UploadKind, path: string, caption: string | undefined): Promise<Result> {
  if (caption !== undefined && caption.length > 1024) {
    throw new TgshError(ErrorCode.BAD_ARGUMENT, `the caption has ${caption.length} characters; Telegram takes at most 1024`, { hint: 'send the rest with msg' });
  }
  const { sendFile } = await import('../telegram/user/send.js');
  return messagesResult(ctx, [await sendFile(account, to, kind, path, caption, userSendOptions(ctx))], false);
}

export type SendCommand = 'msg' | 'send_text' | 'send_photo' | 'send_document' | 'send_file' | 'send_video' | 'send_audio';

/**
 * The user-account path of a send command, when the user acts (undefined: the bot acts, and the
 * command goes on as the bot, with what only a user may do refused first).
 */
export async function asUser(ctx: CommandContext, input: import('./types.js').ParsedArgs, what: SendCommand): Promise<Result | Result[] | undefined> {
  const { actingIdentity, refuseBotModifiers, userAccount, userPeer } = await import('./acting.js');
  if ((await actingIdentity(ctx, { botCan: true })) === 'bot') {
    refuseBotModifiers(ctx);
    return undefined;
  }
  const args = input.args;
  const account = await userAccount(ctx);
  await account.link(what);
  const to = await userPeer(ctx, args.peer as import('../peers/ref.js').PeerRef);
  if (what === 'msg') {
    const text = args.text as string;
    if (text.trim() === '') throw new TgshError(ErrorCode.BAD_ARGUMENT, 'the message is empty', { hint: 'give some text after the peer' });
    return userSendText(ctx, account, to, text);
  }
  if (what === 'send_text') {
    const { readTextFile } = await import('../telegram/botapi/files.js');
    const read = readTextFile(args.file as string);
    if ('code' in read) throw new TgshError(read.code, read.error, { hint: read.hint });
    if (read.text.trim() === '') throw new TgshError(ErrorCode.BAD_ARGUMENT, `'${args.file as string}' holds no text`, { hint: 'Telegram does not send empty messages' });
    return userSendText(ctx, account, to, read.text);
  }
  const { checkLocalFile, uploadKindFor } = await import('../telegram/botapi/files.js');
  const file = args.file as string;
  const checked = checkLocalFile(file, 'document');
  if ('code' in checked) throw new TgshError(checked.code, checked.error, { hint: checked.hint });
  const kind: UploadKind = what === 'send_file' ? uploadKindFor(checked.path, checked.size) : (what.slice(5) as UploadKind);
  const caption = args.caption as string | undefined;
  return userSendFile(ctx, account, to, kind, checked.path, caption === '' ? undefined : caption);
}
