// The per-bot ledger as the service writes it (consent of users, membership of chats, the last
// interaction), forgetting a peer (a tombstone, so other processes do not bring it back) and the
// purge of users inactive for N days.

import { peerClassOf, type Consent, type ConsentState, type Membership, type MembershipStatus, type PeerRecord } from '../peers/types.js';
import { TgshError, ErrorCode } from '../core/errors.js';
import { withEntry } from './ledger.js';
import { classOfTarget, DAY, setConsents, setMemberships, type PeerTarget, type StoreContext } from './records.js';
import { peerKey } from './schema.js';

export function mustFind(ctx: StoreContext, t: PeerTarget): PeerRecord {
  const rec = ctx.index.get(peerKey(classOfTarget(t), t.id));
  if (!rec) throw new TgshError(ErrorCode.BAD_ARGUMENT, `unknown peer ${classOfTarget(t)}#${t.id}`);
  return rec;
}

function changedInPlace(ctx: StoreContext, rec: PeerRecord): void {
  rec.updatedAt = ctx.stamp(rec.updatedAt);
  ctx.index.touched(rec);
}

/**
 * Records whether a user or bot accepts messages from the bot: `started` (with the /start
 * payload), `blocked`, `stopped` (sent /stop) or `unknown`.
 */
export function setConsent(ctx: StoreContext, target: PeerTarget, state: ConsentState, opts: { payload?: string; at?: number } = {}): PeerRecord {
  const rec = mustFind(ctx, target);
  if (peerClassOf(rec.kind) !== 'user') throw new TgshError(ErrorCode.BAD_ARGUMENT, `consent is kept for users and bots, not for ${rec.kind}s`);
  const at = opts.at ?? ctx.clock();
  const entry: Consent = opts.payload !== undefined && state === 'started' ? { state, at, payload: opts.payload } : { state, at };
  if (ctx.botId !== undefined) entry.bot = ctx.botId;
  setConsents(rec, withEntry(rec.consent, rec.otherConsents, entry));
  if (state === 'started' && (rec.lastInteraction ?? 0) < at) rec.lastInteraction = at;
  changedInPlace(ctx, rec);
  return rec;
}

/** Records the bot's own status in a group or channel. */
export function setMembership(ctx: StoreContext, target: PeerTarget, status: MembershipStatus, at = ctx.clock()): PeerRecord {
  const rec = mustFind(ctx, target);
  if (peerClassOf(rec.kind) === 'user') throw new TgshError(ErrorCode.BAD_ARGUMENT, 'membership is kept for groups and channels');
  const entry: Membership = ctx.botId === undefined ? { status, at } : { status, at, bot: ctx.botId };
  setMemberships(rec, withEntry(rec.membership, rec.otherMemberships, entry));
  changedInPlace(ctx, rec);
  return rec;
}

/** The peer interacted with the bot now (or at `at`). */
export function touchInteraction(ctx: StoreContext, target: PeerTarget, at = ctx.clock()): PeerRecord {
  const rec = mustFind(ctx, target);
  if ((rec.lastInteraction ?? 0) < at) {
    rec.lastInteraction = at;
    changedInPlace(ctx, rec);
  }
  return rec;
}

/** Removes every trace of a peer (record, indexes, consent); other processes will not bring it back. */
export function forget(ctx: StoreContext, target: PeerTarget): PeerRecord | undefined {
  const key = peerKey(classOfTarget(target), target.id);
  const old = ctx.index.get(key);
  if (!old) return undefined;
  ctx.index.remove(key, ctx.stamp(old.updatedAt));
  return old;
}

/**
 * Users and bots with no interaction with the bot for `inactiveDays` (never-interacting ones
 * count from when they were first seen). Removes them unless `dryRun`; returns them either way,
 * longest inactive first. The logged-in identity is never purged.
 */
export function purge(ctx: StoreContext, opts: { inactiveDays?: number; dryRun?: boolean; now?: number } = {}): PeerRecord[] {
  const days = opts.inactiveDays ?? ctx.settings.get('purge_inactive_days');
  if (!(days > 0)) throw new TgshError(ErrorCode.BAD_ARGUMENT, 'inactive days must be above 0');
  const cutoff = (opts.now ?? ctx.clock()) - days * DAY;
  const self = ctx.credentials.identity();
  const victims: PeerRecord[] = [];
  for (const p of ctx.index.values()) {
    if (p.kind !== 'user' && p.kind !== 'bot') continue;
    if (self && self.id === p.id) continue;
    if ((p.lastInteraction ?? p.firstSeen) < cutoff) victims.push(p);
  }
  victims.sort((a, b) => (a.lastInteraction ?? a.firstSeen) - (b.lastInteraction ?? b.firstSeen));
  if (!opts.dryRun) for (const p of victims) forget(ctx, p);
  return victims;
}
