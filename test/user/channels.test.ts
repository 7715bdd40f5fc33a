// tgsh as the user in supergroups and broadcast channels, end to end on the sandbox: history (text
// and JSON, with the chat's ids shared with the bots and the other members), search, mark_read
// (channels.readHistory), delete_msg (channels.deleteMessages, with Telegram's rights), files sent
// there and loaded back byte for byte, fwd out of and into them, posting in a channel as its
// creator, and each refusal explained.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMessageId } from '../../src/peers/message-id.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { defaultWorldData } from '../../src/sandbox/world/default-world.js';
import { World } from '../../src/sandbox/world/world.js';
import type { SandboxSession } from '../helpers/sandbox.js';
import { pngHeader as png } from '../helpers/images.js';
import { ALICE, BOT, EXAMPLE, userSession } from './helpers.js';

const COMMUNITY = -1001234567890; // @tgsh_chat: example_user is its creator and admin
const NEWS = -1001098765432; // @tgsh_news, broadcast: example_user is its creator
const PLAIN = -1000005550002; // @tgsh_plain: example_user is a plain member, Alice its admin
const ALICE_NEWS = -1000005550003; // @alice_news, broadcast: example_user a plain member
const BANNED = -1000005550004; // @tgsh_banned: example_user was banned
const LINE = /^ \[\d\d:\d\d\]  /;

function world(): World {
  const data = defaultWorldData();
  data.channels.push(
    { id: 5550002, access_hash: '5550002001', title: 'Plain Room', usernames: ['tgsh_plain'], broadcast: false, members: [EXAMPLE, ALICE, BOT], creator: ALICE, admins: [ALICE] },
    { id: 5550003, access_hash: '5550003001', title: 'Alice News', usernames: ['alice_news'], broadcast: true, members: [EXAMPLE, ALICE], creator: ALICE },
    { id: 5550004, access_hash: '5550004001', title: 'Banned Room', usernames: ['tgsh_banned'], broadcast: false, members: [ALICE], creator: ALICE, kicked: [EXAMPLE] },
  );
  return new World(data);
}

let sandbox: Sandbox;
let s: SandboxSession;
let file: string;
let photo: string;

beforeAll(async () => {
  sandbox = await startSandbox({ world: world() });
  s = await userSession(sandbox);
  file = join(s.home, 'notes.txt');
  writeFileSync(file, 'the notes of the meeting\n');
  photo = join(s.home, 'dot.png');
  writeFileSync(photo, png(5, 3));
});
afterAll(async () => {
  await s?.close();
  await sandbox?.close();
});

type Msg = Record<string, any>;
const hist = async (line: string): Promise<Msg[]> => ((await s.json(`[as=user] history ${line}`)) as Msg[][])[0]!;
const box = (chat: number) => sandbox.world.messages(chat);

describe('history, search and mark_read in a supergroup as the user', () => {
  it("shows the chat's one box: members', the bot's and its own messages, as telegram-cli lines", async () => {
    sandbox.world.driver.sendToChat(ALICE, '@tgsh_chat', 'hello from Alice');
    expect((await s.run('[as=bot] msg @tgsh_chat hello from the bot'))[0]).toMatchObject({ kind: 'sent' });
    expect(await s.text('[as=user] msg @tgsh_chat hello from me')).toMatch(/tgsh Community Example <<< hello from me\n$/);
    const lines = (await s.text('[as=user] history @tgsh_chat 3')).trimEnd().split('\n');
    expect(lines.map((l) => l.replace(LINE, ''))).toEqual([
      'tgsh Community Alice Started >>> hello from Alice',
      'tgsh Community tgsh sandbox >>> hello from the bot',
      'tgsh Community Example <<< hello from me',
    ]);
    // offset skips the newest.
    expect((await s.text('[as=user] history @tgsh_chat 1 1')).trimEnd().replace(LINE, '')).toBe('tgsh Community tgsh sandbox >>> hello from the bot');
  });

  it('answers JSON messages with permanent channel ids: the ids the Bot API side has', async () => {
    const list = await hist('@tgsh_chat 3');
    expect(list.map((m) => [m.text, m.out, m.from.peer_id, m.to.peer_type])).toEqual([
      ['hello from Alice', false, ALICE, 'channel'],
      ['hello from the bot', false, BOT, 'channel'],
      ['hello from me', true, EXAMPLE, 'channel'],
    ]);
    const ids = list.map((m) => parseMessageId(m.id));
    expect(ids.every((r) => 'kind' in r && r.kind === 'permanent' && r.type === 'channel' && r.peerId === 1234567890)).toBe(true);
    expect(ids.map((r) => (r as { messageId: number }).messageId)).toEqual(box(COMMUNITY).slice(-3).map((m) => m.message_id));
  });

  it('reply answers a message of the chat by its id; the bots see reply_to_message', async () => {
    sandbox.world.driver.sendToChat(ALICE, '@tgsh_chat', 'who is there?');
    const [q] = await hist('@tgsh_chat 1');
    const asked = (parseMessageId(q!.id as string) as { messageId: number }).messageId;
    const [r] = await s.json(`[as=user] reply ${q!.id} I am`);
    expect(r).toMatchObject({ event: 'message', out: true, text: 'I am', reply_id: asked });
    expect(box(COMMUNITY).at(-1)).toMatchObject({ text: 'I am', from: { id: EXAMPLE }, reply_to_message: { text: 'who is there?', from: { id: ALICE } } });
  });

  it('edit_msg changes its own message there; another member’s is MESSAGE_AUTHOR_REQUIRED, explained', async () => {
    await s.run('[as=user] msg @tgsh_chat a typo hre');
    const [mine] = await hist('@tgsh_chat 1');
    const [r] = await s.json(`[as=user] edit_msg ${mine!.id} a typo here`);
    expect(r).toMatchObject({ event: 'message', out: true, text: 'a typo here' });
    expect(box(COMMUNITY).at(-1)).toMatchObject({ text: 'a typo here', edit_date: expect.any(Number) });
    sandbox.world.driver.sendToChat(ALICE, '@tgsh_chat', 'Alice wrote this');
    const [hers] = await hist('@tgsh_chat 1');
    const [e] = await s.run(`[as=user] edit_msg ${hers!.id} rewritten`);
    expect(e).toMatchObject({ kind: 'fail', error: expect.stringContaining('MESSAGE_AUTHOR_REQUIRED'), hint: expect.stringContaining('only the author') });
    expect(box(COMMUNITY).at(-1)).toMatchObject({ text: 'Alice wrote this' });
  });

  it('search finds texts of the chat', async () => {
    const lines = (await s.text('[as=user] search @tgsh_chat HELLO FROM')).trimEnd().split('\n');
    expect(lines.map((l) => l.replace(LINE, ''))).toEqual([
      'tgsh Community Alice Started >>> hello from Alice',
      'tgsh Community tgsh sandbox >>> hello from the bot',
      'tgsh Community Example <<< hello from me',
    ]);
  });

  it('mark_read calls channels.readHistory for a supergroup (never messages.readHistory)', async () => {
    const stats = sandbox.mtproto.stats;
    const before = [stats.requestsFor('channels.readHistory'), stats.requestsFor('messages.readHistory')];
    expect(await s.run('[as=user] mark_read @tgsh_chat')).toEqual([{ kind: 'success' }]);
    expect([stats.requestsFor('channels.readHistory'), stats.requestsFor('messages.readHistory')]).toEqual([before[0]! + 1, before[1]]);
  });

  it('a chat this account was banned from: CHANNEL_PRIVATE, explained', async () => {
    const [r] = await s.run('[as=user] history @tgsh_banned');
    expect(r).toMatchObject({ kind: 'fail', error: expect.stringContaining('CHANNEL_PRIVATE'), hint: expect.stringContaining('banned') });
    expect(box(BANNED)).toHaveLength(0);
  });
});

describe('delete_msg in a supergroup as the user', () => {
  it('deletes its own message and, as an admin, anyone’s (channels.deleteMessages)', async () => {
    await s.run('[as=user] msg @tgsh_chat to be deleted');
    sandbox.world.driver.sendToChat(ALICE, '@tgsh_chat', 'Alice, deleted by the admin');
    const [mine, hers] = (await hist('@tgsh_chat 2')).map((m) => m.id as string);
    const stats = sandbox.mtproto.stats;
    const calls = stats.requestsFor('channels.deleteMessages');
    expect(await s.run(`[as=user] delete_msg ${mine}`)).toEqual([{ kind: 'success' }]);
    expect(await s.run(`[as=user] delete_msg ${hers}`)).toEqual([{ kind: 'success' }]);
    expect(stats.requestsFor('channels.deleteMessages')).toBe(calls + 2);
    expect(box(COMMUNITY).map((m) => m.text)).not.toContain('to be deleted');
    expect(box(COMMUNITY).map((m) => m.text)).not.toContain('Alice, deleted by the admin');
  });

  it("another member's message where it is no admin: MESSAGE_DELETE_FORBIDDEN, explained, nothing deleted", async () => {
    sandbox.world.driver.sendToChat(ALICE, '@tgsh_plain', 'Alice keeps this');
    const [m] = await hist('@tgsh_plain 1');
    const [r] = await s.run(`[as=user] delete_msg ${m!.id}`);
    expect(r).toMatchObject({ kind: 'fail', error: expect.stringContaining('MESSAGE_DELETE_FORBIDDEN'), hint: expect.stringContaining('its own messages') });
    expect(box(PLAIN).at(-1)).toMatchObject({ text: 'Alice keeps this' });
    // Its own there: deleted.
    await s.run('[as=user] msg @tgsh_plain mine, here');
    const [own] = await hist('@tgsh_plain 1');
    expect(await s.run(`[as=user] delete_msg ${own!.id}`)).toEqual([{ kind: 'success' }]);
    expect(box(PLAIN).at(-1)).toMatchObject({ text: 'Alice keeps this' });
  });
});

describe('files in a supergroup as the user', () => {
  it('send_document and send_photo with captions; the bots see them; load_* saves the same bytes', async () => {
    const [d] = await s.json(`[as=user] send_document @tgsh_chat ${file} the minutes`);
    expect(d).toMatchObject({ event: 'message', out: true, text: 'the minutes', media: { type: 'document' } });
    expect(box(COMMUNITY).at(-1)).toMatchObject({ caption: 'the minutes', from: { id: EXAMPLE }, document: { file_name: 'notes.txt' } });
    const saved = (await s.text(`[as=user] load_document ${(d as Msg).id}`)).trim();
    expect(readFileSync(saved).equals(readFileSync(file))).toBe(true);

    const [p] = await s.json(`[as=user] send_photo @tgsh_chat ${photo} a dot`);
    expect(p).toMatchObject({ text: 'a dot', media: { type: 'photo' } });
    expect(box(COMMUNITY).at(-1)).toMatchObject({ caption: 'a dot', photo: [{ width: 5, height: 3 }] });
    const savedPhoto = (await s.text(`[as=user] load_photo ${(p as Msg).id}`)).trim();
    expect(readFileSync(savedPhoto).equals(readFileSync(photo))).toBe(true);

    await s.run(`[as=user] send_video @tgsh_chat ${file} a clip`);
    expect(box(COMMUNITY).at(-1)).toMatchObject({ caption: 'a clip', video: { file_name: 'notes.txt' } });
    await s.run(`[as=user] send_audio @tgsh_chat ${file} a song`);
    expect(box(COMMUNITY).at(-1)).toMatchObject({ caption: 'a song', audio: { file_name: 'notes.txt' } });
  });

  it("a file the bot sent there loads too, from the history's id", async () => {
    await s.run(`[as=bot] send_document @tgsh_chat ${file} from the bot`);
    const [m] = await hist('@tgsh_chat 1');
    expect(m).toMatchObject({ text: 'from the bot', media: { type: 'document' } });
    const saved = (await s.text(`[as=user] load_file ${m!.id}`)).trim();
    expect(readFileSync(saved, 'utf8')).toBe('the notes of the meeting\n');
  });
});

describe('fwd with supergroups and channels as the user', () => {
  it("out of a supergroup to a user: Alice's copy names the author", async () => {
    sandbox.world.driver.sendToChat(ALICE, '@tgsh_chat', 'pass this on');
    const [m] = await hist('@tgsh_chat 1');
    const [r] = await s.json(`[as=user] fwd @alice_started ${m!.id}`);
    expect(r).toMatchObject({ event: 'message', out: true, text: 'pass this on', fwd_from: { peer_id: ALICE } });
    expect(sandbox.world.accounts.account(ALICE).history({ type: 'user', id: EXAMPLE }).at(-1)).toMatchObject({ text: 'pass this on', fwdFrom: { from: ALICE } });
  });

  it('into a supergroup from a private chat: the bots see forward_origin', async () => {
    await s.run('[as=user] msg @alice_started a private thought');
    const [h] = (await s.json('[as=user] history @alice_started 1')) as Msg[][];
    const [r] = await s.json(`[as=user] fwd @tgsh_chat ${h![0]!.id}`);
    expect(r).toMatchObject({ event: 'message', out: true, text: 'a private thought', to: { peer_type: 'channel' } });
    expect(box(COMMUNITY).at(-1)).toMatchObject({ text: 'a private thought', forward_origin: { type: 'user', sender_user: { id: EXAMPLE } } });
  });

  it('a channel post forwarded to a supergroup names the channel', async () => {
    await s.run('[as=user] msg @tgsh_news worth sharing');
    const [post] = await hist('@tgsh_news 1');
    await s.run(`[as=user] fwd @tgsh_chat ${post!.id}`);
    const last = box(COMMUNITY).at(-1)!;
    expect(last).toMatchObject({ text: 'worth sharing', forward_origin: { type: 'channel', chat: { id: NEWS } } });
  });
});

describe('broadcast channels as the user', () => {
  it("its creator posts: the post is the channel's; the channel's admin bot gets channel_post", async () => {
    const [r] = await s.json('[as=user] msg @tgsh_news Release 2.0');
    expect(r).toMatchObject({ event: 'message', out: true, text: 'Release 2.0', from: { peer_type: 'channel', peer_id: 1098765432 }, to: { peer_type: 'channel' } });
    expect(box(NEWS).at(-1)).toMatchObject({ text: 'Release 2.0', sender_chat: { id: NEWS } });
    expect(sandbox.world.updates(BOT).all().at(-1)).toMatchObject({ channel_post: { text: 'Release 2.0' } });
    const [m] = await hist('@tgsh_news 1');
    expect(m).toMatchObject({ text: 'Release 2.0', out: true });
  });

  it('a member who is no admin reads it, and may not post: CHAT_WRITE_FORBIDDEN, explained', async () => {
    sandbox.world.driver.sendToChat(ALICE, '@alice_news', "Alice's news");
    expect((await s.text('[as=user] history @alice_news')).trimEnd().replace(LINE, '')).toBe("Alice News >>> Alice's news");
    const [r] = await s.run('[as=user] msg @alice_news may I?');
    expect(r).toMatchObject({ kind: 'fail', error: expect.stringContaining('CHAT_WRITE_FORBIDDEN'), hint: expect.stringContaining('a channel it does not admin') });
    const [d] = await s.run(`[as=user] send_document @alice_news ${file}`);
    expect(d).toMatchObject({ kind: 'fail', error: expect.stringContaining('CHAT_WRITE_FORBIDDEN') });
    expect(box(ALICE_NEWS).map((m) => m.text)).toEqual(["Alice's news"]);
    const [m] = await hist('@alice_news 1');
    const [del] = await s.run(`[as=user] delete_msg ${m!.id}`);
    expect(del).toMatchObject({ kind: 'fail', error: expect.stringContaining('MESSAGE_DELETE_FORBIDDEN') });
  });

  it('dialog_list holds the supergroups and channels it is a member of (not the one it was banned from), with unread counts', async () => {
    await s.run('[as=user] msg @tgsh_chat my own line');
    sandbox.world.driver.sendToChat(ALICE, '@alice_news', 'a post to list');
    sandbox.world.driver.sendToChat(ALICE, '@tgsh_plain', 'news in the plain room');
    const lines = (await s.text('[as=user] dialog_list')).trimEnd().split('\n');
    const line = (title: string): string | undefined => lines.find((l) => l.startsWith(`Channel ${title}: `));
    expect(line('tgsh Community')).toMatch(/^Channel tgsh Community: \d+ unread$/);
    expect(line('Alice News')).toMatch(/^Channel Alice News: [1-9]\d* unread$/);
    expect(line('Plain Room')).toMatch(/^Channel Plain Room: [1-9]\d* unread$/);
    expect(lines.some((l) => l.includes('Banned Room'))).toBe(false);
    const [json] = (await s.json('[as=user] dialog_list')) as Array<Array<Record<string, unknown>>>;
    expect(json).toContainEqual(expect.objectContaining({ peer_type: 'channel', peer_id: 5550002, print_name: 'Plain_Room', unread_count: expect.any(Number) }));
    await s.run('[as=user] mark_read @tgsh_plain');
    expect((await s.text('[as=user] dialog_list')).split('\n')).toContain('Channel Plain Room: 0 unread');
  });
});
