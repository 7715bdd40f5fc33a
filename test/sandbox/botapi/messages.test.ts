// forwardMessage, editMessageText and deleteMessage on the sandbox's Bot API server, through
// grammY: Telegram's forward_origin and legacy fields, edits in place with edit_date, the 48-hour and
// admin rules of deletion, message ids that never shift, the users' box copies following along,
// and each refusal's exact text.
import { Api } from 'grammy';
import type { Message } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_BOT_ID } from '../../../src/sandbox/world/default-world.js';
import { ALICE, BOB, BOOK_CLUB, COMMUNITY, EXAMPLE, NEWS, OTHER_TOKEN, refused, sandbox, type Sandbox } from './helpers.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const NOT_MODIFIED =
  'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';
const box = (s: Sandbox, owner: number, peer: { type: 'user' | 'chat'; id: number }) => s.world.accounts.account(owner).history(peer);

describe('forwardMessage', () => {
  it("keeps the content and names the origin: a user, the bot itself, a channel's post", async () => {
    sb = await sandbox();
    const { api, world } = sb;
    const said = world.driver.sendPrivate(ALICE, 'a *question* from Alice', { entities: [{ type: 'bold', offset: 2, length: 10 }] });
    const fwd = await api.forwardMessage(EXAMPLE, ALICE, said.message_id);
    expect(fwd).toMatchObject({
      from: { id: SANDBOX_BOT_ID, is_bot: true },
      chat: { id: EXAMPLE, type: 'private' },
      text: 'a *question* from Alice',
      entities: [{ type: 'bold', offset: 2, length: 10 }],
      forward_origin: { type: 'user', sender_user: { id: ALICE, first_name: 'Alice' }, date: said.date },
      forward_from: { id: ALICE },
      forward_date: said.date,
    });
    expect(fwd.reply_to_message).toBeUndefined();
    // The user's own box (MTProto) shows it forwarded from Alice.
    expect(box(sb, EXAMPLE, { type: 'user', id: SANDBOX_BOT_ID }).at(-1)).toMatchObject({ text: 'a *question* from Alice', fwdFrom: { from: ALICE, date: said.date } });

    // A forward of a forward keeps the first origin.
    const again = await api.forwardMessage(BOOK_CLUB, EXAMPLE, fwd.message_id, { disable_notification: true });
    expect(again).toMatchObject({ chat: { id: BOOK_CLUB }, forward_origin: { type: 'user', sender_user: { id: ALICE } } });
    expect(world.isSilent(world.received(BOOK_CLUB).at(-1)!)).toBe(true);

    const post = await api.sendMessage(NEWS, 'Release 1.0');
    const fromChannel = await api.forwardMessage(COMMUNITY, NEWS, post.message_id);
    expect(fromChannel).toMatchObject({
      from: { id: SANDBOX_BOT_ID },
      forward_origin: { type: 'channel', chat: { id: NEWS, type: 'channel', title: 'tgsh News' }, message_id: post.message_id, date: post.date },
      forward_from_chat: { id: NEWS },
      forward_from_message_id: post.message_id,
      text: 'Release 1.0',
    });
    const mine = await api.sendMessage(ALICE, 'from the bot');
    expect(await api.forwardMessage(EXAMPLE, ALICE, mine.message_id)).toMatchObject({ forward_origin: { type: 'user', sender_user: { id: SANDBOX_BOT_ID, is_bot: true } } });
  });

  it('refusals: a missing or deleted message, a protected one, a service message, the target rules', async () => {
    sb = await sandbox();
    const { api, world } = sb;
    await refused(api.forwardMessage(EXAMPLE, ALICE, 999), 400, 'Bad Request: message to forward not found');
    const kept = await api.sendMessage(ALICE, 'secret', { protect_content: true });
    await refused(api.forwardMessage(EXAMPLE, ALICE, kept.message_id), 400, "Bad Request: message can't be forwarded");
    const gone = await api.sendMessage(ALICE, 'soon gone');
    await api.deleteMessage(ALICE, gone.message_id);
    await refused(api.forwardMessage(EXAMPLE, ALICE, gone.message_id), 400, 'Bad Request: message to forward not found');
    // The forum's first message is the service message of its creation.
    await refused(api.forwardMessage(EXAMPLE, '@tgsh_forum', 1), 400, "Bad Request: message can't be forwarded");
    const ok = await api.sendMessage(ALICE, 'fine');
    await refused(api.forwardMessage(BOB, ALICE, ok.message_id), 403, 'Forbidden: bot was blocked by the user');
    await refused(api.forwardMessage(EXAMPLE, 6123456789, 1), 400, 'Bad Request: chat not found');
    const other = new Api(OTHER_TOKEN, { apiRoot: sb.server.apiRoot });
    await refused(other.forwardMessage(EXAMPLE, ALICE, ok.message_id), 400, 'Bad Request: chat not found');
    expect(world.received(EXAMPLE)).toEqual([]);
  });
});

describe('editMessageText', () => {
  it("edits the bot's message in place: edit_date, new entities, the user's copy follows", async () => {
    sb = await sandbox();
    const { api, world } = sb;
    const m = await api.sendMessage(ALICE, 'first');
    world.advanceClock(5000);
    const e = (await api.editMessageText(ALICE, m.message_id, '<b>second</b>', { parse_mode: 'HTML' })) as Message;
    expect(e).toMatchObject({ message_id: m.message_id, text: 'second', entities: [{ type: 'bold', offset: 0, length: 6 }], date: m.date });
    expect(e.edit_date).toBeGreaterThanOrEqual(m.date + 5);
    expect(world.received(ALICE).map((x) => x.text)).toEqual(['second']);
    expect(box(sb, ALICE, { type: 'user', id: SANDBOX_BOT_ID }).at(-1)).toMatchObject({ text: 'second', editDate: e.edit_date });
    // The same text and entities: not modified. Other entities: modified.
    await refused(api.editMessageText(ALICE, m.message_id, '<b>second</b>', { parse_mode: 'HTML' }), 400, NOT_MODIFIED);
    expect(((await api.editMessageText(ALICE, m.message_id, 'second')) as Message).entities).toBeUndefined();
    // In a basic group every member's box follows.
    const g = await api.sendMessage(BOOK_CLUB, 'club news');
    await api.editMessageText(BOOK_CLUB, g.message_id, 'club news, corrected');
    expect(box(sb, EXAMPLE, { type: 'chat', id: 4567 }).at(-1)!.text).toBe('club news, corrected');
    expect(box(sb, ALICE, { type: 'chat', id: 4567 }).at(-1)!.text).toBe('club news, corrected');
  });

  it("refusals: another's message, a missing one, a file, an inline message, bad input", async () => {
    sb = await sandbox();
    const { api, world } = sb;
    const said = world.driver.sendPrivate(ALICE, 'my words');
    await refused(api.editMessageText(ALICE, said.message_id, 'yours now'), 400, "Bad Request: message can't be edited");
    await refused(api.editMessageText(ALICE, 999, 'x'), 400, 'Bad Request: message to edit not found');
    const other = new Api(OTHER_TOKEN, { apiRoot: sb.server.apiRoot });
    const inClub = world.driver.sendToChat(EXAMPLE, '@tgsh_chat', 'hello all');
    const byBot = await api.sendMessage(COMMUNITY, 'bot here');
    await refused(api.editMessageText(COMMUNITY, inClub.message_id, 'x'), 400, "Bad Request: message can't be edited");
    await refused(other.editMessageText(COMMUNITY, byBot.message_id, 'x'), 403, 'Forbidden: bot is not a member of the supergroup chat');
    const doc = await api.sendDocument(ALICE, new (await import('grammy')).InputFile(Buffer.from('hi'), 'a.txt'));
    await refused(api.editMessageText(ALICE, doc.message_id, 'x'), 400, 'Bad Request: there is no text in the message to edit');
    await refused(api.editMessageText(ALICE, byBot.message_id, ''), 400, 'Bad Request: message text is empty');
    const r = await refused(api.editMessageTextInline('AgAAAA', 'x'), 400, 'Bad Request: inline_message_id is not supported by the sandbox (it has no inline mode): give chat_id and message_id');
    expect(r.error_code).toBe(400);
    const gone = await api.sendMessage(ALICE, 'gone');
    await api.deleteMessage(ALICE, gone.message_id);
    await refused(api.editMessageText(ALICE, gone.message_id, 'back?'), 400, 'Bad Request: message to edit not found');
    // A forward is not the bot's own text, even when the bot forwarded it.
    const fwd = await api.forwardMessage(EXAMPLE, ALICE, said.message_id);
    await refused(api.editMessageText(EXAMPLE, fwd.message_id, 'x'), 400, "Bad Request: message can't be edited");
  });
});

describe('deleteMessage', () => {
  it('deletes without shifting ids; the inbox and the user box no longer show it; twice: not found', async () => {
    sb = await sandbox();
    const { api, world } = sb;
    const a = await api.sendMessage(ALICE, 'one');
    const b = await api.sendMessage(ALICE, 'two');
    expect(await api.deleteMessage(ALICE, a.message_id)).toBe(true);
    expect(world.received(ALICE).map((m) => m.text)).toEqual(['two']);
    expect(box(sb, ALICE, { type: 'user', id: SANDBOX_BOT_ID }).map((m) => m.text)).not.toContain('one');
    const c = await api.sendMessage(ALICE, 'three');
    expect(c.message_id).toBe(b.message_id + 1);
    expect(world.findMessage(SANDBOX_BOT_ID, world.chat(ALICE), b.message_id)?.text).toBe('two');
    await refused(api.deleteMessage(ALICE, a.message_id), 400, 'Bad Request: message to delete not found');
    // A reply to the deleted message is refused as a reply to a missing one.
    await refused(api.sendMessage(ALICE, 're', { reply_parameters: { message_id: a.message_id } }), 400, 'Bad Request: message to be replied not found');
  });

  it("private chats: the user's messages too, under 48 hours old; the user's own copy goes", async () => {
    sb = await sandbox();
    const { api, world } = sb;
    const said = world.driver.sendPrivate(EXAMPLE, 'delete me');
    expect(box(sb, EXAMPLE, { type: 'user', id: SANDBOX_BOT_ID }).map((m) => m.text)).toContain('delete me');
    expect(await api.deleteMessage(EXAMPLE, said.message_id)).toBe(true);
    expect(world.messages(EXAMPLE, { bot: SANDBOX_BOT_ID }).map((m) => m.text)).not.toContain('delete me');
    expect(box(sb, EXAMPLE, { type: 'user', id: SANDBOX_BOT_ID }).map((m) => m.text)).not.toContain('delete me');
    // What the user sent over MTProto (their own session): the copy in their box goes too.
    const mine = world.accounts.send(EXAMPLE, { type: 'user', id: SANDBOX_BOT_ID }, { text: 'sent from my phone' });
    const theirs = world.messages(EXAMPLE, { bot: SANDBOX_BOT_ID }).at(-1)!;
    expect(theirs.text).toBe('sent from my phone');
    await api.deleteMessage(EXAMPLE, theirs.message_id);
    expect(world.accounts.account(EXAMPLE).messages.has(mine.id)).toBe(false);
    expect(world.accounts.eventsAfter(EXAMPLE, 0).at(-1)!.update).toEqual({ kind: 'delete', ids: [mine.id] });
    // The seeded /start is weeks old.
    await refused(api.deleteMessage(ALICE, 1), 400, "Bad Request: message can't be deleted");
    const old = await api.sendMessage(ALICE, 'aging');
    world.advanceClock(48 * 3600_000);
    await refused(api.deleteMessage(ALICE, old.message_id), 400, "Bad Request: message can't be deleted");
    expect(world.received(ALICE).map((m) => m.text)).toContain('aging');
  });

  it('groups: its own messages; others only as an administrator; never the service message of a creation', async () => {
    sb = await sandbox();
    const { api, world } = sb;
    const theirs = world.driver.sendToChat(EXAMPLE, COMMUNITY, 'a member speaks');
    await refused(api.deleteMessage(COMMUNITY, theirs.message_id), 400, "Bad Request: message can't be deleted");
    const own = await api.sendMessage(COMMUNITY, 'the bot speaks');
    expect(await api.deleteMessage(COMMUNITY, own.message_id)).toBe(true);
    world.driver.promote(SANDBOX_BOT_ID, COMMUNITY);
    expect(await api.deleteMessage(COMMUNITY, theirs.message_id)).toBe(true);
    expect(world.messages(COMMUNITY).map((m) => m.text)).not.toContain('a member speaks');
    world.driver.promote(SANDBOX_BOT_ID, '@tgsh_forum');
    await refused(api.deleteMessage('@tgsh_forum', 1), 400, "Bad Request: message can't be deleted");
    await refused(api.deleteMessage('@tgsh_forum', 2), 400, "Bad Request: message can't be deleted");
    // A basic group: every member's copy goes.
    const g = await api.sendMessage(BOOK_CLUB, 'for the club');
    expect(box(sb, ALICE, { type: 'chat', id: 4567 }).map((m) => m.text)).toContain('for the club');
    await api.deleteMessage(BOOK_CLUB, g.message_id);
    expect(box(sb, ALICE, { type: 'chat', id: 4567 }).map((m) => m.text)).not.toContain('for the club');
    expect(box(sb, EXAMPLE, { type: 'chat', id: 4567 }).map((m) => m.text)).not.toContain('for the club');
    world.driver.kick(SANDBOX_BOT_ID, BOOK_CLUB);
    await refused(api.deleteMessage(BOOK_CLUB, 1), 403, 'Forbidden: bot was kicked from the group chat');
  });
});
