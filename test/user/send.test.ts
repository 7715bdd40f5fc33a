// Sending as the user over MTProto on the sandbox's DC: to a contact, to a stranger by @username
// (resolved on the way and kept), to an id above 2^32; every send command with a small file; reply,
// fwd, edit_msg, delete_msg (plain and permanent ids); a long text split; a download byte for byte.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SandboxSession } from '../helpers/sandbox.js';
import { ALICE, BOB, DORA, EVE, EXAMPLE, boxTexts, sandboxForFile, userSession } from './helpers.js';
import { pngHeader as png } from '../helpers/images.js';

const f = sandboxForFile();
let s: SandboxSession;
const SENT = /^ \[\d\d:\d\d\]  /;

beforeAll(async () => {
  s = f.keep(await userSession(f.sandbox(), { noBot: true }));
});

const media = (owner: number, other: number) => f.sandbox().world.accounts.account(owner).history({ type: 'user', id: other }).at(-1)!;

describe('msg as the user', () => {
  it('writes to a contact: telegram-cli’s outgoing line, and JSON message objects', async () => {
    expect(await s.text('msg @alice_started hello Alice')).toMatch(/^ \[\d\d:\d\d\]  Alice Started <<< hello Alice\n$/);
    const [m] = (await s.json('msg @alice_started again')) as Array<Record<string, any>>;
    expect(m).toMatchObject({ event: 'message', out: true, unread: false, service: false, text: 'again' });
    expect(m!.from).toMatchObject({ peer_id: EXAMPLE });
    expect(m!.to).toMatchObject({ peer_id: ALICE, username: 'alice_started' });
    expect(boxTexts(f.sandbox(), ALICE, EXAMPLE).slice(-2)).toEqual(['hello Alice', 'again']);
  });

  it('writes to a stranger by @username it never met: resolved on the way and kept in the store', async () => {
    const store = await s.services.store();
    expect(store.byUsername('bob_blocked')).toBeUndefined();
    expect(await s.text('msg @bob_blocked hi Bob')).toMatch(/Bob .*<<< hi Bob\n$/);
    expect(store.byUsername('bob_blocked')?.id).toBe(BOB);
    expect(boxTexts(f.sandbox(), BOB, EXAMPLE)).toEqual(['hi Bob']);
  });

  it('writes to a user whose id is above 2^32, by user#id once met', async () => {
    expect(DORA).toBeGreaterThan(2 ** 32);
    expect(await s.text('resolve_username dora_bigid')).toBe('Dora Bigid\n');
    expect(await s.text(`msg user#${DORA} hi Dora`)).toMatch(/Dora Bigid <<< hi Dora\n$/);
    const [m] = (await s.json(`msg user#${DORA} and JSON`)) as Array<Record<string, any>>;
    expect(m!.to.peer_id).toBe(DORA);
    expect(m!.id).toMatch(/^[0-9a-f]{64}$/); // the long form of a permanent message id
    expect(boxTexts(f.sandbox(), DORA, EXAMPLE)).toEqual(['hi Dora', 'and JSON']);
  });

  it('splits a text over 4096 characters as msg does: one answer per part', async () => {
    const text = `${'a'.repeat(3000)}\n\n${'b'.repeat(3000)}`;
    const answers = await s.run(`msg @alice_started ${text}`);
    expect(answers.map((a) => a.kind)).toEqual(['messages', 'messages']);
    expect(boxTexts(f.sandbox(), ALICE, EXAMPLE).slice(-2)).toEqual(['a'.repeat(3000), 'b'.repeat(3000)]);
  });

  it('[silent] and [schedule=+1h]', async () => {
    await s.run('[silent] msg @alice_started quietly');
    expect(media(ALICE, EXAMPLE)).toMatchObject({ text: 'quietly', silent: true });
    const [later] = (await s.json('[schedule=+1h] msg @alice_started in an hour')) as Array<Record<string, any>>;
    expect(later!.date).toBeGreaterThan(Date.now() / 1000 + 3500);
    expect(boxTexts(f.sandbox(), ALICE, EXAMPLE)).not.toContain('in an hour');
  });
});

describe('files as the user', () => {
  it('send_photo, send_document, send_file, send_video, send_audio and send_text, each with a small file', async () => {
    const dir = s.home;
    const files = {
      photo: join(dir, 'pic.png'),
      doc: join(dir, 'notes.bin'),
      video: join(dir, 'clip.mp4'),
      audio: join(dir, 'song.mp3'),
      text: join(dir, 'letter.txt'),
    };
    writeFileSync(files.photo, png(320, 200));
    writeFileSync(files.doc, randomBytes(3000));
    writeFileSync(files.video, randomBytes(2000));
    writeFileSync(files.audio, randomBytes(1500));
    writeFileSync(files.text, 'Dear Alice,\nhello from a file.\n');
    expect(await s.text(`send_photo @alice_started ${files.photo} a picture`)).toMatch(/Alice Started <<< \[photo\] a picture\n$/);
    expect(media(ALICE, EXAMPLE).media?.kind).toBe('photo');
    expect(await s.text(`send_document @alice_started ${files.doc} the notes`)).toMatch(/<<< \[document notes\.bin\] the notes\n$/);
    expect(await s.text(`send_file @alice_started ${files.photo}`)).toMatch(/<<< \[photo\]\n$/);
    expect(await s.text(`send_video @alice_started ${files.video} a clip`)).toMatch(/<<< \[(video|document clip\.mp4)\] a clip\n$/); // the sandbox keeps a document's file name only
    expect(await s.text(`send_audio @alice_started ${files.audio} a song`)).toMatch(/<<< \[(audio|document song\.mp3)\] a song\n$/);
    expect(await s.text(`send_text @alice_started ${files.text}`)).toMatch(/<<< Dear Alice,\nhello from a file\.\n$/m);
    const box = boxTexts(f.sandbox(), ALICE, EXAMPLE);
    expect(box.slice(-6, -1)).toEqual(['a picture', 'the notes', '', 'a clip', 'a song']);
    expect(box.at(-1)!.trimEnd()).toBe('Dear Alice,\nhello from a file.');
  });

  it('load_document gives back the uploaded bytes, byte for byte, into the download folder', async () => {
    const bytes = randomBytes(700_000); // two 512 KB parts each way
    const path = join(s.home, 'big.bin');
    writeFileSync(path, bytes);
    const [sent] = (await s.json(`send_document @alice_started ${path}`)) as Array<Record<string, any>>;
    expect(sent!.media).toMatchObject({ type: 'document', name: 'big.bin', size: 700_000 });
    const d = f.keep(await s.reopen(['--download-dir', join(s.home, 'dl')]));
    const [saved] = (await d.json(`load_document ${sent!.id}`)) as Array<{ file: string }>;
    expect(saved!.file).toBe(join(s.home, 'dl', 'big.bin'));
    expect(readFileSync(saved!.file).equals(bytes)).toBe(true);
    // The same again: a free name, by the plain id this time; a photo by load_photo.
    const plain = (await d.text(`load_file ${parseInt(sent!.id.slice(16, 32).match(/../g)!.reverse().join(''), 16)}`)).trim();
    expect(plain).toBe(join(s.home, 'dl', 'big (1).bin'));
    const [photo] = (await s.json(`send_photo @alice_started ${join(s.home, 'pic.png')}`)) as Array<Record<string, any>>;
    const got = (await d.text(`load_photo ${photo!.id}`)).trim();
    expect(readFileSync(got).equals(png(320, 200))).toBe(true);
    const [wrong] = await d.run(`load_photo ${sent!.id}`);
    expect(wrong).toMatchObject({ kind: 'fail', error: expect.stringContaining('holds a document, not a photo') });
  });
});

describe('reply, fwd, edit_msg, delete_msg as the user', () => {
  it('answers, forwards, edits and deletes by plain and permanent ids', async () => {
    f.sandbox().world.driver.sendToUser('@alice_started', EXAMPLE, 'a question for you');
    const [list] = (await s.json('history @alice_started 1')) as Array<Array<Record<string, any>>>;
    const q = list![0]!;
    expect(q.text).toBe('a question for you');
    const plain = parseInt(q.id.slice(16, 32).match(/../g)!.reverse().join(''), 16);

    const [r] = (await s.json(`reply ${q.id} an answer`)) as Array<Record<string, any>>;
    expect(r).toMatchObject({ text: 'an answer', out: true, reply_id: plain });
    expect(await s.text(`reply ${plain} and another`)).toMatch(/Alice Started <<< and another\n$/);
    const alices = f.sandbox().world.accounts.account(ALICE).history({ type: 'user', id: EXAMPLE });
    expect(alices.at(-1)!.replyTo).toBe(alices.find((m) => m.text === 'a question for you')!.id);

    const [fw] = (await s.json(`fwd @eve_many ${plain}`)) as Array<Record<string, any>>;
    expect(fw).toMatchObject({ text: 'a question for you', out: true });
    expect(fw!.fwd_from).toMatchObject({ peer_id: ALICE });
    expect(f.sandbox().world.accounts.account(EVE).history({ type: 'user', id: EXAMPLE }).at(-1)!.fwdFrom?.from).toBe(ALICE);

    const [edited] = (await s.json(`edit_msg ${r!.id} a better answer`)) as Array<Record<string, any>>;
    expect(edited).toMatchObject({ text: 'a better answer', edited: true });
    expect(alices.length).toBeGreaterThan(0);
    expect(boxTexts(f.sandbox(), ALICE, EXAMPLE)).toContain('a better answer');

    expect(await s.text(`delete_msg ${r!.id}`)).toBe('SUCCESS\n');
    expect(boxTexts(f.sandbox(), ALICE, EXAMPLE)).not.toContain('a better answer');
    const [again] = await s.run(`delete_msg ${r!.id}`);
    expect(again).toMatchObject({ kind: 'fail', code: 71 });
    const [bad] = await s.run('reply zzz text');
    expect(bad).toMatchObject({ kind: 'fail', code: 22 });
  });
});
