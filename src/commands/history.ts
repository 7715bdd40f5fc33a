// history <peer> [limit=40] [offset=0]: the newest messages with a peer, oldest first, as the user
// (messages.getHistory). A bot can not read history: the FAIL says so and names the user identity.

import { ErrorCode } from '../core/errors.js';
import type { PeerRef } from '../peers/ref.js';
import { fail } from './result.js';
import type { CommandSpec } from './types.js';

export const history: CommandSpec = {
  name: 'history',
  group: 'messages',
  args: [
    { name: 'peer', kind: 'peer' },
    { name: 'limit', kind: 'number', optional: true, default: 40 },
    { name: 'offset', kind: 'number', optional: true, default: 0 },
  ],
  summary: 'Shows the last messages with a peer (as the user)',
  help: 'The newest <limit> messages after skipping the <offset> newest, oldest first. A user account only: a bot can not read history.',
  async run(ctx, { args }) {
    const limit = (args.limit as number | undefined) ?? 40;
    const offset = (args.offset as number | undefined) ?? 0;
    if (limit < 1 || limit > 1000) return fail(ErrorCode.BAD_ARGUMENT, 'limit must be 1 to 1000');
    if (offset < 0) return fail(ErrorCode.BAD_ARGUMENT, 'offset must be 0 or more');
    const { actingIdentity, botCannot, messagesResult, userAccount, userPeer } = await import('./acting.js');
    if ((await actingIdentity(ctx, { botPath: false })) === 'bot') throw botCannot('read the history of a chat');
    const [account, { history: read }] = await Promise.all([userAccount(ctx), import('../telegram/user/history.js')]);
    const peer = await userPeer(ctx, args.peer as PeerRef);
    const messages = await read(account, peer, limit, offset, { notice: (t) => ctx.notice(t), signal: ctx.signal });
    return messagesResult(ctx, messages.reverse(), true);
  },
};
