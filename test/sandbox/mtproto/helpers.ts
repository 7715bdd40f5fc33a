// Shared set-up for the MTProto data centre tests: a world, a server, GramJS clients through
// tgsh's factory.

import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'vitest';
import { returnBigInt } from 'telegram/Helpers.js';
import { World } from '../../../src/sandbox/world/world.js';
import { defaultWorldData, SANDBOX_API_HASH, SANDBOX_API_ID, SANDBOX_BOT_TOKEN } from '../../../src/sandbox/world/default-world.js';
import type { WorldLimits } from '../../../src/sandbox/world/types.js';
import { startMtprotoServer, type MtprotoServer, type MtprotoServerOptions } from '../../../src/sandbox/mtproto/index.js';
import {
  Api,
  createMtprotoClient,
  destroyClient,
  invokeWithTimeout,
  MtprotoRpcError,
  type CreateMtprotoClientOptions,
  type MtprotoClient,
} from '../../../src/telegram/mtproto/index.js';

let sharedKeyPem: string | undefined;

/** One RSA key per test file (generating one costs ~100 ms). */
export function testRsaKeyPem(): string {
  sharedKeyPem ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  return sharedKeyPem;
}

export function testWorld(limits: Partial<WorldLimits> = {}): World {
  const data = defaultWorldData();
  data.limits = { ...data.limits, ...limits };
  return new World(data);
}

export async function startTestServer(options: Partial<MtprotoServerOptions> & { limits?: Partial<WorldLimits> } = {}): Promise<MtprotoServer> {
  const { limits, ...rest } = options;
  return startMtprotoServer({ world: rest.world ?? testWorld(limits), rsaPrivateKeyPem: testRsaKeyPem(), ...rest });
}

export async function connect(server: MtprotoServer, options: Partial<CreateMtprotoClientOptions> = {}): Promise<MtprotoClient> {
  return createMtprotoClient({
    endpoint: { host: server.host, port: server.port, rsaPublicKeyPem: server.rsaPublicKeyPem },
    apiId: SANDBOX_API_ID,
    apiHash: SANDBOX_API_HASH,
    timeoutMs: 5000,
    ...options,
  });
}

export async function loginBot(client: MtprotoClient, token = SANDBOX_BOT_TOKEN): Promise<Api.auth.Authorization> {
  return (await invokeWithTimeout(
    client,
    new Api.auth.ImportBotAuthorization({ flags: 0, apiId: SANDBOX_API_ID, apiHash: SANDBOX_API_HASH, botAuthToken: token }),
  )) as Api.auth.Authorization;
}

export async function connectBot(server: MtprotoServer, options: Partial<CreateMtprotoClientOptions> = {}): Promise<MtprotoClient> {
  const client = await connect(server, options);
  await loginBot(client);
  return client;
}

export function resolve(client: MtprotoClient, username: string, timeoutMs?: number): Promise<Api.contacts.ResolvedPeer> {
  return invokeWithTimeout(client, new Api.contacts.ResolveUsername({ username }), timeoutMs);
}

/** Closes clients then the server, whatever happened. */
export class Cleanup {
  private readonly clients: MtprotoClient[] = [];
  private readonly servers: MtprotoServer[] = [];

  client<T extends MtprotoClient>(c: T): T {
    this.clients.push(c);
    return c;
  }

  server<T extends MtprotoServer>(s: T): T {
    this.servers.push(s);
    return s;
  }

  async run(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => destroyClient(c)));
    await Promise.all(this.servers.splice(0).map((s) => s.close()));
  }
}

/** A GramJS long (big-integer) from a number or decimal string. */
export function long(x: number | string | bigint) {
  return returnBigInt(String(x));
}

export { Api, SANDBOX_API_HASH, SANDBOX_API_ID, SANDBOX_BOT_TOKEN };

/** The MtprotoRpcError a call fails with (the test fails when it succeeds or fails otherwise). */
export async function failure(p: Promise<unknown>): Promise<MtprotoRpcError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(MtprotoRpcError);
  return e as MtprotoRpcError;
}
