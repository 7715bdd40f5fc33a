// World peers as Telegram's TL objects, seen by one viewer (the logged-in user or bot).

import type { World } from '../world/world.js';
import type { WorldChannelData, WorldChatData, WorldUserData } from '../world/types.js';
import { Api, big } from './gramjs.js';

/** Several usernames travel in the `usernames` vector (the first is the editable one), one in `username`. */
function usernameFields(names: string[] | undefined): { username?: string; usernames?: Api.Username[] } {
  const list = names ?? [];
  if (list.length === 0) return {};
  if (list.length === 1) return { username: list[0] };
  return { usernames: list.map((username, i) => new Api.Username({ editable: i === 0, active: true, username })) };
}

/** A TL object already serialised (GramJS's getBytes costs ~0.1 ms for a User: worth caching). */
export interface SerializedTl {
  getBytes(): Buffer;
}

interface Cached {
  signature: string;
  bytes: Buffer;
}

const userCache = new WeakMap<WorldUserData, Map<number | undefined, Cached>>();
const channelCache = new WeakMap<WorldChannelData, Map<number | undefined, Cached>>();

function cached<T extends object>(cache: WeakMap<T, Map<number | undefined, Cached>>, key: T, viewerId: number | undefined, signature: string, make: () => Buffer): SerializedTl {
  let perViewer = cache.get(key);
  if (!perViewer) cache.set(key, (perViewer = new Map()));
  let hit = perViewer.get(viewerId);
  if (!hit || hit.signature !== signature) perViewer.set(viewerId, (hit = { signature, bytes: make() }));
  const bytes = hit.bytes;
  return { getBytes: () => bytes };
}

function userView(world: World, u: WorldUserData, viewerId: number | undefined) {
  const isBot = world.isBot(u.id);
  const self = viewerId === u.id;
  const viewer = viewerId === undefined ? undefined : world.users.get(viewerId);
  const contact = !self && (viewer?.contacts ?? []).includes(u.id);
  const mutual = contact && viewerId !== undefined && (u.contacts ?? []).includes(viewerId);
  return { isBot, self, contact, mutual };
}

/** tlUser, serialised, cached per viewer while the user's data (and the viewer's relation) stays the same. */
export function tlUserBytes(world: World, u: WorldUserData, viewerId: number | undefined): SerializedTl {
  const v = userView(world, u, viewerId);
  const signature = [
    v.isBot, v.self, v.contact, v.mutual, u.access_hash, u.first_name, u.last_name, (u.usernames ?? []).join(' '), u.phone, u.last_seen, u.deactivated,
  ].join('\u0000');
  return cached(userCache, u, viewerId, signature, () => tlUser(world, u, viewerId).getBytes());
}

/** tlChannel, serialised and cached like tlUserBytes. */
export function tlChannelBytes(c: WorldChannelData, viewerId: number | undefined): SerializedTl {
  const signature = [c.access_hash, c.title, (c.usernames ?? []).join(' '), c.broadcast, c.forum, c.members.length, c.creator, viewerId !== undefined && c.members.includes(viewerId)].join('\u0000');
  return cached(channelCache, c, viewerId, signature, () => tlChannel(c, viewerId).getBytes());
}

export function tlUser(world: World, u: WorldUserData, viewerId: number | undefined): Api.User {
  const { isBot, self, contact, mutual } = userView(world, u, viewerId);
  if (u.deactivated) return new Api.User({ deleted: true, id: big(u.id), accessHash: big(u.access_hash), self, bot: isBot, botInfoVersion: isBot ? 1 : undefined });
  return new Api.User({
    self,
    contact,
    mutualContact: mutual,
    bot: isBot,
    botInfoVersion: isBot ? 1 : undefined,
    id: big(u.id),
    accessHash: big(u.access_hash),
    firstName: u.first_name,
    lastName: u.last_name,
    ...usernameFields(u.usernames),
    phone: self || contact ? u.phone : undefined,
    status: !isBot && u.last_seen !== undefined ? new Api.UserStatusOffline({ wasOnline: u.last_seen }) : undefined,
  });
}

export function tlChannel(c: WorldChannelData, viewerId: number | undefined): Api.Channel {
  const member = viewerId !== undefined && c.members.includes(viewerId);
  return new Api.Channel({
    creator: viewerId !== undefined && c.creator === viewerId,
    left: !member,
    broadcast: c.broadcast,
    megagroup: !c.broadcast,
    forum: (!c.broadcast && c.forum) || undefined,
    id: big(c.id),
    accessHash: big(c.access_hash),
    title: c.title,
    ...usernameFields(c.usernames),
    photo: new Api.ChatPhotoEmpty(),
    date: 0,
    participantsCount: c.members.length,
  });
}

export function tlChat(c: WorldChatData, viewerId: number | undefined): Api.TypeChat {
  const member = viewerId !== undefined && c.members.includes(viewerId);
  if (!member) return new Api.ChatForbidden({ id: big(c.id), title: c.title });
  return new Api.Chat({
    creator: c.creator === viewerId,
    id: big(c.id),
    title: c.title,
    photo: new Api.ChatPhotoEmpty(),
    participantsCount: c.members.length,
    date: 0,
    version: 1,
  });
}

/** Every username of the world, hidden users included (for the 4-character collectible rule). */
export function worldHasUsername(world: World, name: string): boolean {
  const lower = name.toLowerCase();
  const has = (names: string[] | undefined) => (names ?? []).some((n) => n.toLowerCase() === lower);
  for (const u of world.users.values()) if (has(u.usernames)) return true;
  for (const c of world.channels.values()) if (has(c.usernames)) return true;
  return false;
}
