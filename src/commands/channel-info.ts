import type { PeerRef } from '../peers/ref.js';
import { peerInfoFromStore } from './peer-lookup.js';
import type { CommandSpec } from './types.js';

export const channelInfo: CommandSpec = {
  name: 'channel_info',
  group: 'peers',
  args: [{ name: 'channel', kind: 'channel' }],
  summary: 'Shows what tgsh knows about a channel or supergroup',
  help: '[offline] channel_info answers from the peer store (today it always does).',
  run(ctx, { args }) {
    return peerInfoFromStore(ctx, args.channel as PeerRef, 'channel');
  },
};
