// Peer lookups through the unmodified GramJS client, over TCP, logged in as the sandbox bot.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_USER_ACCESS_HASH, EXAMPLE_USER_ID, SANDBOX_BOT_ID } from '../../../src/sandbox/world/default-world.js';
import type { MtprotoServer } from '../../../src/sandbox/mtproto/index.js';
import { invokeWithTimeout, MtprotoRpcError, type MtprotoClient } from '../../../src/telegram/mtproto/index.js';
import { Api, Cleanup, connect, loginBot, long, resolve, startTestServer } from './helpers.js';

const cleanup = new Cleanup();
let server: MtprotoServer;
let bot: MtprotoClient;

beforeAll(async () => {
  server = cleanup.server(await startTestServer());
  bot = cleanup.client(await connect(server));
});
afterAll(() => cleanup.run());

const big = (x: { toString(): string }) => BigInt(x.toString());

async function rpcError(p: Promise<unknown>): Promise<MtprotoRpcError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(MtprotoRpcError);
  return e as MtprotoRpcError;
}

describe('MTProto data centre: login and resolving', () => {
  it('created one auth key for the fresh client and answers 401 before login', async () => {
    expect(server.stats.keyExchanges).toBe(1);
    const e = await rpcError(resolve(bot, 'example_user'));
    expect(e.code).toBe(401);
    expect(e.errorMessage).toBe('AUTH_KEY_UNREGISTERED');
  });

  it('logs the sandbox bot in with the world api id / hash and its token', async () => {
    const auth = await loginBot(bot);
    const me = auth.user as Api.User;
    expect(big(me.id)).toBe(BigInt(SANDBOX_BOT_ID));
    expect(me.bot).toBe(true);
    expect(me.self).toBe(true);
    expect(me.username).toBe('tgsh_sandbox_bot');
  });

  it('resolves example_user to id 191322468 with its exact access hash', async () => {
    const r = await resolve(bot, 'example_user');
    expect(r.peer).toBeInstanceOf(Api.PeerUser);
    expect(big((r.peer as Api.PeerUser).userId)).toBe(191322468n);
    expect(r.chats).toEqual([]);
    const u = r.users[0] as Api.User;
    expect(big(u.id)).toBe(BigInt(EXAMPLE_USER_ID));
    expect(u.accessHash!.toString()).toBe(EXAMPLE_USER_ACCESS_HASH);
    expect(u.accessHash!.toString()).toBe('596679014459359234');
    expect(u.bot).toBe(false);
    expect(u.username).toBe('example_user');
    expect(u.firstName).toBe('Example');
    expect(u.phone).toBeNull(); // GramJS reads absent flag fields as null
  });

  it('gives last_seen as userStatusOffline(was_online)', async () => {
    const alice = (await resolve(bot, 'alice_started')).users[0] as Api.User;
    expect(alice.status).toBeInstanceOf(Api.UserStatusOffline);
    expect((alice.status as Api.UserStatusOffline).wasOnline).toBe(server.world.users.get(200000001)!.last_seen);
    const dora = (await resolve(bot, 'dora_bigid')).users[0] as Api.User;
    expect(dora.status).toBeNull(); // no last_seen in the world: no status
  });

  it('is case-insensitive', async () => {
    const r = await resolve(bot, 'Example_User');
    expect(big((r.users[0] as Api.User).id)).toBe(191322468n);
  });

  it('resolves a channel and a supergroup with their exact access hashes', async () => {
    const news = await resolve(bot, 'tgsh_news');
    expect(news.peer).toBeInstanceOf(Api.PeerChannel);
    const ch = news.chats[0] as Api.Channel;
    expect(big(ch.id)).toBe(1098765432n);
    expect(ch.accessHash!.toString()).toBe('3141592653589793238');
    expect(ch.broadcast).toBe(true);
    expect(ch.megagroup).toBe(false);
    expect(ch.title).toBe('tgsh News');

    const chat = await resolve(bot, 'tgsh_chat');
    const sg = chat.chats[0] as Api.Channel;
    expect(big(sg.id)).toBe(1234567890n);
    expect(sg.accessHash!.toString()).toBe('2718281828459045235');
    expect(sg.megagroup).toBe(true);
    expect(sg.broadcast).toBe(false);
  });

  it('resolves a user with an id above 2^31 and a negative access hash, exactly', async () => {
    const r = await resolve(bot, 'dora_bigid');
    const u = r.users[0] as Api.User;
    expect(big(u.id)).toBe(6123456789n);
    expect(u.accessHash!.toString()).toBe('-9223372036854775807');
    const alice = (await resolve(bot, 'alice_started')).users[0] as Api.User;
    expect(alice.accessHash!.toString()).toBe('-4611686018427387905');
  });

  it('gives several usernames in the Username vector, and resolves each (4-character collectible included)', async () => {
    for (const name of ['eve_many', 'eve_alias', 'evee']) {
      const u = (await resolve(bot, name)).users[0] as Api.User;
      expect(big(u.id)).toBe(200000005n);
      expect(u.usernames?.map((x) => x.username)).toEqual(['eve_many', 'eve_alias', 'evee']);
      expect(u.usernames?.[0]?.editable).toBe(true);
      expect(u.usernames?.every((x) => x.active)).toBe(true);
    }
  });

  it('resolves a bot with the bot flag', async () => {
    const u = (await resolve(bot, 'other_helper_bot')).users[0] as Api.User;
    expect(u.bot).toBe(true);
    expect(u.accessHash!.toString()).toBe('6666666666666666666');
  });

  it('answers USERNAME_NOT_OCCUPIED for an unknown name and for a hidden user', async () => {
    for (const name of ['nobody_here_at_all', 'hidden_person', 'Hidden_Person']) {
      const e = await rpcError(resolve(bot, name));
      expect(e.code).toBe(400);
      expect(e.errorMessage).toBe('USERNAME_NOT_OCCUPIED');
    }
  });

  it("answers USERNAME_INVALID for names that break Telegram's syntax", async () => {
    for (const name of ['abc', 'abcd', '1abcde', '_abcde', 'abcde_', 'abc-def', 'a'.repeat(33), '@example_user', '', 'exämple']) {
      const e = await rpcError(resolve(bot, name));
      expect(e.errorMessage, name).toBe('USERNAME_INVALID');
    }
    // Five characters is fine syntax-wise even when nobody holds the name.
    expect((await rpcError(resolve(bot, 'abcde'))).errorMessage).toBe('USERNAME_NOT_OCCUPIED');
  });

  it('looks users up by id and access hash; a wrong hash is PEER_ID_INVALID', async () => {
    const users = (await invokeWithTimeout(
      bot,
      new Api.users.GetUsers({ id: [new Api.InputUser({ userId: long(EXAMPLE_USER_ID), accessHash: long(EXAMPLE_USER_ACCESS_HASH) }), new Api.InputUserSelf()] }),
    )) as Api.User[];
    expect(users.map((u) => big(u.id))).toEqual([191322468n, BigInt(SANDBOX_BOT_ID)]);
    const e = await rpcError(
      invokeWithTimeout(bot, new Api.users.GetUsers({ id: [new Api.InputUser({ userId: long(EXAMPLE_USER_ID), accessHash: long('596679014459359235') })] })),
    );
    expect(e.errorMessage).toBe('PEER_ID_INVALID');
  });

  it('gives the bio as about in users.getFullUser', async () => {
    const full = await invokeWithTimeout(
      bot,
      new Api.users.GetFullUser({ id: new Api.InputUser({ userId: long(EXAMPLE_USER_ID), accessHash: long(EXAMPLE_USER_ACCESS_HASH) }) }),
    );
    expect(full.fullUser.about).toBe('The user from the seed document.');
    expect(big((full.users[0] as Api.User).id)).toBe(191322468n);
    const e = await rpcError(invokeWithTimeout(bot, new Api.users.GetFullUser({ id: new Api.InputUser({ userId: long(EXAMPLE_USER_ID), accessHash: long(1) }) })));
    expect(e.errorMessage).toBe('PEER_ID_INVALID');
  });

  it('answers channels.getChannels / getFullChannel, CHANNEL_INVALID on a wrong hash', async () => {
    const input = new Api.InputChannel({ channelId: long(1234567890), accessHash: long('2718281828459045235') });
    const chats = await invokeWithTimeout(bot, new Api.channels.GetChannels({ id: [input] }));
    expect((chats.chats[0] as Api.Channel).title).toBe('tgsh Community');
    const full = await invokeWithTimeout(bot, new Api.channels.GetFullChannel({ channel: input }));
    expect((full.fullChat as Api.ChannelFull).about).toBe('A supergroup to talk about tgsh.');
    expect((full.fullChat as Api.ChannelFull).participantsCount).toBe(4);
    const bad = new Api.InputChannel({ channelId: long(1234567890), accessHash: long(5) });
    expect((await rpcError(invokeWithTimeout(bot, new Api.channels.GetChannels({ id: [bad] })))).errorMessage).toBe('CHANNEL_INVALID');
    expect((await rpcError(invokeWithTimeout(bot, new Api.channels.GetFullChannel({ channel: bad })))).errorMessage).toBe('CHANNEL_INVALID');
  });

  it('answers messages.getChats / getFullChat for basic groups', async () => {
    const chats = await invokeWithTimeout(bot, new Api.messages.GetChats({ id: [long(4567)] }));
    const chat = chats.chats[0] as Api.Chat;
    expect(chat).toBeInstanceOf(Api.Chat);
    expect(chat.title).toBe('Book Club');
    expect(chat.participantsCount).toBe(3);
    const full = await invokeWithTimeout(bot, new Api.messages.GetFullChat({ chatId: long(4567) }));
    const participants = (full.fullChat as Api.ChatFull).participants as Api.ChatParticipants;
    expect(participants.participants.map((p) => big(p.userId))).toEqual([191322468n, 200000001n, BigInt(SANDBOX_BOT_ID)]);
    expect(participants.participants[0]).toBeInstanceOf(Api.ChatParticipantCreator);
    expect(full.users).toHaveLength(3);
    expect((await rpcError(invokeWithTimeout(bot, new Api.messages.GetChats({ id: [long(1)] })))).errorMessage).toBe('CHAT_ID_INVALID');
  });

  it('answers help.getConfig with this server as the only data centre', async () => {
    const config = await invokeWithTimeout(bot, new Api.help.GetConfig());
    expect(config.thisDc).toBe(2);
    expect(config.dcOptions.map((d) => [d.id, d.ipAddress, d.port])).toEqual([[2, server.host, server.port]]);
  });

  it('refuses contacts.getContacts to a bot', async () => {
    expect((await rpcError(invokeWithTimeout(bot, new Api.contacts.GetContacts({ hash: long(0) })))).errorMessage).toBe('BOT_METHOD_INVALID');
  });

  it('sends large results gzip_packed (users.getUsers of many ids)', async () => {
    const before = server.stats.gzippedAnswers;
    const ids = Array.from({ length: 300 }, () => new Api.InputUser({ userId: long(EXAMPLE_USER_ID), accessHash: long(EXAMPLE_USER_ACCESS_HASH) }));
    const users = (await invokeWithTimeout(bot, new Api.users.GetUsers({ id: ids }))) as Api.User[];
    expect(users).toHaveLength(300);
    expect(users.every((u) => u.accessHash!.toString() === EXAMPLE_USER_ACCESS_HASH)).toBe(true);
    expect(server.stats.gzippedAnswers).toBe(before + 1);
  });

  it('counts requests per method', () => {
    expect(server.stats.requestsFor('contacts.resolveUsername')).toBeGreaterThan(10);
    expect(server.stats.requestsFor('contacts.ResolveUsername')).toBe(server.stats.requests['contacts.resolveUsername']);
    expect(server.stats.requests['auth.importBotAuthorization']).toBe(1);
    expect(server.stats.requests['help.getConfig']).toBeGreaterThanOrEqual(2); // connect + the test
  });
});
