import type { PeerRef } from '../peers/ref.js';
import { peerInfo } from './peer-info.js';
import type { CommandSpec } from './types.js';

export const channelInfo: CommandSpec = {
  name: 'channel_info',
  group: 'peers',
  args: [{ name: 'channel', kind: 'channel' }],
  summary: 'Shows a channel or supergroup: title, description, participants',
  help: 'Asks Telegram (channels.getFullChannel) and refreshes the peer store when MTProto credentials are set;\n[offline] channel_info answers from the peer store only.',
  run(ctx, { args }) {
    return peerInfo(ctx, args.channel as PeerRef, 'channel');
  },
};
