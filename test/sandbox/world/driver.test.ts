import { describe, expect, it } from 'vitest';
import { defaultWorldData, EXAMPLE_USER_ID, SANDBOX_BOT_ID } from '../../../src/sandbox/world/default-world.js';
import { UpdateQueue } from '../../../src/sandbox/world/updates.js';
import { World } from '../../../src/sandbox/world/world.js';

const ALICE = 200000001;
const BOB = 200000002;
const CAROL = 200000003;
const OTHER_BOT = 7000000002;
const BOOK_CLUB = -4567;
const NEWS = -1001098765432;
const COMMUNITY = -1001234567890;

const bot = { id: SANDBOX_BOT_ID, is_bot: true, first_name: 'tgsh sandbox', username: 'tgsh_sandbox_bot' };
const alice = { id: ALICE, is_bot: false, first_name: 'Alice', last_name: 'Started', username: 'alice_started' };
const aliceChat = { id: ALICE, first_name: 'Alice', last_name: 'Started', username: 'alice_started', type: 'private' };

function fresh() {
  const world = new World(defaultWorldData());
  const q = world.updates(SANDBOX_BOT_ID);
  q.confirm(q.nextUpdateId); // forget the seeded updates
  return { world, q, d: world.driver };
}

describe('UpdateQueue', () => {
  it('keeps updates until an offset confirms them; negative offsets count from the end; limit', () => {
    const q = new UpdateQueue(10);
    for (let i = 0; i < 5; i++) q.push('message', { message_id: i } as any);
    expect(q.peek(100).map((u) => u.update_id)).toEqual([10, 11, 12, 13, 14]);
    expect(q.peek(2).map((u) => u.update_id)).toEqual([10, 11]);
    q.confirm(12);
    expect(q.peek(100).map((u) => u.update_id)).toEqual([12, 13, 14]);
    q.confirm(11); // an older offset forgets nothing more
    expect(q.pending).toBe(3);
    q.confirm(-1);
    expect(q.peek(100).map((u) => u.update_id)).toEqual([14]);
    q.confirm(15);
    expect(q.pending).toBe(0);
    q.push('message', { message_id: 9 } as any);
    expect(q.peek(100)[0].update_id).toBe(15);
  });

  it('filters by allowed kinds and holds 100,000 updates cheaply', () => {
    const q = new UpdateQueue(1);
    q.pushMany('message', Array.from({ length: 100_000 }, (_, i) => ({ message_id: i }) as any));
    q.push('chat_member', {} as any);
    expect(q.pending).toBe(100_001);
    expect(q.peek(1, new Set(['chat_member']))[0].update_id).toBe(100_001);
    q.confirm(50_001);
    expect(q.pending).toBe(50_001);
    expect(q.peek(1)[0].update_id).toBe(50_001);
    q.confirm(-10);
    expect(q.peek(100).length).toBe(10);
  });
});

describe('seeded updates', () => {
  it('a fresh world holds /start for started relations, and my_chat_member kicked for blocked ones', () => {
    const world = new World(defaultWorldData());
    const ups = world.updates(SANDBOX_BOT_ID).all();
    expect(ups.map((u) => Object.keys(u)[1])).toEqual(['message', 'message', 'my_chat_member', 'message']);
    expect(ups[0].message).toMatchObject({
      message_id: 1,
      from: alice,
      chat: aliceChat,
      date: 1793491260,
      text: '/start welcome',
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
    });
    expect(ups[1].message).toMatchObject({ from: { id: BOB }, text: '/start', date: 1793491320 });
    expect(ups[2].my_chat_member).toEqual({
      chat: { id: BOB, first_name: 'Bob', last_name: 'Blocked', username: 'bob_blocked', type: 'private' },
      from: { id: BOB, is_bot: false, first_name: 'Bob', last_name: 'Blocked', username: 'bob_blocked' },
      date: 1793491380,
      old_chat_member: { user: bot, status: 'member' },
      new_chat_member: { user: bot, status: 'kicked', until_date: 0 },
    });
    expect(ups[3].message).toMatchObject({ from: { id: EXAMPLE_USER_ID }, text: '/start' });
    expect(world.updates(OTHER_BOT).pending).toBe(0);
  });
});

describe('driver', () => {
  it('private message and /start with payload (relation recorded)', () => {
    const { world, q, d } = fresh();
    const m = d.sendPrivate(CAROL, 'hello there');
    expect(q.all()).toEqual([{ update_id: expect.any(Number), message: m }]);
    expect(m).toMatchObject({ message_id: 1, from: { id: CAROL, is_bot: false }, chat: { id: CAROL, type: 'private' }, text: 'hello there' });
    expect(world.relation(CAROL, SANDBOX_BOT_ID)).toBeUndefined();
    world.advanceClock(5000);
    const s = d.start('carol_never', { payload: 'promo-42' });
    expect(s.text).toBe('/start promo-42');
    expect(s.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);
    expect(world.relation(CAROL, SANDBOX_BOT_ID)).toMatchObject({ started_at: world.now(), start_payload: 'promo-42' });
    expect(() => d.start(CAROL, { payload: 'bad payload' })).toThrow(/64 characters/);
  });

  it('/stop is a message; block and unblock send my_chat_member', () => {
    const { world, q, d } = fresh();
    expect(d.stop(ALICE).text).toBe('/stop');
    d.block(ALICE);
    expect(world.relation(ALICE, SANDBOX_BOT_ID)!.blocked_at).toBe(world.now());
    expect(() => d.sendPrivate(ALICE, 'hi')).toThrow(/blocked/);
    d.unblock(ALICE);
    const kinds = q.all().map((u) => Object.keys(u)[1]);
    expect(kinds).toEqual(['message', 'my_chat_member', 'my_chat_member']);
    const [, blocked, unblocked] = q.all();
    expect(blocked.my_chat_member).toMatchObject({
      chat: aliceChat,
      from: alice,
      old_chat_member: { status: 'member', user: bot },
      new_chat_member: { status: 'kicked', until_date: 0, user: bot },
    });
    expect(unblocked.my_chat_member).toMatchObject({
      old_chat_member: { status: 'kicked', until_date: 0 },
      new_chat_member: { status: 'member' },
    });
    expect(world.relation(ALICE, SANDBOX_BOT_ID)!.blocked_at).toBeUndefined();
    // Start after a block is Telegram's "Restart": unblock, then /start.
    d.block(BOB);
    q.confirm(q.nextUpdateId);
    d.start(BOB);
    expect(q.all().map((u) => Object.keys(u)[1])).toEqual(['my_chat_member', 'message']);
  });

  it('group messages follow privacy mode: commands, mentions and replies reach a non-admin bot', () => {
    const { q, d } = fresh();
    d.sendToChat(ALICE, BOOK_CLUB, 'just chatting');
    expect(q.pending).toBe(0);
    const cmd = d.sendToChat(ALICE, BOOK_CLUB, '/poll@tgsh_sandbox_bot now');
    const mention = d.sendToChat(ALICE, BOOK_CLUB, 'hey @tgsh_sandbox_bot');
    d.sendToChat(ALICE, BOOK_CLUB, '/other@other_helper_bot');
    expect(q.all().map((u) => u.message)).toEqual([cmd, mention]);
    expect(cmd).toMatchObject({ chat: { id: BOOK_CLUB, type: 'group', title: 'Book Club' }, from: { id: ALICE } });
    expect(() => d.sendToChat(CAROL, BOOK_CLUB, 'x')).toThrow(/not a member/);
  });

  it('joins and leaves: new_chat_members / left_chat_member, my_chat_member for the bot, chat_member for admin bots', () => {
    const { world, q, d } = fresh();
    d.join(CAROL, BOOK_CLUB);
    const [joined] = q.all();
    expect(joined.message).toMatchObject({ chat: { id: BOOK_CLUB }, from: { id: CAROL }, new_chat_members: [{ id: CAROL }] });
    d.leave(CAROL, BOOK_CLUB);
    expect(q.all()[1].message).toMatchObject({ from: { id: CAROL }, left_chat_member: { id: CAROL } });

    // The other bot is added to the supergroup by its creator, then promoted, then removed.
    const other = world.updates(OTHER_BOT);
    d.join(OTHER_BOT, COMMUNITY, { by: EXAMPLE_USER_ID });
    expect(other.all().map((u) => Object.keys(u)[1])).toEqual(['my_chat_member', 'message']);
    expect(other.all()[0].my_chat_member).toMatchObject({
      chat: { id: COMMUNITY, type: 'supergroup', title: 'tgsh Community', username: 'tgsh_chat' },
      from: { id: EXAMPLE_USER_ID },
      old_chat_member: { status: 'left', user: { id: OTHER_BOT, is_bot: true } },
      new_chat_member: { status: 'member', user: { id: OTHER_BOT } },
    });
    expect(other.all()[1].message).toMatchObject({ new_chat_members: [{ id: OTHER_BOT, is_bot: true }] });
    d.promote(OTHER_BOT, COMMUNITY);
    expect(other.all()[2].my_chat_member).toMatchObject({
      old_chat_member: { status: 'member' },
      new_chat_member: { status: 'administrator', can_manage_chat: true, can_pin_messages: true },
    });
    // As an admin it now gets chat_member updates and every message.
    d.join(200000005, COMMUNITY);
    const kinds = other.all().slice(3).map((u) => Object.keys(u)[1]);
    expect(kinds).toEqual(['chat_member', 'message']);
    expect(other.all()[3].chat_member).toMatchObject({
      from: { id: 200000005 },
      old_chat_member: { status: 'left', user: { id: 200000005 } },
      new_chat_member: { status: 'member', user: { id: 200000005 } },
    });
    d.sendToChat(200000005, COMMUNITY, 'plain words');
    expect(other.all().at(-1)!.message!.text).toBe('plain words');
    d.kick(OTHER_BOT, COMMUNITY);
    expect(other.all().at(-1)!.my_chat_member).toMatchObject({
      from: { id: EXAMPLE_USER_ID },
      old_chat_member: { status: 'administrator' },
      new_chat_member: { status: 'kicked', until_date: 0 },
    });
    expect(world.memberStatus(world.chat(COMMUNITY), OTHER_BOT)).toBe('kicked');
  });

  it('the sandbox bot, admin of the channel, gets channel posts', () => {
    const { q, d } = fresh();
    const post = d.sendToChat(EXAMPLE_USER_ID, '@tgsh_news', 'Release 1.0');
    expect(q.all()[0].channel_post).toEqual(post);
    expect(post).toMatchObject({ chat: { id: NEWS, type: 'channel' }, sender_chat: { id: NEWS } });
    expect(() => d.sendToChat(ALICE, NEWS, 'x')).toThrow(/only admins/);
  });

  it('pressing an inline button sends callback_query; editing sends edited_message', () => {
    const { world, q, d } = fresh();
    const c = world.chat(ALICE);
    const sent = world.addMessage(
      SANDBOX_BOT_ID,
      c,
      { from: bot, text: 'Pick one', reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'yes' }]] } },
      { sentByBot: true },
    );
    const cq = d.pressButton(ALICE, { message_id: sent.message_id }, 'yes');
    expect(q.all()[0].callback_query).toEqual(cq);
    expect(cq).toMatchObject({ id: expect.any(String), from: alice, message: sent, chat_instance: expect.any(String), data: 'yes' });
    expect(() => d.pressButton(ALICE, { message_id: sent.message_id }, 'no')).toThrow(/no inline button/);

    const mine = d.sendPrivate(ALICE, 'typo');
    world.advanceClock(3000);
    const edited = d.editMessage(ALICE, { message_id: mine.message_id }, 'fixed https://example.com');
    const last = q.all().at(-1)!;
    expect(last.edited_message).toEqual(edited);
    expect(edited).toMatchObject({ message_id: mine.message_id, text: 'fixed https://example.com', edit_date: world.now() });
    expect(edited.entities).toEqual([{ type: 'url', offset: 6, length: 19 }]);
  });

  it('addUsers and enqueueMessages make a large backlog cheaply', () => {
    const { world, q, d } = fresh();
    const users = d.addUsers(1000, { startBot: SANDBOX_BOT_ID });
    expect(world.findByUsername('sandbox_user_999')?.type).toBe('user');
    const n = d.enqueueMessages(100_000, { from: users.map((u) => u.id) });
    expect(n).toBe(100_000);
    expect(q.pending).toBe(100_000);
    const first = q.peek(2);
    expect(first[0].message).toMatchObject({ from: { id: users[0].id }, text: 'message 0', message_id: 1 });
    expect(first[1].message).toMatchObject({ from: { id: users[1].id } });
    expect(world.messages(users[0].id).length).toBe(100);
  });
});
