// Many key exchanges in a row, driven by GramJS's own Authenticator (doAuthentication) over its
// plain sender on one TCP connection: the cheapest way to run the real client side many times.

import { expect } from 'vitest';
import { doAuthentication } from 'telegram/network/Authenticator.js';
import { MTProtoPlainSender } from 'telegram/network/MTProtoPlainSender.js';
import { ConnectionTCPFull } from 'telegram/network/connection/index.js';
import { PromisedNetSockets } from 'telegram/extensions/index.js';
import { Logger, LogLevel } from 'telegram/extensions/Logger.js';
import { trustServerKey } from '../../../src/telegram/mtproto/index.js';
import { startTestServer } from './helpers.js';

export async function runKeyExchanges(count: number): Promise<{ short: number }> {
  // The default 24-bit pq factors: GramJS factorises them in ~12 ms (31 bits: ~200 ms) and, unlike
  // 16- or 20-bit ones, without its occasional wrong answer (p = 1) that makes the server hang up.
  const server = await startTestServer({ debug: (l) => process.stderr.write(`[dc] ${l}\n`) });
  trustServerKey(server.rsaPublicKeyPem);
  const log = new Logger(LogLevel.NONE);
  const conn = new ConnectionTCPFull({ ip: server.host, port: server.port, dcId: 2, loggers: log, socket: PromisedNetSockets, testServers: false } as any);
  let short = 0;
  try {
    await conn.connect();
    const sender = new MTProtoPlainSender(conn, log);
    for (let i = 0; i < count; i++) {
      const { authKey } = await doAuthentication(sender, log);
      const key = authKey.getKey()!;
      if (key.length < 256) short++;
      expect(server.knowsAuthKey(Buffer.from(key)), `exchange ${i}`).toBe(true);
    }
    expect(server.stats.keyExchanges).toBe(count);
    expect(server.stats.connectionsAccepted).toBe(1);
  } finally {
    await conn.disconnect();
    await server.close();
  }
  return { short };
}
