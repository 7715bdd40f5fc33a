// message_thread_id and disable_notification on the sandbox's Bot API: a forum supergroup's topic
// takes the message (message_thread_id, is_topic_message), a topic that is not there and a chat
// without topics answer Telegram's "message thread not found"; silent sends are recorded.
import { InputFile } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { ALICE, BOOK_CLUB, COMMUNITY, refused, sandbox, type Sandbox } from './helpers.js';

const FORUM = -1001357913579; // supergroup @tgsh_forum with topics 2 (Help) and 3 (Releases)
let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

describe('forum topics (message_thread_id)', () => {
  it('the forum is a forum: getChat and Message.chat say is_forum', async () => {
    sb = await sandbox();
    expect(await sb.api.getChat(FORUM)).toMatchObject({ id: FORUM, type: 'supergroup', title: 'tgsh Forum', is_forum: true });
    expect(await sb.api.getChat(COMMUNITY)).not.toHaveProperty('is_forum');
    // A topic's id is the id of the message that opened it: the forum's box starts with them.
    expect(sb.world.messages(FORUM).map((m) => [m.message_id, m.message_thread_id, m.forum_topic_created?.name, m.supergroup_chat_created])).toEqual([
      [1, undefined, undefined, true],
      [2, 2, 'Help', undefined],
      [3, 3, 'Releases', undefined],
    ]);
  });

  it('a topic of the forum takes texts and files; without a thread id they go to General', async () => {
    sb = await sandbox();
    const { api, world } = sb;
    const m = await api.sendMessage(FORUM, 'in Help', { message_thread_id: 2 });
    expect(m).toMatchObject({ message_thread_id: 2, is_topic_message: true, text: 'in Help', chat: { id: FORUM, is_forum: true } });
    expect(Object.keys(m).slice(0, 2)).toEqual(['message_id', 'message_thread_id']);
    const d = await api.sendDocument(FORUM, new InputFile(Buffer.from('notes'), 'notes.txt'), { message_thread_id: 3, caption: 'release notes' });
    expect(d).toMatchObject({ message_thread_id: 3, is_topic_message: true, caption: 'release notes' });
    const general = await api.sendMessage(FORUM, 'in General');
    expect(general.message_thread_id).toBeUndefined();
    expect(world.received(FORUM).map((x) => [x.text ?? x.caption, x.message_thread_id])).toEqual([
      ['in Help', 2],
      ['release notes', 3],
      ['in General', undefined],
    ]);
  });

  it("a missing topic, and chats without topics, answer Telegram's text; nothing is recorded", async () => {
    sb = await sandbox();
    const { api, world } = sb;
    const notFound = 'Bad Request: message thread not found';
    await refused(api.sendMessage(FORUM, 'x', { message_thread_id: 99 }), 400, notFound);
    await refused(api.sendMessage(FORUM, 'x', { message_thread_id: 1 }), 400, notFound); // General is addressed without one
    await refused(api.sendMessage(COMMUNITY, 'x', { message_thread_id: 5 }), 400, notFound);
    await refused(api.sendMessage(BOOK_CLUB, 'x', { message_thread_id: 2 }), 400, notFound);
    await refused(api.sendMessage(ALICE, 'x', { message_thread_id: 2 }), 400, notFound);
    await refused(api.sendDocument(ALICE, new InputFile(Buffer.from('x'), 'x.txt'), { message_thread_id: 2 }), 400, notFound);
    expect([FORUM, COMMUNITY, BOOK_CLUB, ALICE].flatMap((c) => world.received(c))).toEqual([]);
    // 0 is no thread at all.
    expect((await api.sendMessage(ALICE, 'no thread', { message_thread_id: 0 })).message_thread_id).toBeUndefined();
  });

  it("in a supergroup without topics, a thread is the replies to one of its messages", async () => {
    sb = await sandbox();
    const root = sb.world.driver.sendToChat(ALICE, COMMUNITY, 'what do you think?');
    const m = await sb.api.sendMessage(COMMUNITY, 'in the thread', { message_thread_id: root.message_id });
    expect(m.message_thread_id).toBe(root.message_id);
    expect(m.is_topic_message).toBeUndefined();
  });
});

describe('disable_notification', () => {
  it('is recorded for texts and files, and reaches the user’s own box', async () => {
    sb = await sandbox();
    const { api, world } = sb;
    const quiet = await api.sendMessage(ALICE, 'quiet', { disable_notification: true });
    const loud = await api.sendMessage(ALICE, 'loud');
    const file = await api.sendDocument(ALICE, new InputFile(Buffer.from('f'), 'f.txt'), { disable_notification: true });
    const [q, l, f] = world.received(ALICE);
    expect([q!.message_id, l!.message_id, f!.message_id]).toEqual([quiet.message_id, loud.message_id, file.message_id]);
    expect([q, l, f].map((m) => world.isSilent(m!))).toEqual([true, false, true]);
    const box = world.accounts.account(ALICE).history({ type: 'user', id: 7000000001 });
    expect(box.map((m) => [m.text, m.silent])).toEqual([
      ['quiet', true],
      ['loud', false],
      ['', true],
    ]);
  });
});

describe('sendVideo and sendAudio', () => {
  it('answer video and audio (kept as documents), in topics, and reach the user’s box as files', async () => {
    sb = await sandbox();
    const { api, world } = sb;
    const v = await api.sendVideo(FORUM, new InputFile(Buffer.from('mp4?'), 'clip.mp4'), { caption: 'a clip', message_thread_id: 2, disable_notification: true });
    expect(v).toMatchObject({ message_thread_id: 2, caption: 'a clip', video: { file_name: 'clip.mp4', mime_type: 'video/mp4', file_size: 4, duration: 0 } });
    expect(world.isSilent(world.received(FORUM).at(-1)!)).toBe(true);
    const a = await api.sendAudio(ALICE, new InputFile(Buffer.from('mp3'), 'song.mp3'));
    expect(a.audio).toMatchObject({ file_name: 'song.mp3', mime_type: 'audio/mpeg', file_size: 3 });
    expect(a.document).toBeUndefined();
    // The same file again by its file_id.
    expect((await api.sendAudio(ALICE, a.audio!.file_id)).audio!.file_id).toBe(a.audio!.file_id);
    const box = world.accounts.account(ALICE).history({ type: 'user', id: 7000000001 });
    expect(box.at(-1)!.media).toMatchObject({ kind: 'document', name: 'song.mp3' });
    await refused(api.sendVideo(ALICE, new InputFile(Buffer.from('x'), 'x.mp4'), { message_thread_id: 5 }), 400, 'Bad Request: message thread not found');
  });
});
