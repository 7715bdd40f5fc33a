// edit_msg <msg-id> <text>: changes the text of a message sent earlier. As the user:
// messages.editMessage; as the bot: editMessageText (permanent ids).

import { ErrorCode } from '../core/errors.js';
import { fail } from './result.js';
import { MESSAGE_AND_TEXT } from './reply.js';
import type { CommandSpec, Result } from './types.js';

export const editMsg: CommandSpec = {
  name: 'edit_msg',
  group: 'messages',
  args: MESSAGE_AND_TEXT,
  summary: 'Changes the text of a message sent earlier',
  async run(ctx, { args }): Promise<Result> {
    const text = args.text as string;
    if (text.trim() === '') return fail(ErrorCode.BAD_ARGUMENT, 'the new text is empty', { hint: 'delete_msg deletes a message' });
    if (text.length > 4096) return fail(ErrorCode.BAD_ARGUMENT, `the new text has ${text.length} characters; a message holds at most 4096`, { hint: 'an edit can not be split: send the rest with reply' });
    const acting = await import('./acting.js');
    if ((await acting.actingIdentity(ctx, { botCan: true })) === 'bot') {
      const { botCall, botMessage } = await import('./bot-message.js');
      const { botSent } = await import('./reply.js');
      const ref = await botMessage(args['msg-id'] as string);
      const m = ctx.modifiers;
      const edited = await botCall(ctx, 'edit_msg', (api) => api.editMessageText(ref.chatId, ref.messageId, text, { parse_mode: m.html ? 'HTML' : m.markdown ? 'MarkdownV2' : undefined }), ref.chatId);
      if (edited === true) return { kind: 'success' };
      return botSent(edited, text);
    }
    const account = await acting.userAccount(ctx);
    const target = await acting.userMessage(ctx, account, args['msg-id'] as string);
    const { editMessage } = await import('../telegram/user/send.js');
    return acting.messagesResult(ctx, [await editMessage(account, target.chat, target.id, text, acting.userSendOptions(ctx))], false);
  },
};
