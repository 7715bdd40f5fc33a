// search <peer> <pattern>: messages with a peer that contain the pattern, as the user
// (messages.search), oldest first.

import { ErrorCode } from '../core/errors.js';
import type { PeerRef } from '../peers/ref.js';
import { fail } from './result.js';
import type { CommandSpec } from './types.js';

export const search: CommandSpec = {
  name: 'search',
  group: 'messages',
  args: [
    { name: 'peer', kind: 'peer' },
    { name: 'pattern', kind: 'string_end' },
  ],
  options: [{ name: 'limit', value: 'number', description: 'at most this many messages (default 40)' }],
  summary: 'Finds messages with a peer that contain a text (as the user)',
  async run(ctx, { args, options }) {
    const limit = typeof options.limit === 'number' ? options.limit : 40;
    if (limit < 1 || limit > 1000) return fail(ErrorCode.BAD_ARGUMENT, '--limit must be 1 to 1000');
    const { actingIdentity, botCannot, messagesResult, userAccount, userPeer } = await import('./acting.js');
    if ((await actingIdentity(ctx, { botPath: false })) === 'bot') throw botCannot('search messages');
    const [account, { search: find }] = await Promise.all([userAccount(ctx), import('../telegram/user/history.js')]);
    const peer = await userPeer(ctx, args.peer as PeerRef);
    const messages = await find(account, peer, args.pattern as string, limit, { notice: (t) => ctx.notice(t), signal: ctx.signal });
    return messagesResult(ctx, messages.reverse(), true);
  },
};
