import { Api } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_BOT_ID, SANDBOX_BOT_TOKEN } from '../../../src/sandbox/world/default-world.js';
import { ALICE, BOOK_CLUB, CAROL, COMMUNITY, DORA, EXAMPLE, NEWS, OTHER_BOT, OTHER_TOKEN, refused, sandbox, type Sandbox } from './helpers.js';

let sb: Sandbox;
beforeEach(async () => {
  sb = await sandbox();
});
afterEach(async () => {
  await sb.close();
});

describe('server basics', () => {
  it('listens on 127.0.0.1 with an ephemeral port and an apiRoot without a trailing slash', () => {
    expect(sb.server.apiRoot).toBe(`http://127.0.0.1:${sb.server.port}`);
    expect(sb.server.port).toBeGreaterThan(0);
  });

  it('getMe', async () => {
    expect(await sb.api.getMe()).toEqual({
      id: SANDBOX_BOT_ID,
      is_bot: true,
      first_name: 'tgsh sandbox',
      username: 'tgsh_sandbox_bot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
    });
    const other = new Api(OTHER_TOKEN, { apiRoot: sb.server.apiRoot });
    expect((await other.getMe()).username).toBe('other_helper_bot');
  });

  it('401 Unauthorized for an unknown token, 404 Not Found for an unknown method', async () => {
    const wrong = new Api('7000000001:wrong-secret', { apiRoot: sb.server.apiRoot });
    await refused(wrong.getMe(), 401, 'Unauthorized');
    await refused(wrong.raw.noSuchMethod({} as never), 401, 'Unauthorized');
    await refused(sb.api.raw.noSuchMethod({} as never), 404, 'Not Found');
  });

  it('method names are case-insensitive', async () => {
    const raw = sb.api.raw as unknown as Record<string, (p: object) => Promise<{ id: number }>>;
    expect((await raw.GETME({})).id).toBe(SANDBOX_BOT_ID);
    expect((await raw.getme({})).id).toBe(SANDBOX_BOT_ID);
    expect(sb.server.stats.requests.getMe).toBe(2);
  });

  it('reads parameters from the query string, urlencoded and JSON bodies (transport check with fetch)', async () => {
    const base = `${sb.server.apiRoot}/bot${SANDBOX_BOT_TOKEN}`;
    const viaGet = await (await fetch(`${base}/sendMessage?chat_id=${ALICE}&text=${encodeURIComponent('from GET')}`)).json();
    expect(viaGet).toMatchObject({ ok: true, result: { text: 'from GET', chat: { id: ALICE } } });
    const viaForm = await (
      await fetch(`${base}/sendMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ chat_id: String(ALICE), text: '<b>form</b>', parse_mode: 'HTML' }),
      })
    ).json();
    expect(viaForm).toMatchObject({ ok: true, result: { text: 'form', entities: [{ type: 'bold', offset: 0, length: 4 }] } });
    const bad = await fetch(`${base}/sendMessage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"chat_id": 1,' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ ok: false, error_code: 400, description: "Bad Request: can't parse JSON object" });
    const garbage = await fetch(`${base}/sendDocument`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
      body: '--xyz\r\nno headers here',
    });
    expect(garbage.status).toBe(400);
    const notFound = await fetch(`${sb.server.apiRoot}/favicon.ico`);
    expect(await notFound.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found' });
    expect((await sb.api.getMe()).id).toBe(SANDBOX_BOT_ID); // still serving
  });
});

describe('getChat', () => {
  it('public channels and supergroups by @username', async () => {
    expect(await sb.api.getChat('@tgsh_news')).toMatchObject({
      id: NEWS,
      type: 'channel',
      title: 'tgsh News',
      username: 'tgsh_news',
      description: 'Announcements from the sandbox.',
    });
    expect(await sb.api.getChat('@TGSH_CHAT')).toMatchObject({ id: COMMUNITY, type: 'supergroup', username: 'tgsh_chat' });
  });

  it("numeric ids of chats the bot knows: users who started it or share a chat with it, chats it is in", async () => {
    expect(await sb.api.getChat(ALICE)).toMatchObject({ id: ALICE, type: 'private', first_name: 'Alice', last_name: 'Started', username: 'alice_started' });
    expect(await sb.api.getChat(CAROL)).toMatchObject({ id: CAROL, type: 'private' }); // in the supergroup
    expect(await sb.api.getChat(EXAMPLE)).toMatchObject({ bio: 'The user from the seed document.' });
    expect(await sb.api.getChat(BOOK_CLUB)).toMatchObject({ id: BOOK_CLUB, type: 'group', title: 'Book Club' });
    expect(await sb.api.getChat(String(COMMUNITY))).toMatchObject({ id: COMMUNITY, type: 'supergroup' });
  });

  it('chat not found for users it never met, for @username of users, and for unknown ids', async () => {
    await refused(sb.api.getChat(DORA), 400, 'Bad Request: chat not found');
    await refused(sb.api.getChat('@alice_started'), 400, 'Bad Request: chat not found');
    await refused(sb.api.getChat('@no_such_name'), 400, 'Bad Request: chat not found');
    await refused(sb.api.getChat(-999), 400, 'Bad Request: chat not found');
    await refused(sb.api.getChat('not a chat'), 400, 'Bad Request: chat not found');
    await refused(sb.api.getChat(''), 400, 'Bad Request: chat_id is empty');
    // Once Dora writes to the bot, it knows her.
    sb.world.driver.sendPrivate(DORA, 'hi');
    expect((await sb.api.getChat(DORA)).id).toBe(DORA);
    // The other bot is in no chat and has no relations.
    const other = new Api(OTHER_TOKEN, { apiRoot: sb.server.apiRoot });
    await refused(other.getChat(ALICE), 400, 'Bad Request: chat not found');
    await refused(other.getChat(BOOK_CLUB), 400, 'Bad Request: chat not found');
    expect((await other.getChat('@tgsh_news')).id).toBe(NEWS);
  });
});

describe('getChatMember and small methods', () => {
  it('getChatMember answers each status', async () => {
    expect(await sb.api.getChatMember(COMMUNITY, EXAMPLE)).toMatchObject({ status: 'creator', user: { id: EXAMPLE } });
    expect(await sb.api.getChatMember(NEWS, SANDBOX_BOT_ID)).toMatchObject({ status: 'administrator', can_post_messages: true });
    expect(await sb.api.getChatMember(COMMUNITY, CAROL)).toEqual({
      status: 'member',
      user: { id: CAROL, is_bot: false, first_name: 'Carol', last_name: 'Never', username: 'carol_never' },
    });
    expect(await sb.api.getChatMember(BOOK_CLUB, CAROL)).toMatchObject({ status: 'left' });
    sb.world.driver.kick(CAROL, COMMUNITY);
    expect(await sb.api.getChatMember(COMMUNITY, CAROL)).toMatchObject({ status: 'kicked', until_date: 0 });
    await refused(sb.api.getChatMember(COMMUNITY, 424242), 400, 'Bad Request: PEER_ID_INVALID');
  });

  it('sendChatAction, setMyCommands / getMyCommands', async () => {
    expect(await sb.api.sendChatAction(ALICE, 'typing')).toBe(true);
    await refused(sb.api.sendChatAction(ALICE, 'dancing' as never), 400, 'Bad Request: wrong parameter action in request');
    await refused(sb.api.sendChatAction(CAROL, 'typing'), 403, "Forbidden: bot can't initiate conversation with a user");
    expect(await sb.api.setMyCommands([{ command: 'start', description: 'Start' }])).toBe(true);
    expect(await sb.api.getMyCommands()).toEqual([{ command: 'start', description: 'Start' }]);
    await refused(sb.api.setMyCommands([{ command: 'Bad Cmd', description: 'x' }]), 400, 'Bad Request: BOT_COMMAND_INVALID');
  });

  it('answerCallbackQuery answers a pressed button once', async () => {
    const sent = await sb.api.sendMessage(ALICE, 'Pick', { reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] } });
    const q = sb.world.driver.pressButton(ALICE, { message_id: sent.message_id }, 'a');
    expect(await sb.api.answerCallbackQuery(q.id, { text: 'done' })).toBe(true);
    expect(sb.world.botState(SANDBOX_BOT_ID).callbacks.get(q.id)).toMatchObject({ answered: true, text: 'done' });
    await refused(
      sb.api.answerCallbackQuery(q.id),
      400,
      'Bad Request: query is too old and response timeout expired or query ID is invalid',
    );
    void OTHER_BOT;
  });
});

describe('robustness', () => {
  it('garbage parameters to every method get a 4xx answer, never a crash or a 500', async () => {
    const { METHODS } = await import('../../../src/sandbox/botapi/methods.js');
    const base = `${sb.server.apiRoot}/bot${SANDBOX_BOT_TOKEN}`;
    const junk: unknown[] = [
      {},
      { chat_id: {}, text: [], parse_mode: 5, offset: 'x', limit: -5, timeout: 'y', allowed_updates: 'nope' },
      { chat_id: ALICE, text: 'x', reply_parameters: 5, link_preview_options: 'z', reply_markup: '{"inline_keyboard":5}', entities: '{}' },
      { chat_id: ALICE, text: null, document: 'attach://missing', photo: 42, caption: {}, user_id: 'abc', action: null, commands: '[1]' },
      { chat_id: '@', callback_query_id: [], url: 'ftp://x', drop_pending_updates: 'maybe' },
    ];
    for (const method of Object.keys(METHODS)) {
      if (method === 'setWebhook' || method === 'getUpdates' || method === 'deleteWebhook') continue;
      for (const body of junk) {
        const r = await fetch(`${base}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        const json = (await r.json()) as { ok: boolean; error_code?: number };
        expect(r.status, `${method} ${JSON.stringify(body)}`).toBeLessThan(500);
        if (!json.ok) expect(json.error_code).toBe(r.status);
      }
    }
    for (const body of junk) {
      const r = await fetch(`${base}/getUpdates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...(body as object), timeout: 0 }) });
      expect(r.status).toBeLessThan(500);
    }
    expect(sb.server.stats.statuses[500]).toBeUndefined();
    expect((await sb.api.getMe()).id).toBe(SANDBOX_BOT_ID);
  });
});
