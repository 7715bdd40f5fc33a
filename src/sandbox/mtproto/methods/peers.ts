// Peer lookups: users.getUsers, users.getFullUser, contacts.resolveUsername, contacts.getContacts,
// channels.getChannels, channels.getFullChannel, messages.getChats, messages.getFullChat.

import type { WorldChannelData, WorldUserData } from '../../world/types.js';
import { ERR } from '../errors.js';
import { Api, big, toBigInt, toId } from '../gramjs.js';
import { tlChannelBytes, tlChat, tlUserBytes, worldHasUsername } from '../peers.js';
import { checkResolveBudget } from '../limits.js';
import { CTOR, TlWriter } from '../tl.js';
import { TlVector, type MethodContext, type MethodTable, type TlSerializable } from './types.js';

const viewer = (ctx: MethodContext): number => ctx.key.login!.userId;

function inputUser(ctx: MethodContext, input: unknown): WorldUserData {
  if (input instanceof Api.InputUserSelf) return ctx.world.users.get(viewer(ctx))!;
  if (input instanceof Api.InputUser) {
    const u = ctx.world.users.get(toId(input.userId));
    if (!u || toBigInt(input.accessHash) !== BigInt(u.access_hash)) throw ERR.peerIdInvalid();
    return u;
  }
  throw ERR.peerIdInvalid();
}

function inputChannel(ctx: MethodContext, input: unknown): WorldChannelData {
  if (input instanceof Api.InputChannel) {
    const c = ctx.world.channels.get(toId(input.channelId));
    if (!c || toBigInt(input.accessHash) !== BigInt(c.access_hash)) throw ERR.channelInvalid();
    return c;
  }
  throw ERR.channelInvalid();
}

const notifySettings = () => new Api.PeerNotifySettings({});

/**
 * contacts.resolvedPeer#7f077ad9 peer:Peer chats:Vector<Chat> users:Vector<User>, written directly:
 * the hottest answer of the data centre (GramJS's generic getBytes costs more than the rest of the
 * request). The peer and the vectors' items are GramJS-serialised.
 */
function resolvedPeer(peerCtor: number, id: number, chats: TlSerializable[], users: TlSerializable[]): TlSerializable {
  const w = new TlWriter().uint32(Api.contacts.ResolvedPeer.CONSTRUCTOR_ID).uint32(peerCtor).int64(BigInt(id));
  w.uint32(CTOR.vector).int32(chats.length);
  for (const c of chats) w.raw(c.getBytes());
  w.uint32(CTOR.vector).int32(users.length);
  for (const u of users) w.raw(u.getBytes());
  const bytes = w.result();
  return { getBytes: () => bytes };
}

/** Telegram's username syntax; 4 characters only for collectible names that exist. */
export function usernameSyntaxOk(name: string, exists: (n: string) => boolean): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_]{3,31}$/.test(name) || name.endsWith('_')) return false;
  return name.length >= 5 || exists(name);
}

export const peerMethods: MethodTable = {
  'users.getUsers': {
    login: true,
    run(req: Api.users.GetUsers, ctx) {
      return new TlVector(req.id.map((input) => tlUserBytes(ctx.world, inputUser(ctx, input), viewer(ctx))));
    },
  },

  'users.getFullUser': {
    login: true,
    run(req: Api.users.GetFullUser, ctx) {
      const u = inputUser(ctx, req.id);
      const me = viewer(ctx);
      const common = [...ctx.world.chats.values(), ...ctx.world.channels.values()].filter(
        (c) => c.members.includes(u.id) && c.members.includes(me),
      ).length;
      return new Api.users.UserFull({
        fullUser: new Api.UserFull({
          id: big(u.id),
          about: u.bio,
          settings: new Api.PeerSettings({}),
          notifySettings: notifySettings(),
          commonChatsCount: u.id === me ? 0 : common,
          botInfo: ctx.world.isBot(u.id) ? new Api.BotInfo({ userId: big(u.id), description: u.bio }) : undefined,
        }),
        chats: [],
        users: [tlUserBytes(ctx.world, u, me) as Api.TypeUser],
      });
    },
  },

  'contacts.resolveUsername': {
    login: true,
    run(req: Api.contacts.ResolveUsername, ctx) {
      checkResolveBudget(ctx.world, ctx.key);
      const name = req.username;
      if (!usernameSyntaxOk(name, (n) => worldHasUsername(ctx.world, n))) throw ERR.usernameInvalid();
      const peer = ctx.world.findByUsername(name);
      // Hidden users (findByUsername skips them) and deleted accounts hold no username.
      if (!peer || (peer.type === 'user' && peer.user.deactivated)) throw ERR.usernameNotOccupied();
      const me = viewer(ctx);
      switch (peer.type) {
        case 'user':
          return resolvedPeer(Api.PeerUser.CONSTRUCTOR_ID, peer.user.id, [], [tlUserBytes(ctx.world, peer.user, me)]);
        case 'channel':
          return resolvedPeer(Api.PeerChannel.CONSTRUCTOR_ID, peer.channel.id, [tlChannelBytes(peer.channel, me)], []);
        case 'chat':
          // Basic groups have no usernames on Telegram; a world that gives one gets it resolved anyway.
          return resolvedPeer(Api.PeerChat.CONSTRUCTOR_ID, peer.chat.id, [tlChat(peer.chat, me)], []);
      }
    },
  },

  'contacts.getContacts': {
    login: true,
    run(_req: Api.contacts.GetContacts, ctx) {
      if (ctx.key.login!.bot) throw ERR.botMethodInvalid();
      const me = viewer(ctx);
      const mine = ctx.world.users.get(me)?.contacts ?? [];
      const users = mine.map((id) => ctx.world.users.get(id)).filter((u): u is WorldUserData => u !== undefined);
      return new Api.contacts.Contacts({
        contacts: users.map((u) => new Api.Contact({ userId: big(u.id), mutual: (u.contacts ?? []).includes(me) })),
        savedCount: 0,
        users: users.map((u) => tlUserBytes(ctx.world, u, me) as Api.TypeUser),
      });
    },
  },

  'channels.getChannels': {
    login: true,
    run(req: Api.channels.GetChannels, ctx) {
      return new Api.messages.Chats({ chats: req.id.map((input) => tlChannelBytes(inputChannel(ctx, input), viewer(ctx)) as Api.TypeChat) });
    },
  },

  'channels.getFullChannel': {
    login: true,
    run(req: Api.channels.GetFullChannel, ctx) {
      const c = inputChannel(ctx, req.channel);
      return new Api.messages.ChatFull({
        fullChat: new Api.ChannelFull({
          id: big(c.id),
          about: c.about ?? '',
          participantsCount: c.members.length,
          adminsCount: (c.admins ?? []).length,
          readInboxMaxId: 0,
          readOutboxMaxId: 0,
          unreadCount: 0,
          chatPhoto: new Api.PhotoEmpty({ id: big(0) }),
          notifySettings: notifySettings(),
          botInfo: [],
          pts: 1,
        }),
        chats: [tlChannelBytes(c, viewer(ctx)) as Api.TypeChat],
        users: [],
      });
    },
  },

  'messages.getChats': {
    login: true,
    run(req: Api.messages.GetChats, ctx) {
      return new Api.messages.Chats({
        chats: req.id.map((id) => {
          const c = ctx.world.chats.get(toId(id));
          if (!c) throw ERR.chatIdInvalid();
          return tlChat(c, viewer(ctx));
        }),
      });
    },
  },

  'messages.getFullChat': {
    login: true,
    run(req: Api.messages.GetFullChat, ctx) {
      const c = ctx.world.chats.get(toId(req.chatId));
      if (!c) throw ERR.chatIdInvalid();
      const me = viewer(ctx);
      const member = c.members.includes(me);
      const participants = member
        ? new Api.ChatParticipants({
            chatId: big(c.id),
            participants: c.members.map((id) =>
              id === c.creator
                ? new Api.ChatParticipantCreator({ userId: big(id) })
                : (c.admins ?? []).includes(id)
                  ? new Api.ChatParticipantAdmin({ userId: big(id), inviterId: big(c.creator ?? id), date: 0 })
                  : new Api.ChatParticipant({ userId: big(id), inviterId: big(c.creator ?? id), date: 0 }),
            ),
            version: 1,
          })
        : new Api.ChatParticipantsForbidden({ chatId: big(c.id) });
      const users = member
        ? c.members.map((id) => ctx.world.users.get(id)).filter((u): u is WorldUserData => u !== undefined).map((u) => tlUserBytes(ctx.world, u, me) as Api.TypeUser)
        : [];
      return new Api.messages.ChatFull({
        fullChat: new Api.ChatFull({ id: big(c.id), about: '', participants, notifySettings: notifySettings() }),
        chats: [tlChat(c, me)],
        users,
      });
    },
  },
};
