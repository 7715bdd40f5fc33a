// user_info / chat_info / channel_info: refreshed from Telegram through the resolver (and the
// store updated) when MTProto credentials are configured, unless [offline]; otherwise the store's
// answer (peer-lookup.ts).

import type { PeerRef } from '../peers/ref.js';
import { peerInfoFromStore } from './peer-lookup.js';
import type { Result, CommandContext } from './types.js';

export async function peerInfo(ctx: CommandContext, ref: PeerRef, want: 'user' | 'chat' | 'channel'): Promise<Result> {
  if (!ctx.modifiers.offline) {
    const resolver = await ctx.services.resolver(ctx.notice);
    if (resolver.hasMtproto) {
      const opts = { signal: ctx.signal, notice: ctx.notice };
      if (want === 'chat') {
        const { peer, members } = await resolver.chatInfo(ref, opts);
        return { kind: 'peer', peer, view: 'info', members };
      }
      const peer = want === 'user' ? await resolver.userInfo(ref, opts) : await resolver.channelInfo(ref, opts);
      return { kind: 'peer', peer, view: 'info' };
    }
  }
  return peerInfoFromStore(ctx, ref, want);
}
