// Pushed updates of supergroups and channels: each message made in one (by anyone: a member over
// MTProto, a bot, the driver) goes to every open session of its members' user accounts as
// updates{updateNewChannelMessage}, each edit made over MTProto as updateEditChannelMessage, each
// deletion as updateDeleteChannelMessages, with the chat's pts; the session whose request made it is answered instead. A session whose connection is gone
// misses them: updates.getChannelDifference gives them back.

import type { World } from '../world/world.js';
import type { AuthKeyStore } from './authkeys.js';
import { Api, big } from './gramjs.js';
import { channelPeersOf, type ChannelEvent, type GroupChat, tlChannelMessage, watchChannels } from './methods/channel-box.js';
import { pushTargets } from './push-targets.js';

/** What pushing needs (push.ts's PushDeps is the same). */
export interface ChannelPushDeps {
  world: World;
  authKeys: AuthKeyStore;
  dcId: number;
  /** The bytes of an Updates object for a client at `layer` (undefined: GramJS's layer). */
  encode(bytes: Buffer, layer: number | undefined): Buffer;
  log(line: string): void;
}

/** Starts pushing the chats' events; returns the function that stops it. */
export function startChannelPushing(deps: ChannelPushDeps): () => void {
  // After the request that made it has finished its own bookkeeping (who posted: `out`).
  return watchChannels(deps.world, (c, e) => queueMicrotask(() => push(deps, c, e)));
}

function updatesFor(deps: ChannelPushDeps, c: GroupChat, e: ChannelEvent, viewer: number): Api.Updates | undefined {
  const w = deps.world;
  const now = w.now();
  if (e.kind === 'delete') {
    const u = new Api.UpdateDeleteChannelMessages({ channelId: big(c.channel.id), messages: e.ids, pts: e.pts, ptsCount: e.ptsCount });
    return new Api.Updates({ updates: [u], users: [], chats: channelPeersOf(w, c, [], viewer).chats, date: now, seq: 0 });
  }
  const m = w.findMessage(0, c, e.id);
  if (!m) return undefined;
  const message = tlChannelMessage(w, deps.dcId, c, m, viewer);
  const { users, chats } = channelPeersOf(w, c, [m], viewer);
  const update = e.kind === 'edit' ? new Api.UpdateEditChannelMessage({ message, pts: e.pts, ptsCount: e.ptsCount }) : new Api.UpdateNewChannelMessage({ message, pts: e.pts, ptsCount: e.ptsCount });
  return new Api.Updates({ updates: [update], users, chats, date: now, seq: 0 });
}

function push(deps: ChannelPushDeps, c: GroupChat, e: ChannelEvent): void {
  const members = new Set(c.channel.members);
  const bytesFor = new Map<number, Buffer | undefined>();
  for (const { key, session, userId } of pushTargets(deps.authKeys, (id) => members.has(id), e.cause)) {
    try {
      if (!bytesFor.has(userId)) bytesFor.set(userId, updatesFor(deps, c, e, userId)?.getBytes());
      const bytes = bytesFor.get(userId);
      if (bytes) session.enqueue(deps.encode(bytes, key.layer), true, false);
    } catch (err) {
      deps.log(`push to user ${userId} (channel ${c.channel.id}): ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
