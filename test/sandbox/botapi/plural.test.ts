// deleteMessages, forwardMessages, copyMessage and copyMessages on the sandbox's Bot API server,
// through grammY: what telegram-bot-api does with missing, protected and service messages (skipped
// by the plural methods, refused by the singular), the MessageId answers, the users' box copies,
// the send limits counting every message of a batch, and each refusal's exact text.
import { InputFile } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_BOT_ID } from '../../../src/sandbox/world/default-world.js';
import { ALICE, BOB, BOOK_CLUB, COMMUNITY, EXAMPLE, refused, sandbox, type Sandbox } from './helpers.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const box = (s: Sandbox, owner: number) => s.world.accounts.account(owner).history({ type: 'user', id: SANDBOX_BOT_ID });
const ids = (n: number, from = 1): number[] => Array.from({ length: n }, (_, i) => from + i);
/** Calls a method with raw parameters (grammY types would refuse the malformed ones). */
const raw = (s: Sandbox, method: string, params: Record<string, unknown>): Promise<unknown> => s.api.raw[method as 'deleteMessages'](params as never);

describe('message_ids, as telegram-bot-api reads it', () => {
  it('each malformed list has its own text, for every plural method', async () => {
    sb = await sandbox();
    for (const method of ['deleteMessages', 'forwardMessages', 'copyMessages']) {
      const base = method === 'deleteMessages' ? { chat_id: ALICE } : { chat_id: EXAMPLE, from_chat_id: ALICE };
      await refused(raw(sb, method, base), 400, 'Bad Request: message identifiers are not specified');
      await refused(raw(sb, method, { ...base, message_ids: [] }), 400, 'Bad Request: message identifiers are not specified');
      await refused(raw(sb, method, { ...base, message_ids: '[1,' }), 400, "Bad Request: can't parse message_ids JSON object");
      await refused(raw(sb, method, { ...base, message_ids: '{"a":1}' }), 400, 'Bad Request: expected an Array of message identifiers');
      await refused(raw(sb, method, { ...base, message_ids: ids(101) }), 400, 'Bad Request: too many message identifiers specified');
      await refused(raw(sb, method, { ...base, message_ids: [1, null] }), 400, 'Bad Request: message identifier must be a Number');
      await refused(raw(sb, method, { ...base, message_ids: [1, 'x'] }), 400, "Bad Request: can't parse message identifier as a Number");
      await refused(raw(sb, method, { ...base, message_ids: [1, 2 ** 31] }), 400, "Bad Request: can't parse message identifier as a Number");
      await refused(raw(sb, method, { ...base, message_ids: [0] }), 400, 'Bad Request: invalid message identifier specified');
    }
    // Ids as strings are numbers too; 100 is the most.
    expect(await raw(sb, 'deleteMessages', { chat_id: ALICE, message_ids: ['900', 901] })).toBe(true);
    expect(await raw(sb, 'deleteMessages', { chat_id: ALICE, message_ids: ids(100, 1000) })).toBe(true);
    await refused(raw(sb, 'forwardMessages', { chat_id: EXAMPLE, message_ids: [1] }), 400, 'Bad Request: parameter "from_chat_id" is required');
    await refused(raw(sb, 'copyMessage', { chat_id: EXAMPLE, message_id: 1 }), 400, 'Bad Request: parameter "from_chat_id" is required');
  });
});

describe('deleteMessages', () => {
  it('deletes them all; missing ones are skipped; ids never shift; the users’ copies go', async () => {
    sb = await sandbox();
    const { api, world } = sb;
    const a = await api.sendMessage(ALICE, 'one');
    const b = await api.sendMessage(ALICE, 'two');
    const c = await api.sendMessage(ALICE, 'three');
    const said = world.driver.sendPrivate(ALICE, 'from Alice');
    expect(await api.deleteMessages(ALICE, [a.message_id, 999, c.message_id, said.message_id, a.message_id])).toBe(true);
    expect(world.received(ALICE).map((m) => m.text)).toEqual(['two']);
    expect(world.messages(ALICE, { bot: SANDBOX_BOT_ID }).map((m) => m.text)).not.toContain('from Alice');
    expect(box(sb, ALICE).map((m) => m.text)).not.toContain('one');
    expect(box(sb, ALICE).map((m) => m.text)).toContain('two');
    // Only missing ones: still true, nothing changes.
    expect(await api.deleteMessages(ALICE, [a.message_id, 999])).toBe(true);
    expect(world.received(ALICE).map((m) => m.text)).toEqual(['two']);
    expect((await api.sendMessage(ALICE, 'four')).message_id).toBe(said.message_id + 1);
    expect(b.message_id).toBe(a.message_id + 1);
  });

  it('one that may not be deleted fails the call and nothing is deleted; the chat rules are deleteMessage’s', async () => {
    sb = await sandbox();
    const { api, world } = sb;
    const mine = await api.sendMessage(COMMUNITY, 'the bot speaks');
    const theirs = world.driver.sendToChat(EXAMPLE, COMMUNITY, 'a member speaks');
    await refused(api.deleteMessages(COMMUNITY, [mine.message_id, theirs.message_id]), 400, "Bad Request: message can't be deleted");
    expect(world.messages(COMMUNITY).map((m) => m.text)).toEqual(expect.arrayContaining(['the bot speaks', 'a member speaks']));
    // The weeks-old /start in a private chat: the 48-hour rule.
    const fresh = await api.sendMessage(ALICE, 'fresh');
    await refused(api.deleteMessages(ALICE, [1, fresh.message_id]), 400, "Bad Request: message can't be deleted");
    expect(world.received(ALICE).map((m) => m.text)).toContain('fresh');
    world.driver.promote(SANDBOX_BOT_ID, COMMUNITY);
    expect(await api.deleteMessages(COMMUNITY, [mine.message_id, theirs.message_id])).toBe(true);
    expect(world.messages(COMMUNITY).map((m) => m.text)).not.toContain('a member speaks');
    await refused(api.deleteMessages(BOB, [1]), 403, 'Forbidden: bot was blocked by the user');
    await refused(api.deleteMessages(6123456789, [1]), 400, 'Bad Request: chat not found');
  });
});

describe('forwardMessages', () => {
  it('one call, the MessageIds of the forwards in order; missing, protected and service messages are left out', async () => {
    sb = await sandbox();
    const { api, world } = sb;
    const said = world.driver.sendPrivate(ALICE, 'a question from Alice');
    const mine = await api.sendMessage(ALICE, 'the answer');
    const kept = await api.sendMessage(ALICE, 'secret', { protect_content: true });
    const doc = await api.sendDocument(ALICE, new InputFile(Buffer.from('hi'), 'a.txt'), { caption: 'the file' });
    const before = world.received(EXAMPLE).length;
    const sent = await api.forwardMessages(EXAMPLE, ALICE, [said.message_id, mine.message_id, kept.message_id, 998, doc.message_id], { disable_notification: true });
    expect(sent).toHaveLength(3);
    expect(sent.every((m) => Object.keys(m).join() === 'message_id')).toBe(true);
    const got = world.received(EXAMPLE).slice(before);
    expect(got.map((m) => m.message_id)).toEqual(sent.map((m) => m.message_id));
    expect(got[0]).toMatchObject({ text: 'a question from Alice', forward_origin: { type: 'user', sender_user: { id: ALICE } }, forward_from: { id: ALICE } });
    expect(got[1]).toMatchObject({ text: 'the answer', forward_origin: { type: 'user', sender_user: { id: SANDBOX_BOT_ID } } });
    expect(got[2]).toMatchObject({ caption: 'the file', document: { file_name: 'a.txt' }, forward_origin: { type: 'user' } });
    expect(got.every((m) => world.isSilent(m))).toBe(true);
    // The user's own box shows them forwarded.
    expect(box(sb, EXAMPLE).slice(-3).map((m) => m.fwdFrom?.from)).toEqual([ALICE, SANDBOX_BOT_ID, SANDBOX_BOT_ID]);
    // Into a basic group, every member's box.
    const [g] = await api.forwardMessages(BOOK_CLUB, ALICE, [said.message_id]);
    expect(world.findMessage(SANDBOX_BOT_ID, world.chat(BOOK_CLUB), g!.message_id)).toMatchObject({ text: 'a question from Alice' });
  });

  it('refusals: nothing there, nothing forwardable, ids out of order, the chats’ rules', async () => {
    sb = await sandbox();
    const { api, world } = sb;
    const a = await api.sendMessage(ALICE, 'a');
    const b = await api.sendMessage(ALICE, 'b');
    const kept = await api.sendMessage(ALICE, 'secret', { protect_content: true });
    await refused(api.forwardMessages(EXAMPLE, ALICE, [998, 999]), 400, 'Bad Request: there are no messages to forward');
    await refused(api.forwardMessages(EXAMPLE, ALICE, [kept.message_id]), 400, "Bad Request: messages can't be forwarded");
    await refused(api.forwardMessages(EXAMPLE, '@tgsh_forum', [1]), 400, "Bad Request: messages can't be forwarded");
    await refused(api.forwardMessages(EXAMPLE, ALICE, [b.message_id, a.message_id]), 400, 'Bad Request: message identifiers must be in a strictly increasing order');
    await refused(api.forwardMessages(EXAMPLE, ALICE, [a.message_id, a.message_id]), 400, 'Bad Request: message identifiers must be in a strictly increasing order');
    await refused(api.forwardMessages(BOB, ALICE, [a.message_id]), 403, 'Forbidden: bot was blocked by the user');
    await refused(api.forwardMessages(EXAMPLE, 6123456789, [1]), 400, 'Bad Request: chat not found');
    await refused(api.forwardMessages(COMMUNITY, ALICE, [a.message_id], { message_thread_id: 77 }), 400, 'Bad Request: message thread not found');
    expect(world.received(EXAMPLE)).toEqual([]);
  });

  it('counts every message against the send limits: a batch that fits goes, the next send waits', async () => {
    sb = await sandbox({ limits: { bot_limits_enabled: true, bot_group_per_minute: 5, bot_global_per_second: 1000, bot_private_per_second: 1000, bot_private_burst: 1000 } });
    const { api, world } = sb;
    world.freezeClock();
    const sent = await Promise.all(['1', '2', '3', '4'].map((t) => api.sendMessage(ALICE, t)));
    expect(await api.forwardMessages(COMMUNITY, ALICE, sent.map((m) => m.message_id))).toHaveLength(4);
    await api.sendMessage(COMMUNITY, 'fifth');
    const e = await refused(api.forwardMessages(COMMUNITY, ALICE, [sent[0]!.message_id]), 429, 'Too Many Requests: retry after 60');
    expect(e.parameters.retry_after).toBe(60);
  });
});

describe('copyMessage and copyMessages', () => {
  it('copies without a link to the original; a new caption; a reply and a keyboard', async () => {
    sb = await sandbox();
    const { api, world } = sb;
    const said = world.driver.sendPrivate(ALICE, 'words of Alice');
    const copy = await api.copyMessage(EXAMPLE, ALICE, said.message_id, { reply_markup: { inline_keyboard: [[{ text: 'ok', callback_data: 'ok' }]] } });
    expect(Object.keys(copy)).toEqual(['message_id']);
    const m = world.findMessage(SANDBOX_BOT_ID, world.chat(EXAMPLE), copy.message_id)!;
    expect(m).toMatchObject({ text: 'words of Alice', from: { id: SANDBOX_BOT_ID }, reply_markup: { inline_keyboard: [[{ text: 'ok' }]] } });
    expect(m.forward_origin).toBeUndefined();
    expect(box(sb, EXAMPLE).at(-1)).toMatchObject({ text: 'words of Alice' });
    expect(box(sb, EXAMPLE).at(-1)!.fwdFrom).toBeUndefined();
    // A caption replaces a file's caption (parse_mode applies); a text message has none to replace.
    const doc = await api.sendDocument(ALICE, new InputFile(Buffer.from('hi'), 'a.txt'), { caption: 'old' });
    const c2 = await api.copyMessage(EXAMPLE, ALICE, doc.message_id, { caption: '<b>new</b>', parse_mode: 'HTML', reply_parameters: { message_id: copy.message_id } });
    expect(world.findMessage(SANDBOX_BOT_ID, world.chat(EXAMPLE), c2.message_id)).toMatchObject({
      document: { file_name: 'a.txt' },
      caption: 'new',
      caption_entities: [{ type: 'bold', offset: 0, length: 3 }],
      reply_to_message: { message_id: copy.message_id },
    });
    const c3 = await api.copyMessage(EXAMPLE, ALICE, said.message_id, { caption: 'ignored' });
    expect(world.findMessage(SANDBOX_BOT_ID, world.chat(EXAMPLE), c3.message_id)).toMatchObject({ text: 'words of Alice' });
    expect(world.findMessage(SANDBOX_BOT_ID, world.chat(EXAMPLE), c3.message_id)!.caption).toBeUndefined();
    // An empty caption removes it.
    const c4 = await api.copyMessage(EXAMPLE, ALICE, doc.message_id, { caption: '' });
    expect(world.findMessage(SANDBOX_BOT_ID, world.chat(EXAMPLE), c4.message_id)!.caption).toBeUndefined();
    // A bot may copy a protected message (it may not forward one).
    const kept = await api.sendMessage(ALICE, 'secret', { protect_content: true });
    expect((await api.copyMessage(EXAMPLE, ALICE, kept.message_id)).message_id).toBe(c4.message_id + 1);
  });

  it('copyMessage refusals', async () => {
    sb = await sandbox();
    const { api } = sb;
    const a = await api.sendMessage(ALICE, 'a');
    await refused(api.copyMessage(EXAMPLE, ALICE, 999), 400, 'Bad Request: message to copy not found');
    await refused(api.copyMessage(EXAMPLE, '@tgsh_forum', 1), 400, "Bad Request: the message can't be copied");
    await refused(api.copyMessage(EXAMPLE, ALICE, a.message_id, { caption: 'x'.repeat(1025) }), 400, 'Bad Request: message caption is too long');
    await refused(api.copyMessage(BOB, ALICE, a.message_id), 403, 'Forbidden: bot was blocked by the user');
    await refused(api.copyMessage(EXAMPLE, ALICE, a.message_id, { reply_parameters: { message_id: 999 } }), 400, 'Bad Request: message to be replied not found');
  });

  it('copyMessages: the MessageIds in order, remove_caption, what is missing left out', async () => {
    sb = await sandbox();
    const { api, world } = sb;
    const doc = await api.sendDocument(ALICE, new InputFile(Buffer.from('hi'), 'a.txt'), { caption: 'cap' });
    const t = await api.sendMessage(ALICE, 'text');
    const kept = await api.sendMessage(ALICE, 'secret', { protect_content: true });
    const sent = await api.copyMessages(EXAMPLE, ALICE, [doc.message_id, t.message_id, 990, kept.message_id], { remove_caption: true });
    expect(sent).toHaveLength(3);
    const got = sent.map((m) => world.findMessage(SANDBOX_BOT_ID, world.chat(EXAMPLE), m.message_id)!);
    expect(got.map((m) => m.text ?? m.document?.file_name)).toEqual(['a.txt', 'text', 'secret']);
    expect(got[0]!.caption).toBeUndefined();
    expect(got.every((m) => m.forward_origin === undefined)).toBe(true);
    await refused(api.copyMessages(EXAMPLE, ALICE, [998]), 400, 'Bad Request: there are no messages to forward');
    await refused(api.copyMessages(EXAMPLE, '@tgsh_forum', [1]), 400, "Bad Request: messages can't be forwarded");
  });
});
