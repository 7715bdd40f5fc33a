// Set-up for the user-account tests: a world where several users can log in by code, GramJS
// clients logged in as them, raw updates caught from a client, and small TL shorthands.

import { Raw } from 'telegram/events/index.js';
import { World } from '../../../src/sandbox/world/world.js';
import { defaultWorldData } from '../../../src/sandbox/world/default-world.js';
import type { MtprotoServer } from '../../../src/sandbox/mtproto/index.js';
import { invokeWithTimeout, type CreateMtprotoClientOptions, type MtprotoClient } from '../../../src/telegram/mtproto/index.js';
import { Api, connect, long, SANDBOX_API_HASH, SANDBOX_API_ID } from './helpers.js';

export const EXAMPLE = 191322468;
export const ALICE = 200000001;
export const BOB = 200000002;
export const CAROL = 200000003;
export const DORA = 6123456789;
export const EVE = 200000005;
/** A basic group example_user is not in. */
export const CLOSED_GROUP = 9901;

/** The default world, with Carol and Dora able to log in (no 2FA) and one closed group. */
export function accountWorld(): World {
  const data = defaultWorldData();
  const carol = data.users.find((u) => u.id === CAROL)!;
  carol.phone = '15550003333';
  carol.login_code = '33333';
  const dora = data.users.find((u) => u.id === DORA)!;
  dora.phone = '15550004444';
  dora.login_code = '44444';
  data.chats.push({ id: CLOSED_GROUP, title: 'Closed Circle', members: [ALICE, CAROL], creator: ALICE });
  return new World(data);
}

const PHONES: Record<number, [string, string]> = {
  [EXAMPLE]: ['15550001111', '12345'],
  [CAROL]: ['15550003333', '33333'],
  [DORA]: ['15550004444', '44444'],
};

/** A GramJS client logged in (by code) as one of the users above. */
export async function loginAs(server: MtprotoServer, userId: number, options: Partial<CreateMtprotoClientOptions> = {}): Promise<MtprotoClient> {
  const [phone, code] = PHONES[userId]!;
  const c = await connect(server, options);
  const sent = (await invokeWithTimeout(
    c,
    new Api.auth.SendCode({ phoneNumber: phone, apiId: SANDBOX_API_ID, apiHash: SANDBOX_API_HASH, settings: new Api.CodeSettings({}) }),
  )) as Api.auth.SentCode;
  await invokeWithTimeout(c, new Api.auth.SignIn({ phoneNumber: phone, phoneCodeHash: sent.phoneCodeHash, phoneCode: code }));
  return c;
}

/** Every raw update the client receives, in order; `next(pred)` waits for one (no timing assumptions beyond a generous cap). */
export class UpdateCatcher {
  readonly seen: Api.TypeUpdate[] | unknown[] = [];
  private waiters: Array<{ pred: (u: any) => boolean; resolve: (u: any) => void }> = [];

  constructor(client: MtprotoClient) {
    client.addEventHandler((u: unknown) => {
      (this.seen as unknown[]).push(u);
      for (const w of [...this.waiters]) {
        if (w.pred(u)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(u);
        }
      }
    }, new Raw({}));
  }

  next<T = any>(pred: (u: any) => boolean, capMs = 10_000): Promise<T> {
    const hit = (this.seen as unknown[]).find(pred);
    if (hit) return Promise.resolve(hit as T);
    return new Promise<T>((resolve, reject) => {
      const w = { pred, resolve };
      this.waiters.push(w);
      setTimeout(() => reject(new Error('no such update arrived')), capMs).unref();
    });
  }
}

export function inputUser(server: MtprotoServer, id: number): Api.InputPeerUser {
  return new Api.InputPeerUser({ userId: long(id), accessHash: long(server.world.users.get(id)!.access_hash) });
}

let randomCounter = 1000n;
export function randomId() {
  return long(++randomCounter);
}

export function send(client: MtprotoClient, peer: Api.TypeInputPeer, message: string, extra: Partial<ConstructorParameters<typeof Api.messages.SendMessage>[0]> = {}) {
  return invokeWithTimeout(client, new Api.messages.SendMessage({ peer, message, randomId: randomId(), ...extra }));
}

export function history(client: MtprotoClient, peer: Api.TypeInputPeer, args: Partial<ConstructorParameters<typeof Api.messages.GetHistory>[0]> = {}) {
  return invokeWithTimeout(
    client,
    new Api.messages.GetHistory({ peer, offsetId: 0, offsetDate: 0, addOffset: 0, limit: 20, maxId: 0, minId: 0, hash: long(0), ...args }),
  ) as Promise<Api.messages.Messages | Api.messages.MessagesSlice>;
}

export function ids(r: { messages: Api.TypeMessage[] }): number[] {
  return r.messages.map((m) => m.id);
}

export function texts(r: { messages: Api.TypeMessage[] }): string[] {
  return r.messages.map((m) => (m as Api.Message).message);
}

export const bigId = (x: { toString(): string }): bigint => BigInt(x.toString());
