// The resolver's contract, for commands and for the Bot API sender. No imports of GramJS here:
// the types cost nothing at start-up.

import type { ChatMember, PeerRecord } from '../../peers/types.js';
import type { PeerRef } from '../../peers/ref.js';

export type Notice = (text: string) => void;

/** A lookup's peer, with a basic group's members when Telegram listed them (chat_info). */
export interface ChatInfo {
  peer: PeerRecord;
  members?: ChatMember[];
}

export interface ResolveOptions {
  /** Skip the store: ask Telegram even when a fresh mapping is stored. */
  force?: boolean;
  /** Answer only from the store (a stale mapping with a warning notice); never the network. */
  offline?: boolean;
  signal?: AbortSignal;
  /** Where this call's notices go (waits, stale mappings); the resolver's own notice otherwise. */
  notice?: Notice;
}

export interface LookupOptions {
  signal?: AbortSignal;
  notice?: Notice;
}

/** What `login` needs; each value is asked for (interactive) or read from config when absent. */
export interface LoginInputs {
  phone?: () => Promise<string | undefined>;
  code?: () => Promise<string | undefined>;
  password?: (hint: string | undefined) => Promise<string | undefined>;
  /** Where the inputs come from, for the failure that names what is missing. */
  interactive: boolean;
  signal?: AbortSignal;
  notice?: Notice;
}

export interface Resolver {
  /**
   * `name`, `@name` or `https://t.me/name` -> the peer, stored. Order: a fresh store entry, MTProto
   * contacts.resolveUsername, the Bot API getChat (only without MTProto credentials). Throws a
   * TgshError carrying the FAIL to show.
   */
  resolveUsername(name: string, opts?: ResolveOptions): Promise<PeerRecord>;
  /** users.getFullUser: names, usernames, bio, bot flag, last seen; the store is refreshed. */
  userInfo(ref: PeerRef, opts?: LookupOptions): Promise<PeerRecord>;
  /** channels.getFullChannel. */
  channelInfo(ref: PeerRef, opts?: LookupOptions): Promise<PeerRecord>;
  /** messages.getFullChat: the group and its members. */
  chatInfo(ref: PeerRef, opts?: LookupOptions): Promise<ChatInfo>;
  /** The logged-in account (users.getUsers([inputUserSelf])). */
  getSelf(opts?: LookupOptions): Promise<PeerRecord>;
  /** User-account login (code, then the 2FA password when Telegram asks for it). */
  login(inputs: LoginInputs): Promise<PeerRecord>;
  /** auth.logOut, then the session and identity are deleted locally. Returns who was logged out. */
  logout(opts?: LookupOptions): Promise<string | undefined>;
  /** True when api id and hash are configured (MTProto can be used at all). */
  readonly hasMtproto: boolean;
}
