// [silent] and [topic=N] on every send command, as the bot (disable_notification,
// message_thread_id) and as the user (messages.sendMessage's silent and reply_to.top_msg_id), on
// the sandbox: a forum supergroup's topic takes the bot's messages; a missing topic, or a topic
// where there are none, is Telegram's refusal, explained.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SandboxSession } from '../helpers/sandbox.js';
import { ALICE, BOT, EXAMPLE, sandboxForFile, userSession } from './helpers.js';
import { pngHeader as png } from '../helpers/images.js';

const FORUM = -1001357913579; // @tgsh_forum: topics 2 (Help) and 3 (Releases)
const f = sandboxForFile();
let s: SandboxSession;
let file: string;
let photo: string;

beforeAll(async () => {
  s = f.keep(await userSession(f.sandbox()));
  file = join(s.home, 'notes.txt');
  writeFileSync(file, 'release notes\n');
  photo = join(s.home, 'dot.png');
  writeFileSync(photo, png(4, 4));
});

const received = (chat: number) => f.sandbox().world.received(chat, { bot: BOT });
const last = (chat: number) => received(chat).at(-1)!;

describe('[silent] and [topic=N] as the bot', () => {
  it('msg, send_text and the send_* commands pass them on every part', async () => {
    expect(await s.text('[topic=2] msg @tgsh_forum hello Help')).toMatch(/tgsh Forum .*<<< hello Help\n$/);
    expect(last(FORUM)).toMatchObject({ text: 'hello Help', message_thread_id: 2, is_topic_message: true });
    expect(f.sandbox().world.isSilent(last(FORUM))).toBe(false);

    await s.run('[silent] [topic=3] send_text @tgsh_forum ' + file);
    expect(last(FORUM)).toMatchObject({ text: 'release notes', message_thread_id: 3 });
    expect(f.sandbox().world.isSilent(last(FORUM))).toBe(true);

    await s.run(`[silent] [topic=3] send_document @tgsh_forum ${file} the file`);
    expect(last(FORUM)).toMatchObject({ caption: 'the file', message_thread_id: 3, document: { file_name: 'notes.txt' } });
    expect(f.sandbox().world.isSilent(last(FORUM))).toBe(true);

    await s.run(`[topic=2] send_photo @tgsh_forum ${photo}`);
    expect(last(FORUM)).toMatchObject({ message_thread_id: 2, photo: expect.any(Array) });
    await s.run(`[topic=2] send_file @tgsh_forum ${photo} as a file`);
    expect(last(FORUM)).toMatchObject({ caption: 'as a file', message_thread_id: 2 });

    await s.run(`[silent] [topic=3] send_video @tgsh_forum ${file} a clip`);
    expect(last(FORUM)).toMatchObject({ caption: 'a clip', message_thread_id: 3, video: { file_name: 'notes.txt' } });
    expect(f.sandbox().world.isSilent(last(FORUM))).toBe(true);
    await s.run(`[topic=2] send_audio @tgsh_forum ${file} a song`);
    expect(last(FORUM)).toMatchObject({ caption: 'a song', message_thread_id: 2, audio: { file_name: 'notes.txt' } });
    expect(f.sandbox().world.isSilent(last(FORUM))).toBe(false);

    // A long text: every part in the topic, silent.
    const answers = await s.run(`[silent] [topic=2] msg @tgsh_forum ${'a'.repeat(3000)}\n\n${'b'.repeat(3000)}`);
    expect(answers.map((a) => a.kind)).toEqual(['sent', 'sent']);
    const parts = received(FORUM).slice(-2);
    expect(parts.map((m) => [m.text!.slice(0, 1), m.message_thread_id, f.sandbox().world.isSilent(m)])).toEqual([
      ['a', 2, true],
      ['b', 2, true],
    ]);

    await s.run('[silent] msg @alice_started quietly, from the bot');
    expect(last(ALICE)).toMatchObject({ text: 'quietly, from the bot' });
    expect(f.sandbox().world.isSilent(last(ALICE))).toBe(true);
  });

  it('a topic that is not there, or a chat without topics: the refusal, explained', async () => {
    const before = received(FORUM).length;
    const [r] = await s.run('[topic=9] msg @tgsh_forum nowhere');
    expect(r).toMatchObject({
      kind: 'fail',
      code: 22,
      error: 'tgsh Forum has no topic 9 (400: message thread not found)',
      hint: expect.stringMatching(/^\[topic=N\] names a topic of a forum supergroup/),
    });
    const [p] = await s.run('[topic=2] msg @alice_started hi');
    expect(p).toMatchObject({ kind: 'fail', error: 'Alice Started has no topic 2 (400: message thread not found)' });
    const [d] = await s.run(`[topic=9] send_document @tgsh_forum ${file}`);
    expect(d).toMatchObject({ kind: 'fail', error: 'tgsh Forum has no topic 9 (400: message thread not found)' });
    expect(received(FORUM)).toHaveLength(before);
  });
});

describe('[silent] and [topic=N] as the user', () => {
  it('[silent] goes with the message', async () => {
    await s.run('[as=user] [silent] msg @alice_started shh, from me');
    expect(f.sandbox().world.accounts.account(ALICE).history({ type: 'user', id: EXAMPLE }).at(-1)).toMatchObject({ text: 'shh, from me', silent: true });
  });

  it('[topic=N] in a private chat is TOPIC_ID_INVALID, explained, and nothing is sent', async () => {
    const box = () => f.sandbox().world.accounts.account(ALICE).history({ type: 'user', id: EXAMPLE }).length;
    const before = box();
    const [r] = await s.run('[as=user] [topic=2] msg @alice_started in a topic?');
    expect(r).toMatchObject({ kind: 'fail', error: expect.stringContaining('TOPIC_ID_INVALID'), hint: expect.stringContaining('[topic=N] names a topic of a forum supergroup') });
    const [fw] = await s.run('[as=user] [topic=2] reply 1 no topics here');
    expect(fw).toMatchObject({ kind: 'fail', error: expect.stringContaining('TOPIC_ID_INVALID') });
    expect(box()).toBe(before);
  });

  it('a forum supergroup as the user: [topic=N] puts the text in that topic; its bots get it there', async () => {
    const sb = f.sandbox();
    const [r] = await s.json('[as=user] [silent] [topic=2] msg @tgsh_forum hello Help, as me');
    expect(r).toMatchObject({ event: 'message', out: true, text: 'hello Help, as me', to: { peer_type: expect.stringMatching(/channel|supergroup/) } });
    const m = sb.world.messages(FORUM).at(-1)!;
    expect(m).toMatchObject({ text: 'hello Help, as me', from: { id: EXAMPLE }, message_thread_id: 2, is_topic_message: true });
    expect(sb.world.isSilent(m)).toBe(true);
    expect(sb.world.senderBot(m)).toBeUndefined();
    // Without [topic], the General topic.
    await s.run('[as=user] msg @tgsh_forum in General');
    expect(sb.world.messages(FORUM).at(-1)).toMatchObject({ text: 'in General', from: { id: EXAMPLE } });
    expect(sb.world.messages(FORUM).at(-1)!.message_thread_id).toBeUndefined();
    // The bot (an ordinary member, privacy mode on) hears a command there, in its topic.
    await s.run('[as=user] [topic=3] msg @tgsh_forum /status@tgsh_sandbox_bot');
    const u = sb.world.updates(BOT).all().at(-1)!;
    expect(u.message).toMatchObject({ text: '/status@tgsh_sandbox_bot', message_thread_id: 3, from: { id: EXAMPLE } });
  });

  it('a topic the forum does not have: TOPIC_ID_INVALID, explained, nothing posted', async () => {
    const before = f.sandbox().world.messages(FORUM).length;
    const [r] = await s.run('[as=user] [topic=9] msg @tgsh_forum nowhere');
    expect(r).toMatchObject({ kind: 'fail', error: expect.stringContaining('TOPIC_ID_INVALID'), hint: expect.stringContaining('tgsh Forum has no such topic') });
    expect(f.sandbox().world.messages(FORUM)).toHaveLength(before);
  });

  it("what the sandbox's data centre does not serve in supergroups and channels says so", async () => {
    // History and files there are served (channels.test.ts); scheduled messages are not.
    const [h] = await s.run('[as=user] [schedule=+1h] msg @tgsh_forum later');
    expect(h).toMatchObject({ kind: 'fail', error: expect.stringContaining('METHOD_NOT_IMPLEMENTED_IN_SANDBOX'), hint: expect.stringMatching(/act as the bot there \(\[as=bot\]\)/) });
    const [d] = await s.run(`[as=user] [schedule=+1h] send_document @tgsh_forum ${file}`);
    expect(d).toMatchObject({ kind: 'fail', error: expect.stringContaining('METHOD_NOT_IMPLEMENTED_IN_SANDBOX') });
  });

  it('a forum as the user: history shows its topics opened and the text in its topic, with the reply header', async () => {
    const [list] = (await s.json('[as=user] history @tgsh_forum 100')) as Array<Array<Record<string, any>>>;
    expect(list!.filter((m) => m.service).map((m) => m.text)).toEqual(['created channel tgsh Forum', 'created topic Help', 'created topic Releases']);
    expect(list!.find((m) => m.text === 'hello Help, as me')).toMatchObject({ out: true, reply_id: 2 });
  });
});
