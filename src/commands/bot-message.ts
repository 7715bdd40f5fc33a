// What reply, fwd, edit_msg and delete_msg do as the bot (Bot API): a message named by its
// permanent id (which carries its chat; a plain number does not), and one Bot API call with the
// bot's flood-wait rules and explanations.

import { ErrorCode, TgshError } from '../core/errors.js';
import { botApiChatIdOf, type PeerKind } from '../peers/types.js';
import type { Explanation } from '../telegram/botapi/explain.js';
import type { SendReason } from '../telegram/botapi/refusals.js';
import type { BotSender } from '../telegram/botapi/sender.js';
import type { SendTarget } from '../telegram/botapi/target.js';
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

/**
 * One Bot API call as the bot: flood waits within --max-wait, failures explained. `recipient`: the
 * chat the call writes in (a Bot API chat id, or the target fwd found), whose refusals (blocked,
 * never started, kicked ...) read as msg's do, naming it.
 */
export async function botCall<T>(ctx: CommandContext, what: string, call: (api: import('grammy').Api) => Promise<T>, recipient?: number | SendTarget): Promise<T> {
  const sender = await ctx.services.botSender((t) => ctx.notice(t), what);
  const { callWithFloodWaits } = await import('../telegram/botapi/flood.js');
  const { explainCallError } = await import('../telegram/botapi/explain.js');
  try {
    return await callWithFloodWaits(() => call(sender.api), { maxWaitSeconds: ctx.config.maxWaitSeconds, signal: ctx.signal, secrets: sender.secrets });
  } catch (e) {
    const x =
      (recipient !== undefined ? await recipientRefusal(ctx, sender, e, recipient) : undefined) ??
      explainCallError(e, { apiRoot: sender.apiRoot, what, secrets: sender.secrets, maxWaitSeconds: ctx.config.maxWaitSeconds });
    throw new TgshError(x.code, x.error, x);
  }
}

/**
 * The refusals that are about the chat written in. Not `chat not found`: for fwd it may be the
 * source chat as well.
 */
const RECIPIENT_REASONS: ReadonlySet<SendReason> = new Set<SendReason>(['not_started', 'blocked', 'deactivated', 'to_bot', 'kicked', 'not_member', 'no_rights', 'thread_not_found']);

async function recipientRefusal(ctx: CommandContext, sender: BotSender, e: unknown, recipient: number | SendTarget): Promise<Explanation | undefined> {
  const { BotApiCallError } = await import('../telegram/botapi/flood.js');
  if (!(e instanceof BotApiCallError) || e.failure.kind !== 'refused') return undefined;
  const f = e.failure;
  const { classifyRefusal } = await import('../telegram/botapi/refusals.js');
  const reason = classifyRefusal(f.code, f.description);
  if (!RECIPIENT_REASONS.has(reason)) return undefined;
  let to: SendTarget;
  if (typeof recipient === 'number') {
    const { resolveSendTarget } = await import('../telegram/botapi/target.js');
    const notice = (t: string): void => ctx.notice(t);
    const store = await ctx.services.store(notice);
    // A Bot API id: named from the store, or as an id; no lookup.
    to = await resolveSendTarget({ kind: 'botapi', chatId: recipient, raw: String(recipient) }, { resolver: (n) => ctx.services.resolver(n), store, sender, notice, signal: ctx.signal });
  } else {
    to = recipient;
  }
  const startLink = reason === 'not_started' ? await sender.startLinkIfKnown() : undefined;
  const { explainSendFailure } = await import('../telegram/botapi/explain.js');
  const failure = { ok: false as const, chatId: to.target.chatId, reason, code: f.code, description: f.description, delivered: 'no' as const, attempts: 1, waitedMs: 0 };
  return explainSendFailure(failure, { name: to.name, isUser: to.isUser, apiRoot: sender.apiRoot, maxWaitSeconds: ctx.config.maxWaitSeconds, startLink, topic: ctx.modifiers.topic });
}
