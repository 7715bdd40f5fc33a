// What reply, fwd, edit_msg and delete_msg do as the bot (Bot API): a message named by its
// permanent id (which carries its chat; a plain number does not), and one Bot API call with the
// bot's flood-wait rules and explanations.

import { ErrorCode, TgshError } from '../core/errors.js';
import { botApiChatIdOf, type PeerKind } from '../peers/types.js';
import type { CommandContext } from './types.js';

export interface BotMessageRef {
  chatId: number;
  messageId: number;
}

/** A message-id argument as the bot's chat id and message id. */
export async function botMessage(raw: string): Promise<BotMessageRef> {
  const { parseMessageId } = await import('../peers/message-id.js');
  const ref = parseMessageId(raw);
  if ('error' in ref) throw new TgshError(ErrorCode.BAD_ARGUMENT, ref.error);
  if (ref.kind === 'plain') {
    throw new TgshError(ErrorCode.BAD_ARGUMENT, `a bot needs the message's chat: ${ref.messageId} is a plain message id`, {
      hint: "give the message's 48-hex id (the 'id' of --json answers), or act as the user with [as=user], whose plain ids are its own",
    });
  }
  const kind: PeerKind = ref.type === 'user' ? 'user' : ref.type === 'chat' ? 'chat' : 'channel';
  return { chatId: botApiChatIdOf(kind, ref.peerId), messageId: ref.messageId };
}

/** One Bot API call as the bot: flood waits within --max-wait, failures explained. */
export async function botCall<T>(ctx: CommandContext, what: string, call: (api: import('grammy').Api) => Promise<T>): Promise<T> {
  const sender = await ctx.services.botSender((t) => ctx.notice(t), what);
  const { callWithFloodWaits } = await import('../telegram/botapi/flood.js');
  const { explainCallError } = await import('../telegram/botapi/explain.js');
  try {
    return await callWithFloodWaits(() => call(sender.api), { maxWaitSeconds: ctx.config.maxWaitSeconds, signal: ctx.signal, secrets: sender.secrets });
  } catch (e) {
    const x = explainCallError(e, { apiRoot: sender.apiRoot, what, secrets: sender.secrets, maxWaitSeconds: ctx.config.maxWaitSeconds });
    throw new TgshError(x.code, x.error, x);
  }
}
