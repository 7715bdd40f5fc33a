// resolve_username and the *_info lookups through tgsh's services against the sandbox data centre
// over TCP (unmodified GramJS on one side, the sandbox MTProto server on the other).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../src/sandbox/sandbox.js';
import { sandboxSession, type SandboxSession } from '../../helpers/sandbox.js';
import { testShell } from './helpers.js';
import { encodePermanentId } from '../../../src/peers/permanent-id.js';

const pid = (type: 'user' | 'channel', id: number, hash: string): string => encodePermanentId({ type, id, accessHash: BigInt(hash) });

let sandbox: Sandbox;
const sessions: SandboxSession[] = [];

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});
afterAll(() => sandbox.close());

async function session(args: string[] = []): Promise<SandboxSession> {
  const s = await sandboxSession({ sandbox, args });
  sessions.push(s);
  // Tests resolve more names than the default budget (1/s, burst 5) lets through at once.
  const store = await s.services.store();
  await store.settings.set('resolve_per_second', 1000);
  await store.settings.set('resolve_burst', 1000);
  return s;
}

const resolves = (): number => sandbox.mtproto.stats.requestsFor('contacts.resolveUsername');

describe('resolve_username over MTProto', () => {
  it("answers the seed's example exactly: the display name, and telegram-cli's JSON", async () => {
    const s = await session();
    expect(await s.text('resolve_username example_user')).toBe('Example\n');
    expect(await s.json('resolve_username example_user')).toEqual([
      { user: { id: '$010000006459670b02c0c7fd66d44708', peer_type: 'user', peer_id: 191322468, print_name: 'Example', flags: 1, first_name: 'Example', username: 'example_user' } },
    ]);
  });

  it('resolves a user, a bot, a channel, a supergroup and a user above 2^31, in order, over one connection', async () => {
    const s = await session();
    const before = { conns: sandbox.mtproto.stats.connectionsAccepted, keys: sandbox.mtproto.stats.keyExchanges };
    const out = await s.json('resolve_username alice_started @other_helper_bot https://t.me/tgsh_news t.me/tgsh_chat dora_bigid');
    expect(out).toEqual([
      { user: { id: pid('user', 200000001, '-4611686018427387905'), peer_type: 'user', peer_id: 200000001, print_name: 'Alice_Started', flags: 1, first_name: 'Alice', when: '2026-11-01 02:00:00', last_name: 'Started', username: 'alice_started' } },
      { user: { id: pid('user', 7000000002, '6666666666666666666'), peer_type: 'user', peer_id: 7000000002, print_name: 'Other_Bot', flags: 1 | (1 << 20), first_name: 'Other', last_name: 'Bot', username: 'other_helper_bot' } },
      { channel: expect.objectContaining({ peer_type: 'channel', peer_id: 1098765432, print_name: 'tgsh_News', flags: 1 | (1 << 16), title: 'tgsh News', participants_count: 3, username: 'tgsh_news' }) },
      { channel: expect.objectContaining({ peer_type: 'channel', peer_id: 1234567890, flags: 1 | (1 << 19), title: 'tgsh Community', username: 'tgsh_chat' }) },
      { user: expect.objectContaining({ id: '$01000000000000001589fc6c010000000100000000000080', peer_id: 6123456789, first_name: 'Dora' }) },
    ]);
    // One connection, one key exchange, for all five (and the bot's login).
    expect(sandbox.mtproto.stats.connectionsAccepted - before.conns).toBe(1);
    expect(sandbox.mtproto.stats.keyExchanges - before.keys).toBe(1);
    expect(await s.text('contact_search tgsh_news Example_User')).toBe('tgsh News\nExample\n');
  });

  it('stores everything learned: access hashes exact, the mapping confirmed, the source', async () => {
    const s = await session();
    const t0 = Date.now();
    await s.run('resolve_username dora_bigid tgsh_news eve_alias');
    const store = await s.services.store();
    const dora = store.byUsername('dora_bigid')!;
    expect(dora).toMatchObject({ kind: 'user', id: 6123456789, accessHash: '-9223372036854775807', sources: ['mtproto'] });
    expect(dora.usernamesCheckedAt).toBeGreaterThanOrEqual(t0);
    expect(store.byUsername('tgsh_news')).toMatchObject({ kind: 'channel', accessHash: '3141592653589793238', botApiChatId: -1001098765432 });
    // Every username of an account, from any one of them.
    expect(store.byUsername('evee')).toMatchObject({ id: 200000005, usernames: ['eve_many', 'eve_alias', 'evee'] });
    // And on disk: a new process knows them.
    const again = await s.reopen();
    sessions.push(again);
    expect((await again.services.store()).byUsername('dora_bigid')?.accessHash).toBe('-9223372036854775807');
  });

  it('answers a name the store knows without any network call, in the same and in a new process', async () => {
    const s = await session();
    await s.run('resolve_username example_user');
    const n = resolves();
    const conns = sandbox.mtproto.stats.connectionsAccepted;
    expect(await s.text('resolve_username @Example_User')).toBe('Example\n');
    const again = await s.reopen();
    sessions.push(again);
    expect(await again.text('resolve_username example_user')).toBe('Example\n');
    expect(resolves()).toBe(n);
    expect(sandbox.mtproto.stats.connectionsAccepted).toBe(conns);
  });

  it('[force] and --force ask Telegram anyway; [offline] never does', async () => {
    const s = await session();
    expect(await s.text('[offline] resolve_username example_user')).toBe("FAIL: 22: unknown username '@example_user' ([offline]: only the peer store was asked)\n");
    await s.run('resolve_username example_user');
    const n = resolves();
    expect(await s.text('[force] resolve_username example_user')).toBe('Example\n');
    expect(await s.text('resolve_username --force example_user')).toBe('Example\n');
    expect(resolves()).toBe(n + 2);
    expect(await s.text('[offline] resolve_username example_user')).toBe('Example\n');
    expect(resolves()).toBe(n + 2);
  });

  it('re-checks a mapping older than the username TTL; offline it is used with a warning', async () => {
    const s = await session();
    const store = await s.services.store();
    // The store believes an old owner still holds the name.
    store.upsert({ kind: 'user', id: 999, firstName: 'Old', usernames: ['example_user'], at: Date.now() - 48 * 3600_000 }, 'mtproto');
    expect(await s.text('[offline] resolve_username example_user')).toBe('Old\n');
    expect(s.notices.join('\n')).toMatch(/@example_user -> Old is last confirmed 2 days ago; the username may have changed hands/);
    const n = resolves();
    expect(await s.text('resolve_username example_user')).toBe('Example\n');
    expect(resolves()).toBe(n + 1);
    expect(store.byUsername('example_user')?.id).toBe(191322468);
    expect(store.get('user', 999)?.usernames).toEqual([]);
  });

  it('USERNAME_NOT_OCCUPIED: one FAIL line, and the hint says nobody uses it (or it is hidden)', async () => {
    const s = await session();
    const rs = await s.run('resolve_username nobody_here_at_all hidden_person');
    expect(rs).toHaveLength(2);
    for (const [r, name] of [
      [rs[0], 'nobody_here_at_all'],
      [rs[1], 'hidden_person'],
    ] as const) {
      expect(r).toMatchObject({ kind: 'fail', code: 71, error: 'RPC_CALL_FAIL 400: USERNAME_NOT_OCCUPIED' });
      expect((r as { hint?: string }).hint).toBe(`no public account, bot, group or channel uses the name '${name}' (or it is hidden from search)`);
    }
    expect(await s.json('resolve_username nobody_here_at_all')).toEqual([
      {
        result: 'FAIL',
        error_code: 71,
        error: 'RPC_CALL_FAIL 400: USERNAME_NOT_OCCUPIED',
        hint: "no public account, bot, group or channel uses the name 'nobody_here_at_all' (or it is hidden from search)",
      },
    ]);
  });

  it('USERNAME_INVALID: refused locally with the rule (no network call), and by the server for an unknown 4-character name', async () => {
    const s = await session();
    await s.run('resolve_username example_user'); // connected and logged in
    const n = resolves();
    expect(await s.text('resolve_username 1abcde ab @bad-name abcdef_')).toBe(
      [
        "FAIL: 22: invalid username '1abcde': it must start with a letter",
        "FAIL: 22: invalid username 'ab': it has 2 characters; the minimum is 5 (4 for collectible names)",
        "FAIL: 22: invalid username '@bad-name': '-' is not allowed: only A-z, 0-9 and _",
        "FAIL: 22: invalid username 'abcdef_': it must not end with _",
        '',
      ].join('\n'),
    );
    expect(resolves()).toBe(n);
    // Four characters pass the local check (collectibles exist); the server knows this one is none.
    expect(await s.text('resolve_username abcd evee')).toBe('FAIL: 71: RPC_CALL_FAIL 400: USERNAME_INVALID\nEve Many\n');
    expect(resolves()).toBe(n + 2);
  });

  it('several names: one answer each, in order, failures in their place', async () => {
    const s = await session();
    expect(await s.text('resolve_username example_user nobody_here_at_all 1bad tgsh_news')).toBe(
      ['Example', 'FAIL: 71: RPC_CALL_FAIL 400: USERNAME_NOT_OCCUPIED', "FAIL: 22: invalid username '1bad': it must start with a letter", 'tgsh News', ''].join('\n'),
    );
  });
});

describe('user_info, channel_info, chat_info, get_self over MTProto', () => {
  it("user_info refreshes names, usernames, bio, bot flag and last seen, in telegram-cli's form", async () => {
    const s = await session();
    expect(await s.text('user_info @alice_started')).toBe('User Alice Started @alice_started (#200000001):\n\toffline (was online [2026/11/01 02:00:00])\n');
    expect(await s.text('user_info @example_user')).toBe('User Example @example_user (#191322468):\n\tabout: The user from the seed document.\n');
    expect(await s.text('user_info @other_helper_bot')).toBe('User Other Bot @other_helper_bot (#7000000002):\n\tbot\n');
    expect(await s.text('user_info @eve_many')).toBe('User Eve Many @eve_many (#200000005):\n\tusernames: @eve_many @eve_alias @evee\n');
    // By print name and by permanent id too (the store gives the access hash).
    const n = sandbox.mtproto.stats.requestsFor('users.getFullUser');
    expect(await s.text('user_info Example')).toContain('(#191322468)');
    expect(await s.text('user_info $010000006459670b02c0c7fd66d44708')).toContain('about: The user from the seed document.');
    expect(sandbox.mtproto.stats.requestsFor('users.getFullUser')).toBe(n + 2);
    expect((await s.services.store()).get('user', 191322468)?.bio).toBe('The user from the seed document.');
    // [offline]: the store's answer, no call.
    expect(await s.text('[offline] user_info @example_user')).toContain('about: The user from the seed document.');
    expect(sandbox.mtproto.stats.requestsFor('users.getFullUser')).toBe(n + 2);
  });

  it('channel_info and chat_info', async () => {
    const s = await session();
    expect(await s.text('channel_info @tgsh_news')).toBe('Channel tgsh News @tgsh_news (#1098765432):\n\tabout: Announcements from the sandbox.\n\tparticipants: 3\n');
    expect(await s.json('channel_info @tgsh_chat')).toEqual([
      { channel: { id: pid('channel', 1234567890, '2718281828459045235'), peer_type: 'channel', peer_id: 1234567890, print_name: 'tgsh_Community', flags: 1 | (1 << 19), title: 'tgsh Community', participants_count: 4, admins_count: 1, username: 'tgsh_chat' } },
    ]);
    // A basic group lists its members, as telegram-cli did: the creator is its admin.
    expect(await s.text('chat_info chat#4567')).toBe(
      'Chat Book Club (#4567):\n\tmembers: 3\n\t\tExample admin\n\t\tAlice Started invited by Example\n\t\ttgsh sandbox invited by Example\n',
    );
    const [chat] = (await s.json('chat_info chat#4567')) as Array<{ chat: Record<string, unknown> }>;
    expect(Object.keys(chat!.chat)).toEqual(['id', 'peer_type', 'peer_id', 'print_name', 'flags', 'title', 'admin', 'members_num', 'members']);
    expect(chat!.chat.admin).toMatchObject({ peer_type: 'user', peer_id: 191322468, print_name: 'Example' });
    expect((chat!.chat.members as Array<{ peer_id: number }>).map((m) => m.peer_id)).toEqual([191322468, 200000001, 7000000001]);
    // The members it carried are in the store now.
    expect((await s.services.store()).get('user', 200000001)?.firstName).toBe('Alice');
    expect(await s.text('user_info @tgsh_news')).toBe("FAIL: 22: '@tgsh_news' is a channel, not a user\n");
  });

  it('get_self shows the bot, and stats who is logged in', async () => {
    const s = await session();
    expect(await s.text('get_self')).toBe('User tgsh sandbox @tgsh_sandbox_bot (#7000000001):\n\tbot\n');
    expect(await s.json('get_self')).toEqual([
      { user: { id: pid('user', 7000000001, '5555555555555555555'), peer_type: 'user', peer_id: 7000000001, print_name: 'tgsh_sandbox', flags: 1 | (1 << 19) | (1 << 20), first_name: 'tgsh sandbox', username: 'tgsh_sandbox_bot' } },
    ]);
    const stats = (await s.json('stats'))[0] as Record<string, unknown>;
    expect(stats.logged_in).toBe('tgsh sandbox @tgsh_sandbox_bot (bot #7000000001)');
  });
});

describe('without MTProto credentials (a bot token only)', () => {
  it('finds public channels and supergroups through the Bot API (getChat), and says what it tried for users', async () => {
    const s = testShell(sandbox, { noApi: true });
    try {
      const n = resolves();
      expect(await s.text('resolve_username tgsh_news @tgsh_chat')).toBe('tgsh News\ntgsh Community\n');
      const store = await s.services.store();
      expect(store.byUsername('tgsh_news')).toMatchObject({ kind: 'channel', id: 1098765432, sources: ['botapi'], bio: 'Announcements from the sandbox.' });
      expect(store.byUsername('tgsh_chat')?.kind).toBe('supergroup');
      const [r] = await s.run('resolve_username example_user');
      // Not a USERNAME_NOT_OCCUPIED: the name may well be a user's. Missing credentials: exit status 4.
      expect(r).toMatchObject({ kind: 'fail', code: 401, failure: 'auth' });
      expect((r as { error: string }).error).toBe(
        '@example_user is not a public channel or group the Bot API knows (getChat: 400 Bad Request: chat not found); users and bots are looked up over MTProto, which needs --api-id and --api-hash (tried: the peer store, then the Bot API)',
      );
      expect((r as { hint: string }).hint).toContain('https://my.telegram.org');
      expect(resolves()).toBe(n); // no MTProto at all
      // The *_info commands answer from the store then.
      expect(await s.text('channel_info @tgsh_news')).toBe('Channel tgsh News @tgsh_news (#1098765432):\n\tabout: Announcements from the sandbox.\n');
    } finally {
      await s.close();
    }
  });
});
