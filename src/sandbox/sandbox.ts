// The offline Telegram as one thing: a world, its MTProto data centre and its Bot API server, all
// on 127.0.0.1 with ports chosen at start. `tgsh --sandbox` runs it in-process; `tgsh sandbox
// serve` runs it for other processes (and tests of the built binary).

import { startMtprotoServer, type MtprotoServer } from './mtproto/index.js';
import { startBotApiServer, type BotApiServer } from './botapi/index.js';
import { World, defaultWorldData, loadWorldFile, SANDBOX_BOT_TOKEN } from './world/index.js';

import { SANDBOX_BANNER } from './banner.js';
import { checkWorldFile } from './world-file.js';
import { TgshError, ErrorCode } from '../core/errors.js';

export { SANDBOX_BANNER };

export interface SandboxOptions {
  /** A world to serve; else the one in worldFile; else the built-in world. */
  world?: World;
  worldFile?: string;
  host?: string;
  dcPort?: number;
  botApiPort?: number;
  /** The bot tgsh is handed (by token); the world's first bot by default. */
  botToken?: string;
  rsaPrivateKeyPem?: string;
}

/** How a client reaches this sandbox: what `tgsh sandbox serve` prints, in its JSON keys. */
export interface SandboxConnection {
  dc: string;
  rsa_key_pem: string;
  bot_api_root: string;
  bot_token: string;
  api_id: number;
  api_hash: string;
}

export interface Sandbox {
  world: World;
  mtproto: MtprotoServer;
  botapi: BotApiServer;
  connection: SandboxConnection;
  close(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const world = opts.world ?? (opts.worldFile ? worldOfFile(opts.worldFile) : new World(defaultWorldData()));
  const host = opts.host ?? '127.0.0.1';
  const token = opts.botToken ?? (world.botByToken(SANDBOX_BOT_TOKEN) ? SANDBOX_BOT_TOKEN : [...world.bots.values()][0]?.token);
  if (!token) throw new Error('the world has no bot: add one under "bots" to use it as a sandbox');
  const mtproto = await startMtprotoServer({ world, host, port: opts.dcPort ?? 0, rsaPrivateKeyPem: opts.rsaPrivateKeyPem });
  let botapi: BotApiServer;
  try {
    botapi = await startBotApiServer({ world, host, port: opts.botApiPort ?? 0 });
  } catch (e) {
    await mtproto.close();
    throw e;
  }
  return {
    world,
    mtproto,
    botapi,
    connection: {
      dc: `${host}:${mtproto.port}`,
      rsa_key_pem: mtproto.rsaPublicKeyPem,
      bot_api_root: botapi.apiRoot,
      bot_token: token,
      api_id: world.apiId,
      api_hash: world.apiHash,
    },
    async close() {
      await Promise.allSettled([mtproto.close(), botapi.close()]);
    },
  };
}

/**
 * The world in a file. tgsh checks the file at start (a bad one is a usage error then); should it
 * have changed since, the failure still names the file and the field, as a bad argument.
 */
function worldOfFile(path: string): World {
  const check = checkWorldFile(path);
  if (!check.ok) throw new TgshError(ErrorCode.BAD_ARGUMENT, check.line);
  return loadWorldFile(path);
}
