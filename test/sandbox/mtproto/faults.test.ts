// The resolve budget (FLOOD_WAIT_X), unimplemented methods, and the fault injection API.

import { afterEach, describe, expect, it } from 'vitest';
import { invokeWithTimeout, MtprotoRpcError, MtprotoTimeoutError } from '../../../src/telegram/mtproto/index.js';
import { Api, Cleanup, connectBot, failure, long, resolve, startTestServer } from './helpers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('MTProto data centre: limits and faults', () => {
  it('answers FLOOD_WAIT_X once the per-auth-key resolve budget is spent, until X seconds pass', async () => {
    const server = cleanup.server(await startTestServer({ limits: { resolve_budget: 3, resolve_window_seconds: 60, resolve_flood_wait_seconds: 7 } }));
    const bot = cleanup.client(await connectBot(server));
    for (const name of ['example_user', 'tgsh_news', 'nobody_at_all']) await resolve(bot, name).catch(() => undefined);
    const e = await failure(resolve(bot, 'example_user'));
    expect(e.code).toBe(420);
    expect(e.errorMessage).toBe('FLOOD_WAIT_7');
    expect(e.seconds).toBe(7);
    expect(e.isFloodWait).toBe(true);
    // Still waiting: the remaining seconds.
    server.world.advanceClock(3000);
    expect((await failure(resolve(bot, 'example_user'))).seconds).toBe(4);
    // Another auth key has its own budget.
    const other = cleanup.client(await connectBot(server));
    expect((await resolve(other, 'example_user')).users).toHaveLength(1);
    // After the wait, the budget starts again.
    server.world.advanceClock(4000);
    expect((await resolve(bot, 'example_user')).users).toHaveLength(1);
  });

  it('answers a method it does not implement with an error at once', async () => {
    const server = cleanup.server(await startTestServer());
    const bot = cleanup.client(await connectBot(server));
    const t0 = Date.now();
    const e = await failure(invokeWithTimeout(bot, new Api.messages.GetAllStickers({ hash: long(0) }), 3000));
    expect(e.code).toBe(400);
    expect(e.errorMessage).toBe('METHOD_NOT_IMPLEMENTED_IN_SANDBOX');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(server.stats.requestsFor('messages.getAllStickers')).toBe(1);
  });

  it('never answers a method when asked: invokeWithTimeout rejects with MtprotoTimeoutError', async () => {
    const server = cleanup.server(await startTestServer());
    const bot = cleanup.client(await connectBot(server));
    server.faults.neverAnswer('contacts.resolveUsername');
    const t0 = Date.now();
    const e = await resolve(bot, 'example_user', 400).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MtprotoTimeoutError);
    expect((e as MtprotoTimeoutError).timeoutMs).toBe(400);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(390);
    server.faults.clear();
    expect((await resolve(bot, 'example_user')).users).toHaveLength(1);
  });

  it('injects one-shot, repeated and conditional RPC errors', async () => {
    const server = cleanup.server(await startTestServer());
    const bot = cleanup.client(await connectBot(server));
    server.faults.failMethod('contacts.resolveUsername', { code: 420, message: 'FLOOD_WAIT_66230' });
    const flood = await failure(resolve(bot, 'example_user'));
    expect(flood.errorMessage).toBe('FLOOD_WAIT_66230');
    expect(flood.seconds).toBe(66230);
    expect((await resolve(bot, 'example_user')).users).toHaveLength(1); // one-shot

    server.faults.failMethod('contacts.ResolveUsername', { code: 400, message: 'USERNAME_NOT_OCCUPIED' }, { times: Infinity, when: (r) => r.username === 'tgsh_news' });
    for (let i = 0; i < 3; i++) expect((await failure(resolve(bot, 'tgsh_news'))).errorMessage).toBe('USERNAME_NOT_OCCUPIED');
    expect((await resolve(bot, 'tgsh_chat')).chats).toHaveLength(1);
    server.faults.clear();
    expect((await resolve(bot, 'tgsh_news')).chats).toHaveLength(1);
  });

  it('delays every answer', async () => {
    const server = cleanup.server(await startTestServer());
    const bot = cleanup.client(await connectBot(server));
    server.faults.delayAnswers(300);
    const t0 = Date.now();
    await resolve(bot, 'example_user');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect((await failure(resolve(bot, 'nobody_at_all'))).errorMessage).toBe('USERNAME_NOT_OCCUPIED');
    server.faults.delayAnswers(0);
    const t1 = Date.now();
    await resolve(bot, 'example_user');
    expect(Date.now() - t1).toBeLessThan(250);
  });
});
