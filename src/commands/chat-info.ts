import type { PeerRef } from '../peers/ref.js';
import { peerInfoFromStore } from './peer-lookup.js';
import type { CommandSpec } from './types.js';

export const chatInfo: CommandSpec = {
  name: 'chat_info',
  group: 'peers',
  args: [{ name: 'chat', kind: 'chat' }],
  summary: 'Shows what tgsh knows about a basic group',
  help: '[offline] chat_info answers from the peer store (today it always does).',
  run(ctx, { args }) {
    return peerInfoFromStore(ctx, args.chat as PeerRef, 'chat');
  },
};
