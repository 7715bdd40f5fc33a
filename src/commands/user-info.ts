import type { PeerRef } from '../peers/ref.js';
import { peerInfoFromStore } from './peer-lookup.js';
import type { CommandSpec } from './types.js';

export const userInfo: CommandSpec = {
  name: 'user_info',
  group: 'peers',
  args: [{ name: 'user', kind: 'user' }],
  summary: 'Shows what tgsh knows about a user or bot',
  help: '[offline] user_info answers from the peer store (today it always does).',
  run(ctx, { args }) {
    return peerInfoFromStore(ctx, args.user as PeerRef, 'user');
  },
};
