// What the user-account methods share: the logged-in user, input peers as account peers, and
// Telegram's refusals as RPC errors.

import type { AccountMessage, AccountPeer, SendRefusal } from '../../world/accounts.js';
import { ERR, rpcError, type RpcFailure } from '../errors.js';
import { Api, toBigInt, toId } from '../gramjs.js';
import type { MethodContext } from './types.js';

/** The logged-in user; bots get BOT_METHOD_INVALID (these methods are for user accounts). */
export function userOnly(ctx: MethodContext): number {
  const login = ctx.key.login!;
  if (login.bot) throw ERR.botMethodInvalid();
  return login.userId;
}

/**
 * An InputPeer as a peer of the user's box: users (self included, by access hash) and basic
 * groups. Channels and supergroups keep no per-user box (their one box: channel-box.ts, which the
 * methods that serve them use first): writing where the user may not is CHAT_WRITE_FORBIDDEN,
 * what no method serves there (messages.readHistory: channels.readHistory is theirs) is not served.
 */
export function accountPeer(ctx: MethodContext, input: unknown, me: number, purpose: 'read' | 'send'): AccountPeer {
  const w = ctx.world;
  if (input instanceof Api.InputPeerSelf) return { type: 'user', id: me };
  if (input instanceof Api.InputPeerUser) {
    const u = w.users.get(toId(input.userId));
    if (!u || toBigInt(input.accessHash) !== BigInt(u.access_hash)) throw ERR.peerIdInvalid();
    return { type: 'user', id: u.id };
  }
  if (input instanceof Api.InputPeerChat) {
    const c = w.chats.get(toId(input.chatId));
    if (!c) throw ERR.peerIdInvalid();
    if (purpose === 'read' && !c.members.includes(me) && !(c.kicked ?? []).includes(me)) throw ERR.chatIdInvalid();
    return { type: 'chat', id: c.id };
  }
  if (input instanceof Api.InputPeerChannel) {
    const c = w.channels.get(toId(input.channelId));
    if (!c || toBigInt(input.accessHash) !== BigInt(c.access_hash)) throw ERR.channelInvalid();
    const admin = c.creator === me || (c.admins ?? []).includes(me);
    if (purpose === 'send' && (!c.members.includes(me) || (c.broadcast && !admin))) throw rpcError(403, 'CHAT_WRITE_FORBIDDEN');
    if (!c.members.includes(me)) throw ERR.channelPrivate();
    throw ERR.methodNotImplemented();
  }
  throw ERR.peerIdInvalid();
}

const REFUSAL_CODES: Record<SendRefusal, number> = {
  PEER_ID_INVALID: 400,
  INPUT_USER_DEACTIVATED: 400,
  YOU_BLOCKED_USER: 400,
  USER_IS_BLOCKED: 400,
  USER_PRIVACY_RESTRICTED: 403,
  PEER_FLOOD: 400,
  CHAT_WRITE_FORBIDDEN: 403,
  CHAT_ID_INVALID: 400,
};

/** Throws Telegram's error when the user may not write to the peer. */
export function checkCanSend(ctx: MethodContext, me: number, peer: AccountPeer): void {
  const why = ctx.world.accounts.refusal(me, peer);
  if (why) throw refusalError(why);
}

export function refusalError(why: SendRefusal): RpcFailure {
  return rpcError(REFUSAL_CODES[why], why);
}

/** A message of the user's box in that peer, or undefined. */
export function boxMessage(ctx: MethodContext, me: number, peer: AccountPeer | undefined, id: number): AccountMessage | undefined {
  const m = ctx.world.accounts.account(me).messages.get(id);
  if (!m) return undefined;
  if (peer && (m.peer.type !== peer.type || m.peer.id !== peer.id)) return undefined;
  return m;
}

/** A random_id already used by this account answers RANDOM_ID_DUPLICATE (Telegram's 500). */
export function useRandomId(ctx: MethodContext, me: number, randomId: unknown): void {
  if (randomId === undefined || randomId === null) return;
  const ids = ctx.world.accounts.account(me).randomIds;
  const key = (randomId as { toString(): string }).toString();
  if (ids.has(key)) throw rpcError(500, 'RANDOM_ID_DUPLICATE');
  ids.add(key);
}
