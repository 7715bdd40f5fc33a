// Updates of a user account: pushed to its connected sessions (from another user over MTProto,
// from the driver, from a bot over the Bot API), consistent with updates.getDifference, and
// recovered by getDifference after a dropped connection, each missed message exactly once.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiServer, type BotApiServer } from '../../../src/sandbox/botapi/index.js';
import type { MtprotoServer } from '../../../src/sandbox/mtproto/index.js';
import { invokeWithTimeout, type MtprotoClient } from '../../../src/telegram/mtproto/index.js';
import { accountWorld, ALICE, bigId, CAROL, EXAMPLE, inputUser, loginAs, send, UpdateCatcher } from './account-helpers.js';
import { Api, Cleanup, resolve, SANDBOX_BOT_TOKEN, startTestServer } from './helpers.js';

const BOT = 7000000001;
const cleanup = new Cleanup();
let server: MtprotoServer;
let botapi: BotApiServer;
let me: MtprotoClient;
let carol: MtprotoClient;
let carolUpdates: UpdateCatcher;

beforeAll(async () => {
  server = cleanup.server(await startTestServer({ world: accountWorld() }));
  botapi = await startBotApiServer({ world: server.world });
  me = cleanup.client(await loginAs(server, EXAMPLE));
  carol = cleanup.client(await loginAs(server, CAROL, { connectionRetries: 1000, retryDelayMs: 20 }));
  carolUpdates = new UpdateCatcher(carol);
});
afterAll(async () => {
  await botapi.close();
  await cleanup.run();
});

const state = (c: MtprotoClient) => invokeWithTimeout(c, new Api.updates.GetState()) as Promise<Api.updates.State>;
const difference = (c: MtprotoClient, pts: number) =>
  invokeWithTimeout(c, new Api.updates.GetDifference({ pts, date: 0, qts: 0 })) as Promise<Api.updates.TypeDifference>;
const isShort = (text: string) => (u: unknown) => u instanceof Api.UpdateShortMessage && u.message === text;

describe('MTProto data centre: updates of a user account', () => {
  it('pushes updateShortMessage to the recipient, with the pts getDifference agrees with', async () => {
    const before = await state(carol);
    await send(me, inputUser(server, CAROL), 'ping Carol');
    const u = await carolUpdates.next<Api.UpdateShortMessage>(isShort('ping Carol'));
    expect(u.out).toBe(false);
    expect(bigId(u.userId)).toBe(BigInt(EXAMPLE));
    expect([u.pts, u.ptsCount]).toEqual([before.pts + 1, 1]);
    const d = (await difference(carol, before.pts)) as Api.updates.Difference;
    expect(d).toBeInstanceOf(Api.updates.Difference);
    expect(d.newMessages.map((m) => [m.id, (m as Api.Message).message])).toEqual([[u.id, 'ping Carol']]);
    expect(d.state.pts).toBe(u.pts);
    expect(await difference(carol, u.pts)).toBeInstanceOf(Api.updates.DifferenceEmpty);
  });

  it('pushes what the driver makes another user say (sandbox say), and `sandbox inbox` shows what the user sent', async () => {
    const got = server.world.driver.sendToUser('@alice_started', CAROL, 'hello from the driver');
    const u = await carolUpdates.next<Api.UpdateShortMessage>(isShort('hello from the driver'));
    expect(bigId(u.userId)).toBe(BigInt(ALICE));
    expect(u.id).toBe(got.id);
    expect(() => server.world.driver.sendToUser('@alice_started', '@hidden_person', 'x')).not.toThrow();
    server.world.users.get(CAROL)!.blocked = [ALICE];
    try {
      expect(() => server.world.driver.sendToUser('@alice_started', CAROL, 'again')).toThrow(/USER_IS_BLOCKED/);
    } finally {
      delete server.world.users.get(CAROL)!.blocked;
    }
    const inbox = server.world.driver.userInbox('@carol_never', EXAMPLE);
    expect(inbox.map((m) => m.text)).toContain('ping Carol');
    expect(inbox.every((m) => m.out && m.owner === EXAMPLE)).toBe(true);
  });

  it('pushes to the sender’s other sessions, not to the one that sent', async () => {
    const second = cleanup.client(await loginAs(server, EXAMPLE));
    const mine = new UpdateCatcher(me);
    const others = new UpdateCatcher(second);
    await send(me, inputUser(server, CAROL), 'from my laptop');
    const u = await others.next<Api.UpdateShortMessage>(isShort('from my laptop'));
    expect(u.out).toBe(true);
    // The marker below reaches `me` after the message would have: it got no copy of its own send.
    await send(second, inputUser(server, CAROL), 'marker');
    await mine.next(isShort('marker'));
    expect(mine.seen.some(isShort('from my laptop'))).toBe(false);
  });

  it('connects the Bot API and user accounts both ways', async () => {
    // A bot's Bot API message reaches the user's MTProto session.
    const mine = new UpdateCatcher(me);
    const res = await fetch(`${botapi.apiRoot}/bot${SANDBOX_BOT_TOKEN}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: EXAMPLE, text: 'hello from the bot' }),
    });
    expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
    const u = await mine.next<Api.UpdateShortMessage>(isShort('hello from the bot'));
    expect(bigId(u.userId)).toBe(BigInt(BOT));
    // A user account writing to the bot: the bot's getUpdates has it.
    const bot = (await resolve(me, 'tgsh_sandbox_bot')).users[0] as Api.User;
    await send(me, new Api.InputPeerUser({ userId: bot.id, accessHash: bot.accessHash! }), 'hello bot');
    const updates = server.world.updates(BOT).all();
    expect(updates.some((x) => x.message?.text === 'hello bot' && x.message.from?.id === EXAMPLE)).toBe(true);
  });

  it('recovers every message missed while the connection was down, each exactly once', async () => {
    const before = await state(carol);
    server.faults.refuseConnections(true);
    try {
      expect(server.faults.dropConnectionsOf(CAROL)).toBeGreaterThan(0);
      // Carol is offline while these arrive: one from the driver, three over MTProto.
      server.world.driver.sendToUser('@alice_started', CAROL, 'missed 1');
      for (const text of ['missed 2', 'missed 3', 'missed 4']) await send(me, inputUser(server, CAROL), text);
    } finally {
      server.faults.refuseConnections(false);
    }
    // GramJS reconnects by itself; the call waits for it.
    const d = (await invokeWithTimeout(carol, new Api.updates.GetDifference({ pts: before.pts, date: 0, qts: 0 }), 20_000)) as Api.updates.Difference;
    expect(d).toBeInstanceOf(Api.updates.Difference);
    expect(d.newMessages.map((m) => (m as Api.Message).message)).toEqual(['missed 1', 'missed 2', 'missed 3', 'missed 4']);
    expect(new Set(d.newMessages.map((m) => m.id)).size).toBe(4);
    expect(d.state.pts).toBe(before.pts + 4);
    expect(d.users.map((x) => bigId(x.id))).toEqual(expect.arrayContaining([BigInt(ALICE), BigInt(EXAMPLE)]));
    expect(await difference(carol, d.state.pts)).toBeInstanceOf(Api.updates.DifferenceEmpty);
    // A later message is pushed again on the new connection.
    await send(me, inputUser(server, CAROL), 'back online');
    expect((await carolUpdates.next<Api.UpdateShortMessage>(isShort('back online'))).pts).toBe(before.pts + 5);
  });

  it('replays edits, deletions and reads in other_updates; differenceTooLong past pts_total_limit', async () => {
    const before = await state(carol);
    const sent = (await send(me, inputUser(server, CAROL), 'to be edited')) as Api.UpdateShortSentMessage;
    await invokeWithTimeout(me, new Api.messages.EditMessage({ peer: inputUser(server, CAROL), id: sent.id, message: 'edited' }));
    const gone = (await send(me, inputUser(server, CAROL), 'to be revoked')) as Api.UpdateShortSentMessage;
    await invokeWithTimeout(me, new Api.messages.DeleteMessages({ id: [gone.id], revoke: true }));
    const d = (await difference(carol, before.pts)) as Api.updates.Difference;
    // The edited message comes once, as it is now; the revoked one not at all, its deletion does.
    expect(d.newMessages.map((m) => (m as Api.Message).message)).toEqual(['edited']);
    expect(d.otherUpdates.map((u) => u.className)).toEqual(['UpdateDeleteMessages']);
    expect(d.state.pts).toBe(before.pts + 4);
    const tooLong = await invokeWithTimeout(carol, new Api.updates.GetDifference({ pts: before.pts, ptsTotalLimit: 2, date: 0, qts: 0 }));
    expect(tooLong).toBeInstanceOf(Api.updates.DifferenceTooLong);
    expect((tooLong as Api.updates.DifferenceTooLong).pts).toBe(before.pts + 4);
    // From the middle: the edit of a message it already has is an update of its own.
    const mid = (await difference(carol, before.pts + 1)) as Api.updates.Difference;
    expect(mid.otherUpdates.map((u) => u.className)).toEqual(['UpdateEditMessage', 'UpdateDeleteMessages']);
  });
});
