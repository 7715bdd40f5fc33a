// The consent ledger on the sending side: who tgsh refuses to write to before asking Telegram
// (blocked, stopped, and under the strict policy anyone who has not started the bot), and what each
// send outcome teaches the store (a 403 "blocked" marks the user blocked, a success means the user
// can be reached, the chat object in the answer refreshes names).

import { type PeerRecord, peerClassOf } from '../../peers/types.js';
import type { PeerStore } from '../../store/peer-store.js';
import type { SendOutcome } from '../sender.js';

export type ConsentPolicy = 'open' | 'strict';

/** Why tgsh does not send, without asking Telegram. */
export type LocalRefusal = 'blocked' | 'stopped' | 'not_started';

/**
 * Undefined when a message may go to this peer, else why not. Only users are judged; `force`
 * (the `[force]` modifier or `--force`) lets everything through.
 */
export function consentGate(peer: PeerRecord | undefined, policy: ConsentPolicy, force: boolean): LocalRefusal | undefined {
  if (force || !peer || peer.kind !== 'user') return undefined;
  const state = peer.consent?.state;
  if (state === 'blocked') return 'blocked';
  if (state === 'stopped') return 'stopped';
  if (policy === 'strict' && state !== 'started') return 'not_started';
  return undefined;
}

/**
 * Records what a send taught: names from the answer's chat, and the consent or membership the
 * outcome proves. Returns the stored peer (created when tgsh had not met it).
 */
export function recordSendOutcome(store: PeerStore, peer: PeerRecord | undefined, outcome: SendOutcome, at = Date.now()): PeerRecord | undefined {
  let rec = peer && store.get(peerClassOf(peer.kind), peer.id);
  if (outcome.ok) {
    const input = outcome.chat && { ...outcome.chat };
    if (input) {
      // A user's kind (user or bot) is not in a Chat object: keep the stored one.
      if (rec && peerClassOf(rec.kind) === 'user' && input.kind === 'user') input.kind = rec.kind;
      rec = store.upsert(input, 'botapi');
    }
  } else if (!rec && peer) {
    // A peer known by id only (a permanent id, user#N): remember it with what the refusal says.
    if (outcome.reason === 'blocked' || outcome.reason === 'not_started' || outcome.reason === 'kicked') {
      rec = store.upsert({ kind: peer.kind, id: peer.id, accessHash: peer.accessHash }, 'botapi');
    }
  }
  if (!rec) return undefined;
  const cls = peerClassOf(rec.kind);
  if (cls === 'user') {
    const state = store.consentOf(rec)?.state;
    if (outcome.ok) {
      // Telegram delivered it: the user has started the bot and does not block it.
      if (rec.kind === 'user' && (state === undefined || state === 'unknown' || state === 'blocked')) store.setConsent(rec, 'started', { at });
    } else if (outcome.reason === 'blocked') {
      if (state !== 'blocked') store.setConsent(rec, 'blocked', { at });
    } else if (outcome.reason === 'not_started') {
      if (state !== 'unknown') store.setConsent(rec, 'unknown', { at });
    }
  } else if (!outcome.ok) {
    if (outcome.reason === 'kicked') store.setMembership(rec, 'kicked', at);
    else if (outcome.reason === 'not_member') store.setMembership(rec, 'left', at);
  }
  return rec;
}
