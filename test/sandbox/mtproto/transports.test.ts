// Every TCP transport, with the unmodified GramJS client (tgsh's connection classes add
// intermediate and padded intermediate, plain and obfuscated, which GramJS lacks).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MtprotoServer } from '../../../src/sandbox/mtproto/index.js';
import { invokeWithTimeout, MTPROTO_TRANSPORTS, saveSession } from '../../../src/telegram/mtproto/index.js';
import { Api, Cleanup, connect, connectBot, long, resolve, startTestServer } from './helpers.js';

const cleanup = new Cleanup();
let server: MtprotoServer;

beforeAll(async () => {
  server = cleanup.server(await startTestServer());
});
afterAll(() => cleanup.run());

const expected: Record<string, string> = {
  full: 'full',
  intermediate: 'intermediate',
  padded: 'padded',
  abridged: 'abridged',
  obfuscated: 'obfuscated-abridged',
  'obfuscated-intermediate': 'obfuscated-intermediate',
  'obfuscated-padded': 'obfuscated-padded',
};

describe('MTProto data centre: transports', () => {
  for (const transport of MTPROTO_TRANSPORTS) {
    it(`works over ${transport}: key exchange, bot login, resolve, a large gzip'd answer, a saved session`, async () => {
      const name = expected[transport]!;
      const before = server.stats.transports[name] ?? 0;
      const bot = cleanup.client(await connectBot(server, { transport }));
      expect(server.stats.transports[name]).toBe(before + 1);
      const r = await resolve(bot, 'example_user');
      expect((r.users[0] as Api.User).accessHash!.toString()).toBe('596679014459359234');
      const ids = Array.from({ length: 400 }, () => new Api.InputUser({ userId: long(6123456789), accessHash: long('-9223372036854775807') }));
      const users = (await invokeWithTimeout(bot, new Api.users.GetUsers({ id: ids }))) as Api.User[];
      expect(users).toHaveLength(400);
      const again = cleanup.client(await connect(server, { transport, session: saveSession(bot) }));
      expect((await resolve(again, 'tgsh_news')).chats).toHaveLength(1);
    });
  }
});

describe("MTProto data centre: GramJS's own connection classes", () => {
  it('serves stock ConnectionTCPFull, ConnectionTCPAbridged and ConnectionTCPObfuscated (only host:port forced)', async () => {
    const { TelegramClient } = await import('telegram');
    const { ConnectionTCPAbridged, ConnectionTCPFull, ConnectionTCPObfuscated } = await import('telegram/network/connection/index.js');
    const { StringSession } = await import('telegram/sessions/index.js');
    const { Logger, LogLevel } = await import('telegram/extensions/Logger.js');
    const { trustServerKey } = await import('../../../src/telegram/mtproto/index.js');
    const { SANDBOX_API_HASH, SANDBOX_API_ID, SANDBOX_BOT_TOKEN } = await import('./helpers.js');
    trustServerKey(server.rsaPublicKeyPem);
    for (const Base of [ConnectionTCPFull, ConnectionTCPAbridged, ConnectionTCPObfuscated] as any[]) {
      const host = server.host;
      const port = server.port;
      class Forced extends Base {
        constructor(p: any) {
          super({ ...p, ip: host, port });
        }
      }
      const session = new StringSession('');
      session.setDC(2, host, 443);
      const client = new TelegramClient(session, SANDBOX_API_ID, SANDBOX_API_HASH, { connection: Forced as any, baseLogger: new Logger(LogLevel.NONE), connectionRetries: 1 });
      try {
        await client.connect();
        await client.invoke(new Api.auth.ImportBotAuthorization({ flags: 0, apiId: SANDBOX_API_ID, apiHash: SANDBOX_API_HASH, botAuthToken: SANDBOX_BOT_TOKEN }));
        const r = await client.invoke(new Api.contacts.ResolveUsername({ username: 'example_user' }));
        expect((r.users[0] as Api.User).accessHash!.toString()).toBe('596679014459359234');
      } finally {
        await client.destroy();
      }
    }
  });
});
