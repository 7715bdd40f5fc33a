import { ErrorCode } from '../core/errors.js';
import { fail } from './result.js';
import { storeOf } from './peer-lookup.js';
import type { CommandSpec } from './types.js';

export const dialogList: CommandSpec = {
  name: 'dialog_list',
  group: 'peers',
  args: [
    { name: 'limit', kind: 'number', optional: true, default: 100 },
    { name: 'offset', kind: 'number', optional: true, default: 0 },
  ],
  summary: 'Lists the chats, channels and users the bot has seen (the user: its dialogs), most recent first',
  help: 'As the bot: answered from the peer store. As the user: its dialogs (messages.getDialogs) with their unread counts.',
  async run(ctx, { args }) {
    const limit = (args.limit as number | undefined) ?? 100;
    const offset = (args.offset as number | undefined) ?? 0;
    if (limit < 0) return fail(ErrorCode.BAD_ARGUMENT, 'limit must be 0 or more');
    if (offset < 0) return fail(ErrorCode.BAD_ARGUMENT, 'offset must be 0 or more');
    const { actingIdentity, userAccount } = await import('./acting.js');
    if ((await actingIdentity(ctx, { botCan: true })) === 'user') {
      const [account, { dialogs }] = await Promise.all([userAccount(ctx), import('../telegram/user/dialogs.js')]);
      return { kind: 'dialogs', dialogs: await dialogs(account, limit, offset, { notice: (t) => ctx.notice(t), signal: ctx.signal }) };
    }
    const store = await storeOf(ctx);
    return { kind: 'peers', peers: store.dialogs({ limit, offset }), view: 'dialogs' };
  },
};
