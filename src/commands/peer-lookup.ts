// Answers about peers from the store, shared by the *_info commands (and, later, by their online
// versions: the resolver refreshes a peer, then the same answer is built from the store).

import type { PeerRef } from '../peers/ref.js';
import type { PeerClass, PeerRecord } from '../peers/types.js';
import type { PeerStore } from '../store/peer-store.js';
import { fail } from './result.js';
import type { FailResult, Result, CommandContext } from './types.js';

/** The profile's peer store (opened on first use; its notices go to this command's notice). */
export function storeOf(ctx: CommandContext): Promise<PeerStore> {
  return ctx.services.store((t) => ctx.notice(t));
}

function ago(ms: number): string {
  const h = ms / 3_600_000;
  if (h < 48) return `${Math.max(1, Math.round(h))} h`;
  return `${Math.round(h / 24)} days`;
}

/**
 * The stored peer a reference names, or the FAIL answer (unknown peer, wrong class). An
 * `@username` mapping older than the username TTL is used with a notice (the resolver re-checks
 * it when it can; offline, the store's answer is all there is).
 */
export function findPeer(ctx: CommandContext, store: PeerStore, ref: PeerRef, want?: PeerClass): { peer: PeerRecord; known: boolean } | FailResult {
  const r = store.resolveRef(ref, { want });
  if ('error' in r) return fail(r.code, r.error, { hint: r.hint });
  if (r.stale && ref.kind === 'username') {
    const when = r.checkedAt !== undefined ? `last confirmed ${ago(Date.now() - r.checkedAt)} ago` : 'never confirmed';
    ctx.notice(`tgsh: @${ref.username} -> ${r.peer.printName} is ${when}; the username may have changed hands`);
  }
  return { peer: r.peer, known: r.known };
}

/** `user_info` / `chat_info` / `channel_info` answered from the store: telegram-cli's info block. */
export async function peerInfoFromStore(ctx: CommandContext, ref: PeerRef, want?: PeerClass): Promise<Result> {
  const store = await storeOf(ctx);
  const found = findPeer(ctx, store, ref, want);
  if ('kind' in found) return found;
  return { kind: 'peer', peer: found.peer, view: 'info' };
}
