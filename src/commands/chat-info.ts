import type { PeerRef } from '../peers/ref.js';
import { peerInfo } from './peer-info.js';
import type { CommandSpec } from './types.js';

export const chatInfo: CommandSpec = {
  name: 'chat_info',
  group: 'peers',
  args: [{ name: 'chat', kind: 'chat' }],
  summary: 'Shows a basic group: title and members',
  help: [
    'Asks Telegram (messages.getFullChat) and refreshes the peer store when MTProto credentials are set:',
    'each member on a line (who invited them, `admin` for the creator); JSON adds `admin` and `members`.',
    '[offline] chat_info answers from the peer store only (the member count, no list).',
  ].join('\n'),
  run(ctx, { args }) {
    return peerInfo(ctx, args.chat as PeerRef, 'chat');
  },
};
