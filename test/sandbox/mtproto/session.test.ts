// Saved sessions, reconnects, dropped connections and forgotten auth keys, through GramJS.

import { afterEach, describe, expect, it } from 'vitest';
import { MtprotoAuthKeyUnknownError, MtprotoRpcError, saveSession } from '../../../src/telegram/mtproto/index.js';
import { Cleanup, connect, connectBot, resolve, startTestServer, testWorld } from './helpers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('MTProto data centre: sessions', () => {
  it('reconnects with a saved session without a new key exchange, on a port above 32767', async () => {
    const server = cleanup.server(await startTestServer());
    expect(server.port).toBeGreaterThan(32767); // Linux ephemeral ports: the StringSession trap
    const first = cleanup.client(await connectBot(server));
    const saved = saveSession(first);
    expect(saved).toMatch(/^1/);
    expect(server.stats.keyExchanges).toBe(1);

    const second = cleanup.client(await connect(server, { session: saved }));
    expect(server.stats.keyExchanges).toBe(1);
    expect(server.stats.connectionsAccepted).toBe(2);
    // The login belongs to the auth key: the second client is logged in as the bot already.
    const r = await resolve(second, 'example_user');
    expect((r.users[0] as { accessHash: { toString(): string } }).accessHash.toString()).toBe('596679014459359234');
    expect(saveSession(second)).toBe(saved);
  });

  it('keeps working after the server drops every connection', async () => {
    const server = cleanup.server(await startTestServer());
    const bot = cleanup.client(await connectBot(server, { retryDelayMs: 100 }));
    await resolve(bot, 'example_user');
    server.faults.dropAllConnections();
    expect(server.stats.openConnections).toBe(0);
    // GramJS notices, reconnects (about 1 s later) and sends the request again.
    const r = await resolve(bot, 'tgsh_news', 8000);
    expect(r.chats).toHaveLength(1);
    expect(server.stats.keyExchanges).toBe(1);
    expect(server.stats.connectionsAccepted).toBe(2);
  });

  it('fails connect() fast with a typed error when the server forgot the auth key (-404)', async () => {
    const server = cleanup.server(await startTestServer());
    const bot = cleanup.client(await connectBot(server));
    const saved = saveSession(bot);
    server.forgetAuthKeys();
    const t0 = Date.now();
    await expect(connect(server, { session: saved, timeoutMs: 8000 })).rejects.toBeInstanceOf(MtprotoAuthKeyUnknownError);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('fails the same way against a new server (restart) holding none of the old keys', async () => {
    const old = await startTestServer();
    const bot = await connectBot(old);
    const saved = saveSession(bot);
    await cleanup.client(bot);
    await cleanup.run();
    const fresh = cleanup.server(await startTestServer({ world: testWorld() }));
    // The session holds only the auth key; the endpoint (the new port) comes from the caller.
    await expect(connect(fresh, { session: saved })).rejects.toBeInstanceOf(MtprotoAuthKeyUnknownError);
  });

  it('forgets the login on auth.logOut: then AUTH_KEY_UNREGISTERED', async () => {
    const server = cleanup.server(await startTestServer());
    const bot = cleanup.client(await connectBot(server));
    await resolve(bot, 'example_user');
    const { Api, invokeWithTimeout } = await import('../../../src/telegram/mtproto/index.js');
    const out = await invokeWithTimeout(bot, new Api.auth.LogOut());
    expect(out).toBeInstanceOf(Api.auth.LoggedOut);
    const e = await resolve(bot, 'example_user').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MtprotoRpcError);
    expect((e as MtprotoRpcError).code).toBe(401);
    expect((e as MtprotoRpcError).errorMessage).toBe('AUTH_KEY_UNREGISTERED');
  });
});
