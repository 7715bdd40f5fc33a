// Run by scripts/bundle-gramjs.js in a process of its own: makes dist/bundle/gramjs.cjs.cache,
// V8's code cache of gramjs.cjs, holding compiled every function that a new tgsh process runs
// there: every module's code, and, when the build could start tgsh's sandbox (TGSH_TRAIN), what a
// saved user session runs to connect, resolve a username, read 100 messages of history (a
// gzip_packed answer) and close. A process of its own, because V8
// drops compiled code that has not run for a while from a busy process (the build's).
//
//   node scripts/gramjs-cache.js FILE [NAME]     NAME: the path FILE will be run from (default FILE),
//                                               which V8 keeps with the cache (stack traces show it)
//   TGSH_TRAIN='{"host","port","apiId","apiHash","session","username"}' (optional)
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { Script } from 'node:vm';
import { GRAMJS_WRAPPER } from './gramjs-loader.js';

const file = resolve(process.argv[2]);
const name = resolve(process.argv[3] ?? file);
// The same wrapper, file name and source text as the loader's (it reads the file as latin1).
const script = new Script(GRAMJS_WRAPPER[0] + readFileSync(file, 'latin1') + GRAMJS_WRAPPER[1], { filename: name });
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(name), module, name, dirname(name));
const modules = module.exports;
// 'telegram' first: GramJS's modules require each other in cycles that only its index enters right.
for (const name of ['telegram', ...Object.keys(modules)]) void modules[name];

const train = process.env.TGSH_TRAIN ? JSON.parse(process.env.TGSH_TRAIN) : undefined;
if (train) {
  const { TelegramClient, Api } = modules.telegram;
  const { ConnectionTCPFull } = modules['telegram/network/connection/index.js'];
  const { StringSession } = modules['telegram/sessions/index.js'];
  const { Logger, LogLevel } = modules['telegram/extensions/Logger.js'];
  // As tgsh's client (src/telegram/mtproto/client.ts) connects: a connection forced to host:port.
  class Connection extends ConnectionTCPFull {
    constructor(params) {
      super({ ...params, ip: train.host, port: train.port });
    }
    async _connect() {
      await super._connect();
      this.socket?.client?.setNoDelay?.(true);
    }
  }
  const session = new StringSession(train.session);
  session.setDC(session.dcId || 2, train.host, 443);
  const client = new TelegramClient(session, train.apiId, train.apiHash, {
    connection: Connection,
    baseLogger: new Logger(LogLevel.NONE),
    connectionRetries: 2,
    reconnectRetries: 2,
    retryDelay: 300,
    floodSleepThreshold: 0,
    autoReconnect: true,
    useWSS: false,
    deviceModel: 'tgsh',
    systemVersion: process.platform,
    appVersion: '0.1.0',
    langCode: 'en',
    systemLangCode: 'en',
  });
  const timer = setTimeout(() => {
    process.stderr.write('gramjs-cache: the sandbox did not answer within 10 s\n');
    process.exit(1);
  }, 10_000);
  try {
    await client.connect();
    const r = await client.invoke(new Api.contacts.ResolveUsername({ username: train.username }));
    if (!r.users?.length) throw new Error(`@${train.username} did not resolve`);
    const peer = new Api.InputPeerUser({ userId: r.users[0].id, accessHash: r.users[0].accessHash });
    const h = await client.invoke(new Api.messages.GetHistory({ peer, offsetId: 0, offsetDate: 0, addOffset: 0, limit: 100, maxId: 0, minId: 0, hash: modules['telegram/Helpers.js'].returnBigInt(0) }));
    if (!h.messages?.length) throw new Error(`no history with @${train.username}`);
  } finally {
    await client.destroy();
    clearTimeout(timer);
  }
}
writeFileSync(`${file}.cache`, script.createCachedData());
process.exit(0);
