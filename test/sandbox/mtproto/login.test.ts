// User login by code, 2FA by SRP (GramJS's computeCheck as the client), bot login errors.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeCheck } from 'telegram/Password.js';
import type { MtprotoServer } from '../../../src/sandbox/mtproto/index.js';
import { invokeWithTimeout, MtprotoRpcError, type MtprotoClient } from '../../../src/telegram/mtproto/index.js';
import { Api, Cleanup, connect, failure, loginBot, long, resolve, SANDBOX_API_HASH, SANDBOX_API_ID, startTestServer } from './helpers.js';

const cleanup = new Cleanup();
let server: MtprotoServer;

beforeAll(async () => {
  server = cleanup.server(await startTestServer());
});
afterAll(() => cleanup.run());

const sendCode = (c: MtprotoClient, phone: string, apiId = SANDBOX_API_ID) =>
  invokeWithTimeout(c, new Api.auth.SendCode({ phoneNumber: phone, apiId, apiHash: SANDBOX_API_HASH, settings: new Api.CodeSettings({}) }));

const signIn = (c: MtprotoClient, phone: string, hash: string, code: string) =>
  invokeWithTimeout(c, new Api.auth.SignIn({ phoneNumber: phone, phoneCodeHash: hash, phoneCode: code }));

describe('MTProto data centre: user login', () => {
  it('logs a user in with the code from the world, wrong code first', async () => {
    const c = cleanup.client(await connect(server));
    const sent = (await sendCode(c, '+1 555 000 1111')) as Api.auth.SentCode;
    expect(sent.type).toBeInstanceOf(Api.auth.SentCodeTypeApp);
    expect((sent.type as Api.auth.SentCodeTypeApp).length).toBe(5);
    expect((await failure(signIn(c, '15550001111', sent.phoneCodeHash, '99999'))).errorMessage).toBe('PHONE_CODE_INVALID');
    expect((await failure(signIn(c, '15550001111', 'nope', '12345'))).errorMessage).toBe('PHONE_CODE_EXPIRED');
    const auth = (await signIn(c, '15550001111', sent.phoneCodeHash, '12345')) as Api.auth.Authorization;
    const me = auth.user as Api.User;
    expect(BigInt(me.id.toString())).toBe(191322468n);
    expect(me.self).toBe(true);
    expect(me.bot).toBe(false);
    expect(me.phone).toBe('15550001111');

    // The user's contacts, with contact / mutual flags and phones.
    const contacts = (await invokeWithTimeout(c, new Api.contacts.GetContacts({ hash: long(0) }))) as Api.contacts.Contacts;
    expect(contacts.contacts.map((x) => BigInt(x.userId.toString()))).toEqual([200000001n, 200000003n]);
    const alice = contacts.users.find((u) => BigInt(u.id.toString()) === 200000001n) as Api.User;
    expect(alice.contact).toBe(true);
    expect(alice.phone).toBe('15550002222');
    // Resolving works for users too.
    expect((await resolve(c, 'tgsh_news')).chats).toHaveLength(1);
  });

  it('refuses unknown phone numbers and wrong api ids', async () => {
    const c = cleanup.client(await connect(server));
    expect((await failure(sendCode(c, '+1 555 999 9999'))).errorMessage).toBe('PHONE_NUMBER_INVALID');
    expect((await failure(sendCode(c, '15550001111', 1))).errorMessage).toBe('API_ID_INVALID');
  });

  it('asks for the 2FA password, checks it by SRP, refuses a wrong one', async () => {
    const c = cleanup.client(await connect(server));
    const sent = (await sendCode(c, '15550002222')) as Api.auth.SentCode;
    const e = await failure(signIn(c, '15550002222', sent.phoneCodeHash, '22222'));
    expect(e.code).toBe(401);
    expect(e.errorMessage).toBe('SESSION_PASSWORD_NEEDED');
    // Not logged in yet.
    expect((await failure(resolve(c, 'example_user'))).errorMessage).toBe('AUTH_KEY_UNREGISTERED');

    const pw = await invokeWithTimeout(c, new Api.account.GetPassword());
    expect(pw.hasPassword).toBe(true);
    expect(pw.hint).toBe('xkcd 936');
    expect(pw.currentAlgo).toBeInstanceOf(Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow);
    const wrong = await computeCheck(pw, 'Tr0ub4dor&3');
    expect((await failure(invokeWithTimeout(c, new Api.auth.CheckPassword({ password: wrong })))).errorMessage).toBe('PASSWORD_HASH_INVALID');

    const pw2 = await invokeWithTimeout(c, new Api.account.GetPassword());
    const right = await computeCheck(pw2, 'correct horse battery staple');
    const auth = (await invokeWithTimeout(c, new Api.auth.CheckPassword({ password: right }))) as Api.auth.Authorization;
    expect(BigInt((auth.user as Api.User).id.toString())).toBe(200000001n);
    expect((await resolve(c, 'example_user')).users).toHaveLength(1);
  }, 20_000);

  it('refuses a bot token it does not know and a wrong api id / hash', async () => {
    const c = cleanup.client(await connect(server));
    expect((await failure(loginBot(c, '7000000001:wrong-secret'))).errorMessage).toBe('ACCESS_TOKEN_INVALID');
    const badApi = invokeWithTimeout(
      c,
      new Api.auth.ImportBotAuthorization({ flags: 0, apiId: SANDBOX_API_ID + 1, apiHash: SANDBOX_API_HASH, botAuthToken: '7000000001:sandbox-offline-token' }),
    );
    expect((await failure(badApi)).errorMessage).toBe('API_ID_INVALID');
    const badHash = invokeWithTimeout(
      c,
      new Api.auth.ImportBotAuthorization({ flags: 0, apiId: SANDBOX_API_ID, apiHash: 'f'.repeat(32), botAuthToken: '7000000001:sandbox-offline-token' }),
    );
    expect((await failure(badHash)).errorMessage).toBe('API_ID_INVALID');
    expect((await failure(invokeWithTimeout(c, new Api.account.GetPassword()))).errorMessage).toBe('AUTH_KEY_UNREGISTERED');
  });
});
