import { Api } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_BOT_ID } from '../../../src/sandbox/world/default-world.js';
import { ALICE, BOB, BOOK_CLUB, CAROL, COMMUNITY, DORA, EVE, NEWS, OTHER_BOT, OTHER_TOKEN, refused, sandbox, type Sandbox } from './helpers.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

describe('sendMessage refusals (exact texts)', () => {
  it('private chats: not found, never started, blocked, bots, deactivated', async () => {
    sb = await sandbox({
      edit: (d) => {
        d.users.find((u) => u.id === EVE)!.deactivated = true;
        d.relations.push({ user: EVE, bot: SANDBOX_BOT_ID, started_at: 1793491200 });
      },
    });
    const { api } = sb;
    await refused(api.sendMessage(DORA, 'hi'), 400, 'Bad Request: chat not found');
    await refused(api.sendMessage('@alice_started', 'hi'), 400, 'Bad Request: chat not found');
    await refused(api.sendMessage(CAROL, 'hi'), 403, "Forbidden: bot can't initiate conversation with a user");
    await refused(api.sendMessage(BOB, 'hi'), 403, 'Forbidden: bot was blocked by the user');
    await refused(api.sendMessage(OTHER_BOT, 'hi'), 403, "Forbidden: bot can't send messages to bots");
    await refused(api.sendMessage(SANDBOX_BOT_ID, 'hi'), 403, "Forbidden: bot can't send messages to bots");
    await refused(api.sendMessage(EVE, 'hi'), 403, 'Forbidden: user is deactivated');
    // /stop does not withdraw the permission on Telegram: only a block does.
    sb.world.driver.stop(ALICE);
    expect((await api.sendMessage(ALICE, 'still allowed')).text).toBe('still allowed');
    sb.world.driver.block(ALICE);
    await refused(api.sendMessage(ALICE, 'hi'), 403, 'Forbidden: bot was blocked by the user');
    sb.world.driver.unblock(ALICE);
    expect((await api.sendMessage(ALICE, 'back')).text).toBe('back');
    // Nothing refused was recorded.
    expect(sb.world.received(BOB)).toEqual([]);
    expect(sb.world.received(CAROL)).toEqual([]);
    expect(sb.world.received(ALICE).map((m) => m.text)).toEqual(['still allowed', 'back']);
  });

  it('groups and channels: kicked, not a member, channel posting needs admin', async () => {
    sb = await sandbox();
    const { api, world } = sb;
    const other = new Api(OTHER_TOKEN, { apiRoot: sb.server.apiRoot });
    await refused(other.sendMessage('@tgsh_chat', 'hi'), 403, 'Forbidden: bot is not a member of the supergroup chat');
    await refused(other.sendMessage('@tgsh_news', 'hi'), 403, 'Forbidden: bot is not a member of the channel chat');
    await refused(other.sendMessage(BOOK_CLUB, 'hi'), 400, 'Bad Request: chat not found');

    const post = await api.sendMessage('@tgsh_news', 'Release notes');
    expect(post).toMatchObject({ chat: { id: NEWS, type: 'channel' }, sender_chat: { id: NEWS, type: 'channel' }, text: 'Release notes' });
    expect(post.from).toBeUndefined();
    world.driver.demote(SANDBOX_BOT_ID, NEWS);
    await refused(api.sendMessage(NEWS, 'hi'), 400, 'Bad Request: need administrator rights in the channel chat');

    expect((await api.sendMessage(BOOK_CLUB, 'hello club')).chat).toEqual({ id: BOOK_CLUB, type: 'group', title: 'Book Club' });
    world.driver.kick(SANDBOX_BOT_ID, BOOK_CLUB);
    await refused(api.sendMessage(BOOK_CLUB, 'hi'), 403, 'Forbidden: bot was kicked from the group chat');
    world.driver.kick(SANDBOX_BOT_ID, COMMUNITY);
    await refused(api.sendMessage(COMMUNITY, 'hi'), 403, 'Forbidden: bot was kicked from the supergroup chat');
    expect(world.received(BOOK_CLUB).map((m) => m.text)).toEqual(['hello club']);
    expect(world.received(NEWS).map((m) => m.text)).toEqual(['Release notes']);
  });

  it('text: empty, too long after entity parsing, chat_id empty', async () => {
    sb = await sandbox();
    const { api } = sb;
    await refused(api.sendMessage(ALICE, ''), 400, 'Bad Request: message text is empty');
    await refused(api.sendMessage(ALICE, '   \n '), 400, 'Bad Request: message text is empty');
    await refused(api.sendMessage(ALICE, '<b></b>', { parse_mode: 'HTML' }), 400, 'Bad Request: message text is empty');
    await refused(api.sendMessage('', 'x'), 400, 'Bad Request: chat_id is empty');
    const max = 'a'.repeat(4096);
    expect((await api.sendMessage(ALICE, `<b>${max}</b>`, { parse_mode: 'HTML' })).text).toBe(max);
    expect((await api.sendMessage(ALICE, `*${max}*`, { parse_mode: 'MarkdownV2' })).entities).toEqual([{ type: 'bold', offset: 0, length: 4096 }]);
    await refused(api.sendMessage(ALICE, `${max}b`), 400, 'Bad Request: message is too long');
    await refused(api.sendMessage(ALICE, `<i>${max}b</i>`, { parse_mode: 'HTML' }), 400, 'Bad Request: message is too long');
    // 4096 characters counted as code points: 4096 emoji fit.
    expect((await api.sendMessage(ALICE, '😀'.repeat(4096))).text!.length).toBe(8192);
    expect((await api.sendMessage(ALICE, '  padded  ')).text).toBe('padded');
  });
});

describe('parse_mode', () => {
  it('HTML and MarkdownV2 produce entities; bad markup is refused with Telegram\'s text', async () => {
    sb = await sandbox();
    const { api } = sb;
    const html = await api.sendMessage(ALICE, '<b>Bold</b> <i>it</i> <a href="https://tgsh.dev/x">link</a> <code>c</code>', { parse_mode: 'HTML' });
    expect(html.text).toBe('Bold it link c');
    expect(html.entities).toEqual([
      { type: 'bold', offset: 0, length: 4 },
      { type: 'italic', offset: 5, length: 2 },
      { type: 'text_link', offset: 8, length: 4, url: 'https://tgsh.dev/x' },
      { type: 'code', offset: 13, length: 1 },
    ]);
    const md = await api.sendMessage(ALICE, '*Hi* _there_ ||secret|| `x` see @alice\\_started \\#1', { parse_mode: 'MarkdownV2' });
    expect(md.text).toBe('Hi there secret x see @alice_started #1');
    expect(md.entities).toEqual([
      { type: 'bold', offset: 0, length: 2 },
      { type: 'italic', offset: 3, length: 5 },
      { type: 'spoiler', offset: 9, length: 6 },
      { type: 'code', offset: 16, length: 1 },
      { type: 'mention', offset: 22, length: 14 },
    ]);
    const mention = await api.sendMessage(ALICE, '<a href="tg://user?id=200000001">Alice</a>', { parse_mode: 'HTML' });
    expect(mention.entities).toEqual([
      { type: 'text_mention', offset: 0, length: 5, user: { id: ALICE, is_bot: false, first_name: 'Alice', last_name: 'Started', username: 'alice_started' } },
    ]);
    await refused(
      api.sendMessage(ALICE, 'Version 1.0', { parse_mode: 'MarkdownV2' }),
      400,
      "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    );
    await refused(
      api.sendMessage(ALICE, '*bold', { parse_mode: 'MarkdownV2' }),
      400,
      "Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 0",
    );
    await refused(
      api.sendMessage(ALICE, 'a <blink>b</blink>', { parse_mode: 'HTML' }),
      400,
      'Bad Request: can\'t parse entities: Unsupported start tag "blink" at byte offset 2',
    );
    await refused(
      api.sendMessage(ALICE, '<b>x</i>', { parse_mode: 'HTML' }),
      400,
      'Bad Request: can\'t parse entities: Unmatched end tag at byte offset 4, expected "</b>", found "</i>"',
    );
    // Markup is parsed before the chat is looked at, as on Telegram.
    await refused(
      api.sendMessage(DORA, '<b>', { parse_mode: 'HTML' }),
      400,
      'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"',
    );
    await refused(api.sendMessage(ALICE, 'x', { parse_mode: 'BBCode' as never }), 400, 'Bad Request: unsupported parse_mode');
    // Without parse_mode, markup is plain text, and explicit entities are kept.
    expect((await api.sendMessage(ALICE, '<b>x</b>')).text).toBe('<b>x</b>');
    const explicit = await api.sendMessage(ALICE, 'hello world', { entities: [{ type: 'underline', offset: 6, length: 5 }] });
    expect(explicit.entities).toEqual([{ type: 'underline', offset: 6, length: 5 }]);
    expect(sb.world.received(ALICE).length).toBe(5);
  });
});

describe('replies, link previews, reply markup', () => {
  it('reply_parameters and reply_to_message_id; missing targets', async () => {
    sb = await sandbox();
    const { api, world } = sb;
    const incoming = world.driver.sendPrivate(ALICE, 'question?');
    const a = await api.sendMessage(ALICE, 'answer', { reply_parameters: { message_id: incoming.message_id } });
    expect(a.reply_to_message).toMatchObject({ message_id: incoming.message_id, text: 'question?', from: { id: ALICE } });
    const b = await api.raw.sendMessage({ chat_id: ALICE, text: 'legacy', reply_to_message_id: a.message_id } as never);
    expect((b as { reply_to_message: { text: string } }).reply_to_message.text).toBe('answer');
    await refused(api.sendMessage(ALICE, 'x', { reply_parameters: { message_id: 9999 } }), 400, 'Bad Request: message to be replied not found');
    const c = await api.sendMessage(ALICE, 'anyway', { reply_parameters: { message_id: 9999, allow_sending_without_reply: true } });
    expect(c.reply_to_message).toBeUndefined();
    expect(world.received(ALICE).map((m) => [m.text, m.reply_to_message?.message_id])).toEqual([
      ['answer', incoming.message_id],
      ['legacy', a.message_id],
      ['anyway', undefined],
    ]);
  });

  it('link_preview_options and legacy disable_web_page_preview are recorded; URLs become entities', async () => {
    sb = await sandbox();
    const { api, world } = sb;
    const m1 = await api.sendMessage(ALICE, 'see https://tgsh.dev', { link_preview_options: { is_disabled: true } });
    expect(m1.link_preview_options).toEqual({ is_disabled: true });
    expect(m1.entities).toEqual([{ type: 'url', offset: 4, length: 16 }]);
    await api.raw.sendMessage({ chat_id: ALICE, text: 'legacy https://tgsh.dev', disable_web_page_preview: true } as never);
    await api.sendMessage(ALICE, 'plain https://tgsh.dev');
    expect(world.received(ALICE).map((m) => m.link_preview_options)).toEqual([{ is_disabled: true }, { is_disabled: true }, undefined]);
  });

  it('inline keyboards are kept and can be pressed', async () => {
    sb = await sandbox();
    const { api, world } = sb;
    const m = await api.sendMessage(ALICE, 'Vote', { reply_markup: { inline_keyboard: [[{ text: 'Up', callback_data: 'up' }]] } });
    expect(m.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Up', callback_data: 'up' }]] });
    const q = world.driver.pressButton(ALICE, { message_id: m.message_id }, 'up');
    const ups = await api.getUpdates({ offset: -1 });
    expect(ups[0].callback_query).toMatchObject({ id: q.id, data: 'up', message: { message_id: m.message_id, text: 'Vote' } });
    await refused(
      api.sendMessage(ALICE, 'x', { reply_markup: { inline_keyboard: [[{ text: 'big', callback_data: 'x'.repeat(65) }]] } }),
      400,
      'Bad Request: BUTTON_DATA_INVALID',
    );
  });
});
