// The Sender seam (src/telegram/sender.ts) as the bot implements it, against the sandbox Bot API
// with unmodified grammY: what any sender owes its callers (commands, broadcast). A user-account
// sender can be held to the same expectations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { createBotApi } from '../../src/telegram/botapi/api.js';
import { BotSender } from '../../src/telegram/botapi/sender.js';
import { can, cannotText, contentViewText, type Sender } from '../../src/telegram/sender.js';
import { Secret } from '../../src/core/secret.js';

const ALICE = 200000001;
const EXAMPLE = 191322468;
const CAROL = 200000003; // never started the bot
const BOOK_CLUB = -4567;
const NEWS = -1001098765432;

let sb: Sandbox;
let dir: string;
let sender: Sender;
beforeAll(async () => {
  sb = await startSandbox();
  dir = mkdtempSync(join(tmpdir(), 'tgsh-sender-'));
  const token = new Secret(sb.connection.bot_token);
  sender = new BotSender(await createBotApi({ token, apiRoot: sb.connection.bot_api_root, timeoutSeconds: 5 }), sb.connection.bot_api_root, [token]);
});
afterAll(async () => {
  await sb.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Sender (the bot)', () => {
  it('says who it is and what it can not do', () => {
    expect(sender.identity).toBe('bot');
    expect(can(sender, 'photo')).toBe(true);
    expect(can(sender, 'writeFirst')).toBe(false);
    expect(cannotText(sender, 'document')).toBeUndefined();
    expect(cannotText(sender, 'writeFirst')).toBe('a bot can not write first to a user who has not written to it');
    expect(cannotText(sender, 'resolveUsernames')).toBe('a bot can not look up users by @username');
  });

  it('a text comes back as a MessageView, with what the answer taught about the chat', async () => {
    const o = await sender.sendMessage({ chatId: ALICE, cls: 'private' }, { kind: 'text', text: 'hello https://example.org' }, { maxWaitSeconds: 0, disablePreview: true, silent: true });
    expect(o.ok).toBe(true);
    if (!o.ok) return;
    expect(o.message).toMatchObject({ messageId: o.messageId, chatId: ALICE, out: true, chatName: 'Alice Started', text: 'hello https://example.org' });
    expect(o.message.fromName).toBeUndefined();
    expect(o.chatType).toBe('private');
    expect(o.chat).toMatchObject({ kind: 'user', id: ALICE, firstName: 'Alice' });
    expect(sb.world.received(ALICE).at(-1)?.text).toBe('hello https://example.org');

    const reply = await sender.sendMessage({ chatId: ALICE, cls: 'private' }, { kind: 'text', text: 'and this' }, { maxWaitSeconds: 0, replyTo: o.messageId });
    expect(reply).toMatchObject({ ok: true, message: { text: 'and this' } });
  });

  it('a group message has its author; a channel post has none', async () => {
    const g = await sender.sendMessage({ chatId: BOOK_CLUB, cls: 'group' }, { kind: 'text', text: 'to the club' }, { maxWaitSeconds: 0 });
    expect(g).toMatchObject({ ok: true, chatType: 'group', message: { chatName: 'Book Club', fromName: expect.any(String) } });
    const c = await sender.sendMessage({ chatId: NEWS, cls: 'group' }, { kind: 'text', text: 'news' }, { maxWaitSeconds: 0 });
    expect(c).toMatchObject({ ok: true, chatType: 'channel', message: { chatName: 'tgsh News', fromName: undefined } });
  });

  it('a file is shown by kind, name and caption', async () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'some notes\n');
    const o = await sender.sendMessage({ chatId: EXAMPLE, cls: 'private' }, { kind: 'document', file: { path }, caption: 'read me' }, { maxWaitSeconds: 0 });
    expect(o).toMatchObject({ ok: true, message: { text: '[document notes.txt] read me' } });
    expect(contentViewText({ kind: 'photo', file: { path }, caption: '' })).toBe('[photo]');
  });

  it('a refusal is data that says the message did not arrive', async () => {
    const o = await sender.sendMessage({ chatId: CAROL, cls: 'private' }, { kind: 'text', text: 'hi' }, { maxWaitSeconds: 0 });
    expect(o).toMatchObject({ ok: false, reason: 'not_started', code: 403, delivered: 'no' });
  });

  it('cancelled before it left: not delivered', async () => {
    const abort = new AbortController();
    abort.abort();
    const o = await sender.sendMessage({ chatId: ALICE, cls: 'private' }, { kind: 'text', text: 'never' }, { maxWaitSeconds: 0, signal: abort.signal });
    expect(o).toMatchObject({ ok: false, reason: 'aborted', delivered: 'no' });
  });
});
