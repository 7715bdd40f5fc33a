// The MTProto lookups, as plain functions taking the connection first (like mtcute's
// resolve-peer.ts). Each returns what it learned for the store: the peer asked about and every
// other user and chat the answer carried. This module imports GramJS: load it dynamically.

import { returnBigInt } from 'telegram/Helpers.js';
import type { PeerInput } from '../../store/peer-store.js';
import type { PeerRecord } from '../../peers/types.js';
import { Api } from '../mtproto/index.js';
import type { MtprotoLink } from '../mtproto/link.js';
import { peerInputOfUser, peerInputsOf, tlId, type TlObject } from './tl-peers.js';

export interface Learned {
  /** The peer asked about (undefined when the answer did not carry it). */
  peer: PeerInput | undefined;
  /** Everything the answer carried, the peer included. */
  all: PeerInput[];
  /** A basic group's members (messages.getFullChat), by user id. */
  members?: Array<{ userId: number; inviterId?: number; date?: number; admin: boolean }>;
}

const long = (x: number | string): ReturnType<typeof returnBigInt> => returnBigInt(String(x));

function learned(all: PeerInput[], kind: 'user' | 'chat' | 'channel', id: number): Learned {
  const peer = all.find((p) => p.id === id && (kind === 'user' ? p.kind === 'user' || p.kind === 'bot' : kind === 'chat' ? p.kind === 'chat' : p.kind === 'channel' || p.kind === 'supergroup'));
  return { peer, all };
}

/** contacts.resolveUsername. */
export async function resolveUsername(link: MtprotoLink, username: string): Promise<Learned> {
  const r = await link.invoke(new Api.contacts.ResolveUsername({ username }));
  const all = peerInputsOf(r.users, r.chats);
  const p = r.peer as unknown as TlObject;
  switch (p.className) {
    case 'PeerUser':
      return learned(all, 'user', tlId(p.userId as never));
    case 'PeerChannel':
      return learned(all, 'channel', tlId(p.channelId as never));
    case 'PeerChat':
      return learned(all, 'chat', tlId(p.chatId as never));
  }
  return { peer: undefined, all };
}

function inputUser(p: Pick<PeerRecord, 'id' | 'accessHash'>): Api.InputUser {
  return new Api.InputUser({ userId: long(p.id), accessHash: long(p.accessHash ?? '0') });
}

/** users.getFullUser: the user with its bio. */
export async function getFullUser(link: MtprotoLink, user: Pick<PeerRecord, 'id' | 'accessHash'>): Promise<Learned> {
  const r = await link.invoke(new Api.users.GetFullUser({ id: inputUser(user) }));
  const all = peerInputsOf(r.users, r.chats);
  const out = learned(all, 'user', user.id);
  if (out.peer) out.peer.bio = typeof r.fullUser.about === 'string' && r.fullUser.about !== '' ? r.fullUser.about : null;
  return out;
}

/** channels.getFullChannel: the channel or supergroup with its description and counts. */
export async function getFullChannel(link: MtprotoLink, channel: Pick<PeerRecord, 'id' | 'accessHash'>): Promise<Learned> {
  const r = await link.invoke(new Api.channels.GetFullChannel({ channel: new Api.InputChannel({ channelId: long(channel.id), accessHash: long(channel.accessHash ?? '0') }) }));
  const all = peerInputsOf(r.users, r.chats);
  const out = learned(all, 'channel', channel.id);
  const full = r.fullChat as unknown as TlObject;
  if (out.peer && full.className === 'ChannelFull') {
    out.peer.bio = typeof full.about === 'string' && full.about !== '' ? full.about : null;
    if (typeof full.participantsCount === 'number') out.peer.members = full.participantsCount;
    if (typeof full.adminsCount === 'number') out.peer.admins = full.adminsCount;
  }
  return out;
}

/** messages.getFullChat: a basic group with its members. */
export async function getFullChat(link: MtprotoLink, chat: Pick<PeerRecord, 'id'>): Promise<Learned> {
  const r = await link.invoke(new Api.messages.GetFullChat({ chatId: long(chat.id) }));
  const all = peerInputsOf(r.users, r.chats);
  const out = learned(all, 'chat', chat.id);
  const full = r.fullChat as unknown as TlObject;
  if (out.peer && full.className === 'ChatFull') {
    out.peer.bio = typeof full.about === 'string' && full.about !== '' ? full.about : null;
    const parts = full.participants as TlObject | undefined;
    if (parts?.className === 'ChatParticipants' && Array.isArray(parts.participants)) {
      out.peer.members = parts.participants.length;
      out.members = (parts.participants as TlObject[]).map((m) => ({
        userId: tlId(m.userId as never),
        inviterId: m.inviterId === undefined ? undefined : tlId(m.inviterId as never),
        date: typeof m.date === 'number' ? m.date : undefined,
        admin: m.className === 'ChatParticipantCreator',
      }));
    }
  }
  return out;
}

/** users.getUsers([inputUserSelf]): the logged-in account. */
export async function getSelf(link: MtprotoLink): Promise<Learned & { user: TlObject | undefined }> {
  const r = await link.invoke(new Api.users.GetUsers({ id: [new Api.InputUserSelf()] }));
  const user = r[0] as unknown as TlObject | undefined;
  const peer = user ? peerInputOfUser(user) : undefined;
  return { peer, all: peer ? [peer] : [], user };
}

