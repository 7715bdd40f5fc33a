// A logged-in user account sends messages: per-account message ids and pts, the recipient's own
// copy, silent, replies, scheduled messages, and every refusal with Telegram's error text.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MtprotoServer } from '../../../src/sandbox/mtproto/index.js';
import { invokeWithTimeout, type MtprotoClient } from '../../../src/telegram/mtproto/index.js';
import { accountWorld, ALICE, BOB, bigId, CAROL, CLOSED_GROUP, DORA, EVE, EXAMPLE, history, inputUser, loginAs, send, texts } from './account-helpers.js';
import { Api, Cleanup, failure, long, resolve, startTestServer } from './helpers.js';

const cleanup = new Cleanup();
let server: MtprotoServer;
let me: MtprotoClient;

beforeAll(async () => {
  server = cleanup.server(await startTestServer({ world: accountWorld() }));
  me = cleanup.client(await loginAs(server, EXAMPLE));
});
afterAll(() => cleanup.run());

describe('MTProto data centre: a user account sends', () => {
  it('numbers messages per account, moves pts by one each, and gives the recipient its own copy', async () => {
    const state0 = (await invokeWithTimeout(me, new Api.updates.GetState())) as Api.updates.State;
    // To a contact.
    const a = (await send(me, inputUser(server, ALICE), 'hello Alice')) as Api.UpdateShortSentMessage;
    expect(a).toBeInstanceOf(Api.UpdateShortSentMessage);
    expect(a.out).toBe(true);
    expect(a.ptsCount).toBe(1);
    expect(a.pts).toBe(state0.pts + 1);
    // To a stranger found by username: the access hash from the resolve is what works.
    const bob = (await resolve(me, 'bob_blocked')).users[0] as Api.User;
    const b = (await send(me, new Api.InputPeerUser({ userId: bob.id, accessHash: bob.accessHash! }), 'hi Bob')) as Api.UpdateShortSentMessage;
    expect(b.id).toBe(a.id + 1);
    expect(b.pts).toBe(a.pts + 1);
    // To a user whose id is above 2^32.
    const dora = (await resolve(me, 'dora_bigid')).users[0] as Api.User;
    expect(bigId(dora.id)).toBe(BigInt(DORA));
    const d = (await send(me, new Api.InputPeerUser({ userId: dora.id, accessHash: dora.accessHash! }), 'hi Dora')) as Api.UpdateShortSentMessage;
    expect(d.id).toBe(b.id + 1);
    const state1 = (await invokeWithTimeout(me, new Api.updates.GetState())) as Api.updates.State;
    expect(state1.pts).toBe(state0.pts + 3);

    // Each recipient holds the message under its own id (its first message: 1), incoming.
    const w = server.world;
    for (const [who, text] of [[ALICE, 'hello Alice'], [BOB, 'hi Bob'], [DORA, 'hi Dora']] as const) {
      const box = w.accounts.account(who).history({ type: 'user', id: EXAMPLE });
      expect(box.map((m) => [m.id, m.text, m.out, m.from])).toEqual([[1, text, false, EXAMPLE]]);
    }
    // The sender's history shows them, newest first, as outgoing messages to that peer.
    const h = await history(me, inputUser(server, DORA));
    expect(texts(h)).toEqual(['hi Dora']);
    const m = h.messages[0] as Api.Message;
    expect(m.out).toBe(true);
    expect(bigId((m.peerId as Api.PeerUser).userId)).toBe(BigInt(DORA));
    expect(h.users.map((u) => bigId(u.id)).sort()).toEqual([BigInt(EXAMPLE), BigInt(DORA)].sort());
  });

  it('keeps silent and reply_to, the reply pointing at the recipient’s own copy', async () => {
    const first = (await send(me, inputUser(server, EVE), 'question')) as Api.UpdateShortSentMessage;
    await send(me, inputUser(server, EVE), 'quiet follow-up', { silent: true, replyTo: new Api.InputReplyToMessage({ replyToMsgId: first.id }) });
    const theirs = server.world.accounts.account(EVE).history({ type: 'user', id: EXAMPLE });
    expect(theirs.map((m) => m.text)).toEqual(['question', 'quiet follow-up']);
    expect(theirs[1]!.silent).toBe(true);
    expect(theirs[1]!.replyTo).toBe(theirs[0]!.id);
    const mine = await history(me, inputUser(server, EVE), { limit: 1 });
    const reply = mine.messages[0] as Api.Message;
    expect(reply.silent).toBe(true);
    expect((reply.replyTo as Api.MessageReplyHeader).replyToMsgId).toBe(first.id);
  });

  it('schedules a message: not in the history until its time, then sent', async () => {
    const w = server.world;
    const at = w.now() + 3600;
    const r = (await send(me, inputUser(server, CAROL), 'later', { scheduleDate: at })) as Api.Updates;
    expect(r).toBeInstanceOf(Api.Updates);
    const sched = r.updates.find((u) => u instanceof Api.UpdateNewScheduledMessage) as Api.UpdateNewScheduledMessage;
    expect((sched.message as Api.Message).date).toBe(at);
    expect(texts(await history(me, inputUser(server, CAROL)))).not.toContain('later');
    w.advanceClock(3601_000);
    try {
      expect(texts(await history(me, inputUser(server, CAROL)))).toContain('later');
      expect(w.accounts.account(CAROL).history({ type: 'user', id: EXAMPLE }).map((m) => m.text)).toContain('later');
    } finally {
      w.advanceClock(-3601_000);
    }
  });

  it('writes in a basic group it is in: every member gets it, the group’s bot too', async () => {
    const r = (await send(me, new Api.InputPeerChat({ chatId: long(4567) }), 'hello club')) as Api.UpdateShortSentMessage;
    expect(r).toBeInstanceOf(Api.UpdateShortSentMessage);
    expect(server.world.accounts.account(ALICE).history({ type: 'chat', id: 4567 }).map((m) => [m.text, m.from])).toEqual([['hello club', EXAMPLE]]);
    expect(server.world.messages(-4567).map((m) => m.text)).toContain('hello club');
  });
});

describe('MTProto data centre: a user account writes in a supergroup', () => {
  const channel = (id: number) => new Api.InputPeerChannel({ channelId: long(id), accessHash: long(server.world.channels.get(id)!.access_hash) });
  const FORUM = 1357913579;
  const COMMUNITY = 1234567890;

  it('answers updateNewChannelMessage; the message is in the chat for its bots, in a forum topic when named', async () => {
    const w = server.world;
    const u = (await send(me, channel(FORUM), 'hello Help', { replyTo: new Api.InputReplyToMessage({ replyToMsgId: 2, topMsgId: 2 }), silent: true })) as Api.Updates;
    const n = u.updates.find((x): x is Api.UpdateNewChannelMessage => x instanceof Api.UpdateNewChannelMessage)!;
    const m = n.message as Api.Message;
    expect(m).toMatchObject({ out: true, silent: true, message: 'hello Help' });
    expect(bigId((m.peerId as Api.PeerChannel).channelId)).toBe(BigInt(FORUM));
    expect(m.replyTo).toMatchObject({ forumTopic: true, replyToMsgId: 2 });
    expect([n.pts, n.ptsCount]).toEqual([m.id, 1]);
    expect(u.updates.some((x) => x instanceof Api.UpdateMessageID && x.id === m.id)).toBe(true);
    const kept = w.messages(-(1_000_000_000_000 + FORUM)).at(-1)!;
    expect(kept).toMatchObject({ message_id: m.id, text: 'hello Help', from: { id: EXAMPLE }, message_thread_id: 2, is_topic_message: true });
    expect(w.isSilent(kept)).toBe(true);
    // reply_to_msg_id alone naming a topic is that topic too; a reply in a topic keeps both.
    const again = (await send(me, channel(FORUM), 'also Help', { replyTo: new Api.InputReplyToMessage({ replyToMsgId: 2 }) })) as Api.Updates;
    const a = (again.updates.find((x) => x instanceof Api.UpdateNewChannelMessage) as Api.UpdateNewChannelMessage).message as Api.Message;
    const answer = (await send(me, channel(FORUM), 'answering', { replyTo: new Api.InputReplyToMessage({ replyToMsgId: a.id, topMsgId: 2 }) })) as Api.Updates;
    const r = (answer.updates.find((x) => x instanceof Api.UpdateNewChannelMessage) as Api.UpdateNewChannelMessage).message as Api.Message;
    expect(r.replyTo).toMatchObject({ forumTopic: true, replyToMsgId: a.id, replyToTopId: 2 });
    expect(w.messages(-(1_000_000_000_000 + FORUM)).slice(-2).map((x) => [x.text, x.message_thread_id, x.reply_to_message?.message_id])).toEqual([
      ['also Help', 2, undefined],
      ['answering', 2, a.id],
    ]);
    // A supergroup without topics takes plain messages.
    await send(me, channel(COMMUNITY), 'hi all');
    expect(w.messages(-(1_000_000_000_000 + COMMUNITY)).at(-1)).toMatchObject({ text: 'hi all', from: { id: EXAMPLE } });
  });

  it("refuses a topic the forum does not have, a thread that is not there, and says what it does not serve", async () => {
    const w = server.world;
    const count = w.messages(-(1_000_000_000_000 + FORUM)).length;
    const e = await failure(send(me, channel(FORUM), 'x', { replyTo: new Api.InputReplyToMessage({ replyToMsgId: 9, topMsgId: 9 }) }));
    expect([e.code, e.errorMessage]).toEqual([400, 'TOPIC_ID_INVALID']);
    expect((await failure(send(me, channel(COMMUNITY), 'x', { replyTo: new Api.InputReplyToMessage({ replyToMsgId: 999, topMsgId: 999 }) }))).errorMessage).toBe('TOPIC_ID_INVALID');
    expect(w.messages(-(1_000_000_000_000 + FORUM))).toHaveLength(count);
    const wrong = new Api.InputPeerChannel({ channelId: long(FORUM), accessHash: long(1) });
    expect((await failure(send(me, wrong, 'x'))).errorMessage).toBe('CHANNEL_INVALID');
    // Scheduling in a supergroup: not served (a broadcast channel's creator posts: user-channels.test.ts).
    expect((await failure(send(me, channel(COMMUNITY), 'later', { scheduleDate: w.now() + 3600 }))).errorMessage).toBe('METHOD_NOT_IMPLEMENTED_IN_SANDBOX');
  });
});

describe('MTProto data centre: what a user account may not send', () => {
  it('refuses empty, too long, unknown peers, blocks, privacy, closed groups', async () => {
    const w = server.world;
    expect((await failure(send(me, inputUser(server, ALICE), ''))).errorMessage).toBe('MESSAGE_EMPTY');
    const tooLong = await failure(send(me, inputUser(server, ALICE), 'x'.repeat(4097)));
    expect([tooLong.code, tooLong.errorMessage]).toEqual([400, 'MESSAGE_TOO_LONG']);
    await send(me, inputUser(server, ALICE), 'x'.repeat(4096)); // exactly the limit is fine
    const wrongHash = new Api.InputPeerUser({ userId: inputUser(server, ALICE).userId, accessHash: inputUser(server, BOB).accessHash });
    expect((await failure(send(me, wrongHash, 'hi'))).errorMessage).toBe('PEER_ID_INVALID');

    w.users.get(EXAMPLE)!.blocked = [BOB];
    w.users.get(EVE)!.blocked = [EXAMPLE];
    w.users.get(CAROL)!.privacy_messages = 'contacts';
    try {
      expect((await failure(send(me, inputUser(server, BOB), 'hi'))).errorMessage).toBe('YOU_BLOCKED_USER');
      expect((await failure(send(me, inputUser(server, EVE), 'hi'))).errorMessage).toBe('USER_IS_BLOCKED');
      const privacy = await failure(send(me, inputUser(server, CAROL), 'hi'));
      expect([privacy.code, privacy.errorMessage]).toEqual([403, 'USER_PRIVACY_RESTRICTED']);
      // Carol lets her contacts write.
      w.users.get(CAROL)!.contacts = [EXAMPLE];
      await send(me, inputUser(server, CAROL), 'now allowed');
    } finally {
      delete w.users.get(EXAMPLE)!.blocked;
      delete w.users.get(EVE)!.blocked;
      delete w.users.get(CAROL)!.privacy_messages;
      delete w.users.get(CAROL)!.contacts;
    }
    const closed = await failure(send(me, new Api.InputPeerChat({ chatId: long(CLOSED_GROUP) }), 'let me in'));
    expect([closed.code, closed.errorMessage]).toEqual([403, 'CHAT_WRITE_FORBIDDEN']);
    // Nothing refused reached anyone.
    expect(w.accounts.account(BOB).history({ type: 'user', id: EXAMPLE }).map((m) => m.text)).toEqual(['hi Bob']);
    expect(w.accounts.account(ALICE).history({ type: 'chat', id: CLOSED_GROUP })).toEqual([]);
  });

  it('answers TOPIC_ID_INVALID to a forum topic in a private chat or basic group (they have none)', async () => {
    const w = server.world;
    const before = w.accounts.account(ALICE).history({ type: 'user', id: EXAMPLE }).length;
    const topic = new Api.InputReplyToMessage({ replyToMsgId: 2, topMsgId: 2 });
    const e = await failure(send(me, inputUser(server, ALICE), 'in a topic?', { replyTo: topic }));
    expect([e.code, e.errorMessage]).toEqual([400, 'TOPIC_ID_INVALID']);
    const g = await failure(send(me, new Api.InputPeerChat({ chatId: long(4567) }), 'in a topic?', { replyTo: topic }));
    expect(g.errorMessage).toBe('TOPIC_ID_INVALID');
    const mine = (await send(me, inputUser(server, ALICE), 'to forward')) as Api.UpdateShortSentMessage;
    const fwd = await failure(
      invokeWithTimeout(me, new Api.messages.ForwardMessages({ fromPeer: inputUser(server, ALICE), id: [mine.id], randomId: [long(987654321)], toPeer: inputUser(server, EVE), topMsgId: 2 })),
    );
    expect(fwd.errorMessage).toBe('TOPIC_ID_INVALID');
    expect(w.accounts.account(ALICE).history({ type: 'user', id: EXAMPLE }).map((m) => m.text).slice(before)).toEqual(['to forward']);
    expect(w.accounts.account(EVE).history({ type: 'user', id: EXAMPLE }).some((m) => m.text === 'to forward')).toBe(false);
  });

  it('answers PEER_FLOOD to a flood-limited account writing to strangers, not to its contacts', async () => {
    const w = server.world;
    w.users.get(EXAMPLE)!.peer_flood = true;
    try {
      expect((await failure(send(me, inputUser(server, EVE), 'spam?'))).errorMessage).toBe('PEER_FLOOD');
      await send(me, inputUser(server, ALICE), 'a contact is fine');
    } finally {
      delete w.users.get(EXAMPLE)!.peer_flood;
    }
  });

  it('passes FLOOD_WAIT_X injected by the faults, then sends again', async () => {
    server.faults.failMethod('messages.sendMessage', { code: 420, message: 'FLOOD_WAIT_9' });
    const e = await failure(send(me, inputUser(server, ALICE), 'too fast'));
    expect(e.errorMessage).toBe('FLOOD_WAIT_9');
    expect(e.seconds).toBe(9);
    expect(await send(me, inputUser(server, ALICE), 'after the wait')).toBeInstanceOf(Api.UpdateShortSentMessage);
  });

  it('refuses the user-account methods to a bot', async () => {
    const { connectBot } = await import('./helpers.js');
    const bot = cleanup.client(await connectBot(server));
    expect((await failure(history(bot, inputUser(server, ALICE)))).errorMessage).toBe('BOT_METHOD_INVALID');
  });
});
