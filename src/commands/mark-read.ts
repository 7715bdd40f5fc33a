// mark_read <peer>: marks everything in a chat read, as the user (messages.readHistory).

import type { PeerRef } from '../peers/ref.js';
import { success } from './result.js';
import type { CommandSpec } from './types.js';

export const markRead: CommandSpec = {
  name: 'mark_read',
  group: 'messages',
  args: [{ name: 'peer', kind: 'peer' }],
  summary: 'Marks all messages with a peer as read (as the user)',
  async run(ctx, { args }) {
    const { actingIdentity, botCannot, userAccount, userPeer } = await import('./acting.js');
    if ((await actingIdentity(ctx, { botPath: false })) === 'bot') throw botCannot('mark messages read (the Bot API has no read marks)');
    const [account, { markRead: read }] = await Promise.all([userAccount(ctx), import('../telegram/user/dialogs.js')]);
    const peer = await userPeer(ctx, args.peer as PeerRef);
    await read(account, peer, { notice: (t) => ctx.notice(t), signal: ctx.signal });
    return success();
  },
};
