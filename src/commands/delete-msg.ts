// delete_msg <msg-id>: deletes a message, for everyone (--for-me: only in this account's box).
// As the user: messages.deleteMessages; as the bot: deleteMessage (permanent ids).

import { ErrorCode } from '../core/errors.js';
import { fail, success } from './result.js';
import type { CommandSpec } from './types.js';

export const deleteMsg: CommandSpec = {
  name: 'delete_msg',
  group: 'messages',
  args: [{ name: 'msg-id', kind: 'string' }],
  options: [{ name: 'for-me', description: 'delete it only here, not for the other side (a user account, private chats and basic groups)' }],
  summary: 'Deletes a message',
  async run(ctx, { args, options }) {
    const acting = await import('./acting.js');
    if ((await acting.actingIdentity(ctx, { botCan: true })) === 'bot') {
      const { botCall, botMessage } = await import('./bot-message.js');
      const ref = await botMessage(args['msg-id'] as string);
      await botCall(ctx, 'delete_msg', (api) => api.deleteMessage(ref.chatId, ref.messageId), ref.chatId);
      return success();
    }
    const account = await acting.userAccount(ctx);
    const m = await acting.userMessage(ctx, account, args['msg-id'] as string);
    const { deleteMessages } = await import('../telegram/user/send.js');
    const n = await deleteMessages(account, m.chat, [m.id], options['for-me'] !== true, { notice: (t) => ctx.notice(t), signal: ctx.signal, peer: m.chat });
    if (n === 0) return fail(ErrorCode.SERVER, `message ${m.id} was not deleted (it is gone already)`);
    return success();
  },
};
