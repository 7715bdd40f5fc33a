import { afterEach, describe, expect, it } from 'vitest';
import { ALICE, BOOK_CLUB, EXAMPLE, refused, sandbox, type Sandbox } from './helpers.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

// The limits run on the world's clock: tests move it instead of sleeping.
describe('429 Too Many Requests', () => {
  it('one private chat: a burst of 3, then 1 per second', async () => {
    sb = await sandbox({ limits: { bot_limits_enabled: true } });
    const { api, world } = sb;
    world.freezeClock();
    for (let i = 0; i < 3; i++) await api.sendMessage(ALICE, `burst ${i}`);
    const e = await refused(api.sendMessage(ALICE, 'too fast'), 429, 'Too Many Requests: retry after 1');
    expect(e.parameters.retry_after).toBe(1);
    expect(sb.server.stats.tooManyRequests).toBe(1);
    expect(world.received(ALICE).length).toBe(3); // the refused one was not delivered
    await api.sendMessage(EXAMPLE, 'another chat is fine');
    world.advanceClock(1000);
    await api.sendMessage(ALICE, 'after waiting');
    await refused(api.sendMessage(ALICE, 'again too fast'), 429, 'Too Many Requests: retry after 1');
  });

  it('one group: 20 per minute, retry_after counts to the end of the minute', async () => {
    sb = await sandbox({ limits: { bot_limits_enabled: true } });
    const { api, world } = sb;
    world.freezeClock();
    for (let i = 0; i < 20; i++) {
      await api.sendMessage(BOOK_CLUB, `m${i}`);
      world.advanceClock(1000); // stay under the global and burst limits
    }
    const e = await refused(api.sendMessage(BOOK_CLUB, 'm20'), 429, 'Too Many Requests: retry after 40');
    expect(e.parameters).toEqual({ retry_after: 40 });
    world.advanceClock(40_000);
    expect((await api.sendMessage(BOOK_CLUB, 'm20')).text).toBe('m20');
  });

  it('overall: about 30 per second across chats', async () => {
    sb = await sandbox({ limits: { bot_limits_enabled: true, bot_global_per_second: 5 } });
    const { api, world } = sb;
    world.freezeClock();
    const users = world.driver.addUsers(10, { startBot: 7000000001 });
    for (let i = 0; i < 5; i++) await api.sendMessage(users[i].id, 'hi');
    const e = await refused(api.sendMessage(users[5].id, 'hi'), 429, 'Too Many Requests: retry after 1');
    expect(e.parameters.retry_after).toBe(1);
    world.advanceClock(1000);
    await api.sendMessage(users[5].id, 'hi');
  });

  it('bot_window_scale shrinks the windows; retry_after stays at least 1 second', async () => {
    sb = await sandbox({ limits: { bot_limits_enabled: true, bot_window_scale: 0.01, bot_group_per_minute: 2 } });
    const { api, world } = sb;
    world.freezeClock();
    await api.sendMessage(BOOK_CLUB, 'a');
    await api.sendMessage(BOOK_CLUB, 'b');
    await refused(api.sendMessage(BOOK_CLUB, 'c'), 429, 'Too Many Requests: retry after 1');
    world.advanceClock(600); // 60 s × 0.01
    await api.sendMessage(BOOK_CLUB, 'c');
  });

  it('bot_limits_enabled: false turns every limit off', async () => {
    sb = await sandbox({ limits: { bot_limits_enabled: false } });
    const sent = await Promise.all(Array.from({ length: 100 }, (_, i) => sb!.api.sendMessage(ALICE, `n${i}`)));
    expect(sent.length).toBe(100);
    expect(sb.server.stats.tooManyRequests).toBe(0);
  });
});
