// Bot API users and chats as the store's PeerInput. The Bot API gives names and the main username
// but no access hashes; ids are Bot API chat ids (split back into MTProto ids here).

import type { User } from 'grammy/types';
import { splitBotApiChatId } from '../../peers/ref.js';
import type { PeerKind } from '../../peers/types.js';
import type { PeerInput } from '../../store/peer-store.js';

/** The parts of a Bot API User the store keeps. */
export type UserLike = Pick<User, 'id' | 'is_bot' | 'first_name'> & { last_name?: string; username?: string };

/** The parts of a Bot API Chat the store keeps (a Message.chat, a ChatFullInfo...). */
export interface ChatLike {
  id: number;
  /** Chat['type'] as Telegram sends it, or a type a newer server may add. */
  type: string;
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
}

export function peerInputOfUser(u: UserLike, at?: number, interaction = false): PeerInput {
  const input: PeerInput = {
    kind: u.is_bot ? 'bot' : 'user',
    id: u.id,
    firstName: u.first_name,
    lastName: u.last_name ?? null,
    username: u.username ?? null,
  };
  if (at !== undefined) input.at = at;
  if (interaction) input.interaction = true;
  return input;
}

/** A chat as a peer; undefined for an id that is not a valid peer (never from Telegram). */
export function peerInputOfChat(c: ChatLike, at?: number, interaction = false): PeerInput | undefined {
  const { type, id } = splitBotApiChatId(c.id);
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  let kind: PeerKind;
  if (c.type === 'private') {
    // A private chat is the user (or bot) itself; is_bot is not in a Chat: keep what the store knows.
    const input: PeerInput = { kind: 'user', id, firstName: c.first_name ?? null, lastName: c.last_name ?? null, username: c.username ?? null };
    if (at !== undefined) input.at = at;
    if (interaction) input.interaction = true;
    return input;
  }
  if (type === 'chat') kind = 'chat';
  else kind = c.type === 'channel' ? 'channel' : 'supergroup';
  const input: PeerInput = { kind, id, title: c.title ?? null };
  if (kind !== 'chat') input.username = c.username ?? null;
  if (at !== undefined) input.at = at;
  if (interaction) input.interaction = true;
  return input;
}
