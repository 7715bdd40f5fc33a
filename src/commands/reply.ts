// reply <msg-id> <text>: answers a message in its own chat. As the user: a plain id of its box or a
// permanent id; as the bot: the permanent id (the Bot API needs the chat).

import { ErrorCode } from '../core/errors.js';
import { fail } from './result.js';
import type { ArgSpec, CommandSpec, Result } from './types.js';

/** `<msg-id> <text>`: the arguments of reply and edit_msg. */
export const MESSAGE_AND_TEXT: ArgSpec[] = [
  { name: 'msg-id', kind: 'string' },
  { name: 'text', kind: 'string_end' },
];

export const reply: CommandSpec = {
  name: 'reply',
  group: 'messages',
  args: MESSAGE_AND_TEXT,
  summary: 'Answers a message in its chat',
  help: 'Modifiers: [html], [markdown], [disable_preview], [silent], [topic=N]; as the user also [schedule=TIME].',
  async run(ctx, { args }): Promise<Result | Result[]> {
    const text = args.text as string;
    if (text.trim() === '') return fail(ErrorCode.BAD_ARGUMENT, 'the message is empty', { hint: 'give some text after the message id' });
    const acting = await import('./acting.js');
    if ((await acting.actingIdentity(ctx, { botCan: true })) === 'bot') {
      acting.refuseBotModifiers(ctx);
      const { botCall, botMessage } = await import('./bot-message.js');
      const ref = await botMessage(args['msg-id'] as string);
      const m = ctx.modifiers;
      const sent = await botCall(ctx, 'reply', (api) =>
        api.sendMessage(ref.chatId, text, {
          reply_parameters: { message_id: ref.messageId },
          parse_mode: m.html ? 'HTML' : m.markdown ? 'MarkdownV2' : undefined,
          disable_notification: m.silent,
          message_thread_id: m.topic,
          link_preview_options: m.disablePreview ? { is_disabled: true } : undefined,
        }),
        ref.chatId,
      );
      return botSent(sent, text);
    }
    const account = await acting.userAccount(ctx);
    const target = await acting.userMessage(ctx, account, args['msg-id'] as string);
    const { userSendText } = await import('./user-send.js');
    return userSendText(ctx, account, target.chat, text, { replyTo: target.id });
  },
};

/** A Bot API Message the bot sent, as the `sent` answer. */
export function botSent(m: { message_id: number; date: number; chat: { id: number; title?: string; first_name?: string; last_name?: string } }, text: string): Result {
  const name = m.chat.title ?? [m.chat.first_name, m.chat.last_name].filter(Boolean).join(' ');
  return { kind: 'sent', message: { messageId: m.message_id, chatId: m.chat.id, date: m.date, out: true, chatName: name || String(m.chat.id), text } };
}
