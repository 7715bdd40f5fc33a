// Pushed updates: each event of a user's account (a message arrived, was edited, deleted, read)
// goes to every open session logged in as that user, except the one whose request caused it
// (that one gets the event in its answer), as updateShortMessage or updates{...}. A session
// whose connection is gone misses it; updates.getDifference gives it back.

import type { AccountEvent } from '../world/accounts.js';
import { startChannelPushing, type ChannelPushDeps } from './channel-push.js';
import { tlPushedUpdates } from './messages-tl.js';
import { pushTargets } from './push-targets.js';

export type PushDeps = ChannelPushDeps;

/** Starts pushing the world's account events (and its channels': channel-push.ts); returns the function that stops it. */
export function startPushing(deps: PushDeps): () => void {
  const stopChannels = startChannelPushing(deps);
  const stop = deps.world.accounts.onEvent((e) => push(deps, e));
  return () => {
    stop();
    stopChannels();
  };
}

function push(deps: PushDeps, e: AccountEvent): void {
  let bytes: Buffer | undefined;
  const byLayer = new Map<number | undefined, Buffer>();
  for (const { key, session } of pushTargets(deps.authKeys, (id) => id === e.owner, e.cause)) {
    try {
      bytes ??= tlPushedUpdates(deps.world, e, deps.dcId).getBytes();
      let body = byLayer.get(key.layer);
      if (!body) byLayer.set(key.layer, (body = deps.encode(bytes, key.layer)));
      session.enqueue(body, true, false);
    } catch (err) {
      deps.log(`push to user ${e.owner}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
