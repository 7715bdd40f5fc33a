// GramJS's TL objects -> store input, and errors -> the FAIL lines people see.
import { describe, expect, it } from 'vitest';
import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { peerInputOfChat, peerInputOfUser } from '../../../src/telegram/resolver/tl-peers.js';
import { failureOf, floodFailure } from '../../../src/telegram/resolver/failures.js';
import { failResultOf } from '../../../src/commands/fail-result.js';
import { MtprotoConnectError, MtprotoRpcError, MtprotoTimeoutError } from '../../../src/telegram/mtproto/errors.js';
import { Secret } from '../../../src/core/secret.js';

const big = (x: string | number) => returnBigInt(String(x));
const ctx = { what: 'resolving @someone', username: 'someone', server: '127.0.0.1:2443', customServer: true, maxWaitSeconds: 10 };

describe('TL objects to store input', () => {
  it('keeps access hashes exact (beyond 2^53) and ids beyond 2^31', () => {
    const u = new Api.User({ id: big(6123456789), accessHash: big('-9223372036854775807'), firstName: 'Dora', lastName: 'Bigid', username: 'dora_bigid' });
    expect(peerInputOfUser(u as never)).toEqual({
      kind: 'user',
      id: 6123456789,
      accessHash: '-9223372036854775807',
      flags: 1,
      firstName: 'Dora',
      lastName: 'Bigid',
      usernames: ['dora_bigid'],
    });
  });

  it('reads bots, several usernames, last seen and the contact/self flags', () => {
    const u = new Api.User({
      id: big(5),
      accessHash: big(42),
      bot: true,
      self: true,
      contact: true,
      firstName: 'Eve',
      usernames: [new Api.Username({ username: 'eve_alias', active: true }), new Api.Username({ username: 'eve_many', editable: true, active: true }), new Api.Username({ username: 'old', active: false })],
      status: new Api.UserStatusOffline({ wasOnline: 1700000000 }),
    });
    const p = peerInputOfUser(u as never)!;
    expect(p.kind).toBe('bot');
    expect(p.usernames).toEqual(['eve_many', 'eve_alias']);
    expect(p.flags).toBe(1 | (1 << 16) | (1 << 19) | (1 << 20));
    expect(p.lastOnline).toBe(1700000000);
  });

  it('takes nothing but the id from a min user, and nothing at all from UserEmpty', () => {
    expect(peerInputOfUser(new Api.User({ id: big(9), min: true, accessHash: big(1), firstName: 'X' }) as never)).toEqual({ kind: 'user', id: 9 });
    expect(peerInputOfUser(new Api.UserEmpty({ id: big(9) }) as never)).toBeUndefined();
  });

  it('tells channels from supergroups, and reads basic groups', () => {
    const ch = new Api.Channel({ id: big(1098765432), accessHash: big('3141592653589793238'), title: 'tgsh News', broadcast: true, username: 'tgsh_news', photo: new Api.ChatPhotoEmpty(), date: 0, participantsCount: 3 });
    expect(peerInputOfChat(ch as never)).toMatchObject({ kind: 'channel', accessHash: '3141592653589793238', flags: 1 | (1 << 16), members: 3, usernames: ['tgsh_news'] });
    const sg = new Api.Channel({ id: big(1234567890), accessHash: big(1), title: 'tgsh Community', megagroup: true, photo: new Api.ChatPhotoEmpty(), date: 0 });
    expect(peerInputOfChat(sg as never)).toMatchObject({ kind: 'supergroup', flags: 1 | (1 << 19), usernames: [] });
    const chat = new Api.Chat({ id: big(4567), title: 'Book Club', photo: new Api.ChatPhotoEmpty(), participantsCount: 3, date: 0, version: 1 });
    expect(peerInputOfChat(chat as never)).toEqual({ kind: 'chat', id: 4567, flags: 1, title: 'Book Club', members: 3 });
  });
});

describe('failures', () => {
  it("keeps telegram-cli's form for refusals, with a hint for people", () => {
    const e = failureOf(new MtprotoRpcError(400, 'USERNAME_NOT_OCCUPIED'), ctx);
    expect([e.code, e.message]).toEqual([71, 'RPC_CALL_FAIL 400: USERNAME_NOT_OCCUPIED']);
    expect(e.hint).toBe("no public account, bot, group or channel uses the name 'someone' (or it is hidden from search)");
  });

  it('sends credential problems to exit status 4, naming the setting to fix', () => {
    for (const [msg, setting] of [
      ['ACCESS_TOKEN_INVALID', '--bot-token'],
      ['API_ID_INVALID', '--api-id and --api-hash'],
      ['AUTH_KEY_UNREGISTERED', "'login'"],
    ] as const) {
      const e = failureOf(new MtprotoRpcError(msg === 'AUTH_KEY_UNREGISTERED' ? 401 : 400, msg), ctx);
      expect(e.failure).toBe('auth');
      expect(e.hint).toContain(setting);
    }
  });

  it('names --dc for an unreachable or silent server', () => {
    expect(failureOf(new MtprotoTimeoutError('contacts.ResolveUsername', 1500), ctx).message).toBe(
      'no answer from the MTProto server 127.0.0.1:2443 within 1.5 s (resolving @someone, contacts.ResolveUsername)',
    );
    expect(failureOf(new MtprotoConnectError('connection refused'), ctx).hint).toContain('--dc HOST:PORT');
  });

  it('a flood wait past --max-wait: 420, retry_after, exit status 5', () => {
    const e = failureOf(new MtprotoRpcError(420, 'FLOOD_WAIT_30', 30), ctx);
    expect(e.message).toBe('RPC_CALL_FAIL 420: FLOOD_WAIT_30 (resolving @someone: Telegram asks to wait 30 s, longer than --max-wait 10)');
    expect([e.code, e.failure, e.retryAfter]).toEqual([420, 'flood', 30]);
    expect(floodFailure(5, ctx, true).message).toContain('wait 5 s more');
  });

  it('scrubs secrets from any error it turns into an answer', () => {
    const token = '7000000001:sandbox-offline-token';
    const f = failResultOf(new Error(`boom at https://x/bot${token}/getChat`), [new Secret(token)]);
    expect(f.error).not.toContain('sandbox-offline-token');
    expect(f.code).toBe(500);
  });
});
