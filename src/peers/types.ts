// The shape of a peer as tgsh knows it. Shared by the store, the resolver, the sender and the
// formatters. Ids are JS numbers (Telegram ids fit in 52 bits); access hashes are 64-bit and kept
// as decimal strings of the signed value, never as numbers.

/** What a peer is. Bots are users with the bot flag; supergroups are channels with megagroup. */
export type PeerKind = 'user' | 'bot' | 'chat' | 'channel' | 'supergroup';

/** telegram-cli's peer classes, as printed in `peer_type` and in `user#N` references. */
export type PeerClass = 'user' | 'chat' | 'channel' | 'encr_chat';

/** telegram-cli's permanent-id type codes. */
export const PEER_TYPE_CODE: Record<PeerClass, number> = { user: 1, chat: 2, encr_chat: 4, channel: 5 };

export type ConsentState = 'started' | 'blocked' | 'stopped' | 'unknown';

export interface Consent {
  state: ConsentState;
  /** Unix ms when the state was learned. */
  at: number;
  /** The `/start` payload, when the state is `started` and one was given. */
  payload?: string;
  /** The bot it holds for (consent is between a user and one bot); absent in older records. */
  bot?: number;
}

export type MembershipStatus = 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';

export interface Membership {
  status: MembershipStatus;
  at: number;
  /** The bot whose membership this is; absent in older records. */
  bot?: number;
}

export type PeerSource = 'mtproto' | 'botapi' | 'updates' | 'import';

export interface PeerRecord {
  kind: PeerKind;
  /** The MTProto id (always positive). */
  id: number;
  /** Signed 64-bit access hash as a decimal string; absent when unknown (basic groups have none). */
  accessHash?: string;
  firstName?: string;
  lastName?: string;
  /** Title of a chat, channel or supergroup. */
  title?: string;
  /** Every username, as Telegram spells it; the first one is the main one. */
  usernames: string[];
  phone?: string;
  bio?: string;
  /** telegram-cli's print name: unique in a store, stable once given. */
  printName: string;
  /** The id the Bot API uses for this chat (user id, -chat id, -100 channel id). */
  botApiChatId?: number;
  /** telegram-cli's flag bits (see output/peer-object.ts). */
  flags?: number;
  /** Last seen online (unix seconds), when Telegram told us. */
  lastOnline?: number;
  members?: number;
  admins?: number;
  sources: PeerSource[];
  /** Unix ms. */
  firstSeen: number;
  lastSeen: number;
  /** Last time this peer interacted with the bot (wrote, started, pressed a button). */
  lastInteraction?: number;
  /** When the usernames were last confirmed by Telegram (unix ms). */
  usernamesCheckedAt?: number;
  /** The consent written last; other bots' entries are in otherConsents (store/ledger.ts). */
  consent?: Consent;
  otherConsents?: Consent[];
  /** The bot membership written last; other bots' entries are in otherMemberships. */
  membership?: Membership;
  otherMemberships?: Membership[];
  /** Unix ms of the last change, set by the store: when two processes changed a peer, the newer wins. */
  updatedAt?: number;
}

/** A basic group's member, as messages.getFullChat lists it (chat_info). */
export interface ChatMember {
  peer: PeerRecord;
  /** Who added the member (absent for the creator). */
  inviter?: PeerRecord;
  /** When the member was added (unix seconds). */
  date?: number;
  /** The group's creator (telegram-cli's `admin`). */
  admin: boolean;
}

/** The telegram-cli class a kind belongs to. */
export function peerClassOf(kind: PeerKind): PeerClass {
  switch (kind) {
    case 'user':
    case 'bot':
      return 'user';
    case 'chat':
      return 'chat';
    case 'channel':
    case 'supergroup':
      return 'channel';
  }
}

/** The Bot API chat id of a peer: user id, -chat id, or -100 followed by the channel id. */
export function botApiChatIdOf(kind: PeerKind, id: number): number {
  switch (peerClassOf(kind)) {
    case 'user':
      return id;
    case 'chat':
      return -id;
    default:
      return -(1_000_000_000_000 + id);
  }
}
