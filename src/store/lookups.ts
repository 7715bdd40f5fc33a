// Lookups the service answers synchronously from its index: every reference form (resolveRef),
// completion, the contact list and the bot's dialogs, username TTLs.

import type { PeerRef } from '../peers/ref.js';
import { placeholderPrintName } from '../peers/print-name.js';
import { botApiChatIdOf, peerClassOf, type PeerClass, type PeerKind, type PeerRecord } from '../peers/types.js';
import { ErrorCode } from '../core/errors.js';
import { entryFor } from './ledger.js';
import { clean, compareNames, HOUR, type StoreContext } from './records.js';
import { peerKey } from './schema.js';

export type Resolution =
  | {
      peer: PeerRecord;
      /** False for a peer built from a permanent id that the store has never met. */
      known: boolean;
      /** The `@username` mapping is older than the username TTL: re-check it, or warn when offline. */
      stale: boolean;
      /** When the username mapping was last confirmed (unix ms), for `stale` warnings. */
      checkedAt?: number;
    }
  | { error: string; hint: string; code: number };

/** The username TTL in ms (settings: username_ttl_hours). */
export function usernameTtlMs(ctx: StoreContext): number {
  return ctx.settings.get('username_ttl_hours') * HOUR;
}

/** True when the peer's usernames were last confirmed longer ago than the TTL (or never). */
export function isUsernameStale(ctx: StoreContext, p: PeerRecord, now = ctx.clock()): boolean {
  return p.usernamesCheckedAt === undefined || now - p.usernamesCheckedAt > usernameTtlMs(ctx);
}

/**
 * Finds the peer a reference names. A permanent id gives a peer even when the store never met it
 * (it carries the access hash); other forms must be in the store. `want` restricts the class.
 */
export function resolveRef(ctx: StoreContext, ref: PeerRef, opts: { want?: PeerClass; now?: number } = {}): Resolution {
  const r = resolveAny(ctx, ref, opts.now ?? ctx.clock());
  if ('error' in r || !opts.want) return r;
  const cls = peerClassOf(r.peer.kind);
  if (cls !== opts.want) {
    return { code: ErrorCode.BAD_ARGUMENT, error: `'${clean(ref.raw)}' is a ${cls}, not a ${opts.want}`, hint: `use ${cls}_info for it` };
  }
  return r;
}

function resolveAny(ctx: StoreContext, ref: PeerRef, now: number): Resolution {
  const found = (peer: PeerRecord | undefined, stale = false): Resolution | undefined =>
    peer ? { peer, known: true, stale, checkedAt: stale ? peer.usernamesCheckedAt : undefined } : undefined;
  const unknown = (hint: string): Resolution => ({ code: ErrorCode.BAD_ARGUMENT, error: `unknown peer '${clean(ref.raw)}'`, hint });
  const seenHint = "tgsh has not met this peer yet: run 'sync' to load the dialogs, or use its $permanent id";
  switch (ref.kind) {
    case 'permanent': {
      if (ref.type === 'encr_chat') return { code: ErrorCode.BAD_ARGUMENT, error: 'secret chats are not supported', hint: 'tgsh talks to users, bots, groups and channels' };
      const stored = ctx.index.get(peerKey(ref.type, ref.id));
      if (stored) return { peer: stored, known: true, stale: false };
      const kind: PeerKind = ref.type === 'user' ? 'user' : ref.type === 'chat' ? 'chat' : 'channel';
      const peer: PeerRecord = {
        kind,
        id: ref.id,
        usernames: [],
        printName: placeholderPrintName(ref.type, ref.id),
        botApiChatId: botApiChatIdOf(kind, ref.id),
        sources: [],
        firstSeen: 0,
        lastSeen: 0,
      };
      if (ref.accessHash !== 0n) peer.accessHash = BigInt.asIntN(64, ref.accessHash).toString();
      return { peer, known: false, stale: false };
    }
    case 'typed': {
      if (ref.type === 'encr_chat') return { code: ErrorCode.BAD_ARGUMENT, error: 'secret chats are not supported', hint: 'tgsh talks to users, bots, groups and channels' };
      return found(ctx.index.get(peerKey(ref.type, ref.id))) ?? unknown(seenHint);
    }
    case 'botapi':
      return found(ctx.index.byBotApiChatId(ref.chatId)) ?? found(ctx.index.byPrintName(ref.raw)) ?? unknown(seenHint);
    case 'username': {
      const p = ctx.index.byUsername(ref.username);
      if (p) return found(p, isUsernameStale(ctx, p, now))!;
      return unknown(`run 'resolve_username ${clean(ref.username)}' to look it up, or 'sync' to load the dialogs`);
    }
    case 'print_name': {
      const p = ctx.index.byPrintName(ref.name);
      if (p) return found(p)!;
      const near = ctx.index.printNameIgnoringCase(ref.name);
      if (near) return unknown(`print names are case-sensitive: did you mean '${near}'?`);
      const byUser = ctx.index.byUsername(ref.name);
      if (byUser) return unknown(`did you mean '@${byUser.usernames.find((u) => u.toLowerCase() === ref.name.toLowerCase()) ?? ref.name}'?`);
      return unknown(`a print name must match exactly ('contact_list' and 'dialog_list' show them); for a username use @name or 'resolve_username'`);
    }
  }
}

/**
 * Completion candidates for a peer argument: `@usernames` for a prefix starting with `@`, else
 * print names then `@usernames`. Case-insensitive prefix match, sorted, at most `limit`.
 */
export function completions(ctx: StoreContext, prefix: string, limit = 50): string[] {
  if (limit <= 0) return [];
  const out: string[] = [];
  const p = (prefix.startsWith('@') ? prefix.slice(1) : prefix).toLowerCase();
  if (!prefix.startsWith('@')) out.push(...ctx.index.completePrintNames(p, limit));
  if (out.length < limit) out.push(...ctx.index.completeUsernames(p, limit - out.length));
  return out;
}

/** The peer's consent towards the bound bot (store/ledger.ts; another bot's entry reads as none). */
export function consentOf(ctx: StoreContext, p: PeerRecord): PeerRecord['consent'] {
  return entryFor(p.consent, p.otherConsents, ctx.botId);
}

/** The bound bot's membership in a group or channel (another bot's reads as none). */
export function membershipOf(ctx: StoreContext, p: PeerRecord): PeerRecord['membership'] {
  return entryFor(p.membership, p.otherMemberships, ctx.botId);
}

/**
 * The record as the bound bot sees it, with its own consent and membership only: the same
 * object unless it holds another bot's entries.
 */
export function scoped(ctx: StoreContext, p: PeerRecord): PeerRecord {
  const consent = consentOf(ctx, p);
  const membership = membershipOf(ctx, p);
  if (consent === p.consent && membership === p.membership && !p.otherConsents && !p.otherMemberships) return p;
  const copy = { ...p };
  delete copy.otherConsents;
  delete copy.otherMemberships;
  if (consent) copy.consent = consent;
  else delete copy.consent;
  if (membership) copy.membership = membership;
  else delete copy.membership;
  return copy;
}

/** Users and bots, by print name. */
export function contacts(ctx: StoreContext): PeerRecord[] {
  const out: PeerRecord[] = [];
  for (const p of ctx.index.values()) if (p.kind === 'user' || p.kind === 'bot') out.push(scoped(ctx, p));
  return out.sort((a, b) => compareNames(a.printName, b.printName));
}

/**
 * The chats of the bot, most recently seen first: peers met in its updates or in Bot API
 * answers, or with a consent, membership or interaction recorded. Peers only looked up over
 * MTProto (resolve_username as a user account, a group's member list) and the bot itself are
 * not its chats.
 */
export function dialogs(ctx: StoreContext, opts: { limit?: number; offset?: number } = {}): PeerRecord[] {
  const self = ctx.botId ?? ctx.credentials.identity()?.id;
  const isDialog = (p: PeerRecord): boolean =>
    p.id !== self &&
    (p.sources.includes('updates') || p.sources.includes('botapi') || p.lastInteraction !== undefined || consentOf(ctx, p) !== undefined || membershipOf(ctx, p) !== undefined);
  const all = [...ctx.index.values()].filter(isDialog).sort((a, b) => b.lastSeen - a.lastSeen || compareNames(a.printName, b.printName));
  const offset = Math.max(0, opts.offset ?? 0);
  return all.slice(offset, opts.limit === undefined ? undefined : offset + Math.max(0, opts.limit)).map((p) => scoped(ctx, p));
}
