import type { PeerRef } from '../peers/ref.js';
import { peerInfo } from './peer-info.js';
import type { CommandSpec } from './types.js';

export const userInfo: CommandSpec = {
  name: 'user_info',
  group: 'peers',
  args: [{ name: 'user', kind: 'user' }],
  summary: 'Shows a user or bot: names, usernames, bio, bot flag, last seen',
  help: 'Asks Telegram (users.getFullUser) and refreshes the peer store when MTProto credentials are set;\n[offline] user_info answers from the peer store only.',
  run(ctx, { args }) {
    return peerInfo(ctx, args.user as PeerRef, 'user');
  },
};
