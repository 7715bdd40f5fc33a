// Sending over the Bot API, end to end: tgsh's Executor, unmodified grammY over HTTP, the sandbox
// Bot API server and its world. The seed's flow, every peer form, every refusal and what it
// teaches the consent ledger, long texts, files, and -W through the built binary.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxSession, type SandboxSession } from '../helpers/sandbox.js';
import { runTgsh } from '../helpers/cli.js';
import { exitCodeOf } from '../../src/cli/exit-codes.js';
import { EXAMPLE_USER_ID, SANDBOX_BOT_ID } from '../../src/sandbox/world/default-world.js';

const ALICE = 200000001;
const BOB = 200000002;
const CAROL = 200000003;
const EVE = 200000005;
const BOOK_CLUB = -4567;
const NEWS = -1001098765432;

// A 1x1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

let s: SandboxSession | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await s?.close();
  s = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempFile(name: string, data: string | Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'tgsh-send-'));
  dirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

const sent = (chat: number | string): string[] => s!.sandbox.world.received(chat).map((m) => m.text ?? m.caption ?? '');
const sendCalls = (): number => s!.sandbox.botapi.stats.requests.sendMessage ?? 0;

describe('the seed flow', () => {
  it('a user starts the bot, sync, msg @name, the user receives it', async () => {
    s = await sandboxSession();
    const world = s.sandbox.world;
    world.driver.start('carol_never', { payload: 'from_the_seed' });
    const summary = await s.text('sync');
    expect(summary).toMatch(/^sync: 5 updates, \d+ new peers, 4 consent changes \(.*Carol Never: started/);
    expect(await s.text('resolve_username carol_never')).toBe('Carol Never\n');
    const line = await s.text('msg @carol_never hello from the seed');
    expect(line).toMatch(/^ \[\d\d:\d\d\]  Carol Never <<< hello from the seed\n$/);
    expect(sent(CAROL)).toEqual(['hello from the seed']);
    const [json] = await s.json('msg @carol_never second');
    expect(json).toEqual({ result: 'SUCCESS', message_id: expect.any(Number), chat_id: CAROL, id: expect.stringMatching(/^[0-9a-f]{48}$/) });
    expect(s.services.openStore()!.get('user', CAROL)?.consent).toMatchObject({ state: 'started', payload: 'from_the_seed' });
  });

  it('every peer form reaches its chat', async () => {
    s = await sandboxSession();
    await s.text('sync');
    const forms: Array<[string, number]> = [
      [`${ALICE}`, ALICE],
      [`user#${ALICE}`, ALICE],
      ['Alice_Started', ALICE],
      ['$010000006459670b02c0c7fd66d44708', EXAMPLE_USER_ID],
      [`${BOOK_CLUB}`, BOOK_CLUB],
      ['chat#4567', BOOK_CLUB],
      [`${NEWS}`, NEWS],
      ['@tgsh_news', NEWS],
      ['channel#1234567890', -1001234567890],
    ];
    for (const [form, chat] of forms) {
      const [r] = await s.run(`msg ${form} via ${form}`);
      expect(r, form).toMatchObject({ kind: 'sent', message: { chatId: chat } });
      expect(sent(chat)).toContain(`via ${form}`);
    }
    // @tgsh_news was looked up through the Bot API and is known now.
    expect(s.services.openStore()!.byUsername('tgsh_news')).toMatchObject({ kind: 'channel', title: 'tgsh News' });
    expect(await s.text(`msg ${BOOK_CLUB} hello club`)).toMatch(/^ \[\d\d:\d\d\]  Book Club tgsh sandbox <<< hello club\n$/);
  });

  it('an @user tgsh never met is looked up over MTProto first; a name nobody holds is one FAIL', async () => {
    s = await sandboxSession();
    const [eve] = await s.run('msg @eve_many hi');
    // Found (the resolver), but the bot has never met Eve: Telegram's refusal, with the start link.
    expect(eve).toMatchObject({ kind: 'fail', code: 71, error: expect.stringContaining('Eve Many'), hint: expect.stringContaining('https://t.me/tgsh_sandbox_bot') });
    expect(s.services.openStore()!.byUsername('eve_many')?.id).toBe(EVE);
    const [nobody] = await s.run('msg @nobody_here_at_all hi');
    expect(nobody).toMatchObject({ kind: 'fail', error: expect.stringContaining('USERNAME_NOT_OCCUPIED') });
  });
});

describe('refusals, one line each, and the consent ledger', () => {
  it("403 can't initiate: the start link, consent unknown", async () => {
    s = await sandboxSession();
    const [r] = await s.json(`msg ${CAROL} hi`);
    expect(r).toMatchObject({
      result: 'FAIL',
      error_code: 71,
      error: expect.stringMatching(/has not started the bot.*403: bot can't initiate conversation with a user/),
      start_link: 'https://t.me/tgsh_sandbox_bot',
      hint: expect.stringContaining('https://t.me/tgsh_sandbox_bot'),
    });
    expect(s.services.openStore()!.get('user', CAROL)?.consent?.state).toBe('unknown');
  });

  it('400 chat not found for a user the bot never met', async () => {
    s = await sandboxSession();
    const [r] = await s.run(`msg ${EVE} hi`);
    expect(r).toMatchObject({ kind: 'fail', code: 71, error: expect.stringContaining('400: chat not found') });
    expect(r!.kind === 'fail' && r.hint).toContain('https://t.me/tgsh_sandbox_bot');
  });

  it('403 blocked: marked blocked, later sends refused locally until they write again, [force] tries', async () => {
    s = await sandboxSession();
    const [first] = await s.run(`msg ${BOB} hi`);
    expect(first).toMatchObject({ kind: 'fail', code: 71, error: expect.stringContaining('blocked the bot (403: bot was blocked by the user)') });
    expect(s.services.openStore()!.get('user', BOB)?.consent?.state).toBe('blocked');

    const before = sendCalls();
    const [local] = await s.run(`msg ${BOB} again`);
    expect(local).toMatchObject({ kind: 'fail', error: expect.stringContaining('not sent') });
    expect(local!.kind === 'fail' && local.hint).toMatch(/\[force\]/);
    expect(sendCalls()).toBe(before); // no network call

    const [forced] = await s.run(`[force] msg ${BOB} forced`);
    expect(forced).toMatchObject({ kind: 'fail', error: expect.stringContaining('403') });
    expect(sendCalls()).toBe(before + 1);
    const [opt] = await s.run(`msg --force ${BOB} forced again`);
    expect(opt).toMatchObject({ kind: 'fail', error: expect.stringContaining('403') });

    // Bob unblocks the bot and writes: sync sees it, and he can be written to again.
    s.sandbox.world.driver.unblock(BOB);
    s.sandbox.world.driver.sendPrivate(BOB, 'I am back');
    expect(await s.text('sync')).toMatch(/Bob Blocked: started/);
    expect(await s.text(`msg ${BOB} welcome back`)).toContain('Bob Blocked <<< welcome back');
    expect(sent(BOB)).toEqual(['welcome back']);
  });

  it('403 kicked from the group: membership kicked', async () => {
    s = await sandboxSession();
    expect(await s.text(`msg ${BOOK_CLUB} before`)).toContain('Book Club');
    s.sandbox.world.driver.kick(SANDBOX_BOT_ID, BOOK_CLUB);
    const [r] = await s.run(`msg ${BOOK_CLUB} hi`);
    expect(r).toMatchObject({ kind: 'fail', code: 71, error: expect.stringContaining('removed from Book Club (403: bot was kicked from the group chat)') });
    expect(s.services.openStore()!.get('chat', 4567)?.membership?.status).toBe('kicked');
  });

  it("403 can't send messages to bots", async () => {
    s = await sandboxSession();
    const [r] = await s.run('msg user#7000000002 hi');
    expect(r).toMatchObject({ kind: 'fail', code: 71, error: expect.stringContaining("403: bot can't send messages to bots") });
  });

  it('401 bad token: exit status 4', async () => {
    s = await sandboxSession({ args: ['--bot-token', '7000000001:not-the-token'] });
    const [r] = await s.run(`msg ${ALICE} hi`);
    expect(r).toMatchObject({ kind: 'fail', code: 401, failure: 'auth', error: expect.stringContaining('401') });
    expect(exitCodeOf(r!)).toBe(4);
    expect(JSON.stringify(r)).not.toContain('not-the-token');
  });

  it('no bot token: exit status 4 naming --bot-token', async () => {
    s = await sandboxSession();
    const other = await s.reopen();
    try {
      (other.config as { botToken?: unknown }).botToken = undefined;
      const [r] = await other.run(`msg ${ALICE} hi`);
      expect(r).toMatchObject({ kind: 'fail', failure: 'auth', error: expect.stringContaining('--bot-token') });
    } finally {
      await other.close();
    }
  });

  it('429 within --max-wait: waited out with a notice, then sent', async () => {
    s = await sandboxSession({ args: ['--max-wait', '5'] });
    const body = JSON.stringify({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    s.sandbox.botapi.faults.failNext('sendMessage', { status: 429, body, contentType: 'application/json' });
    expect(await s.text(`msg ${ALICE} patient`)).toContain('Alice Started <<< patient');
    expect(s.notices.some((n) => /wait 1 s .*429/.test(n))).toBe(true);
    expect(sent(ALICE)).toEqual(['patient']);
  });

  it('429 beyond --max-wait: FAIL, exit status 5, retry_after in JSON', async () => {
    s = await sandboxSession({ args: ['--max-wait', '2'] });
    const body = JSON.stringify({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 30', parameters: { retry_after: 30 } });
    s.sandbox.botapi.faults.failNext('sendMessage', { status: 429, body, contentType: 'application/json' });
    const [r] = await s.run(`msg ${ALICE} impatient`);
    expect(exitCodeOf(r!)).toBe(5);
    const [j] = await (async () => {
      s.sandbox.botapi.faults.failNext('sendMessage', { status: 429, body, contentType: 'application/json' });
      return s!.json(`msg ${ALICE} impatient`);
    })();
    expect(j).toMatchObject({ result: 'FAIL', error_code: 420, retry_after: 30, error: expect.stringContaining('--max-wait 2') });
  });

  it('consent_policy strict refuses users who have not started the bot, with the start link; open lets Telegram decide', async () => {
    s = await sandboxSession();
    await s.text('sync');
    const store = await s.services.store();
    await store.settings.set('consent_policy', 'strict');
    const before = sendCalls();
    const [r] = await s.json(`msg ${CAROL} hi`);
    expect(r).toMatchObject({ result: 'FAIL', error: expect.stringContaining('is not known to have started the bot (consent_policy strict)'), start_link: 'https://t.me/tgsh_sandbox_bot' });
    expect(sendCalls()).toBe(before);
    expect(await s.text(`msg ${ALICE} started users are fine`)).toContain('<<< started users are fine');
    s.sandbox.world.driver.start(CAROL);
    await s.text('sync');
    expect(await s.text(`msg ${CAROL} now ok`)).toContain('Carol Never <<< now ok');

    await store.settings.set('consent_policy', 'open');
    const [open] = await s.run(`msg ${EVE} open policy`);
    expect(open).toMatchObject({ kind: 'fail', error: expect.stringContaining('400: chat not found') });
  });
});

describe('texts and files', () => {
  it('refuses empty text locally', async () => {
    s = await sandboxSession();
    const before = sendCalls();
    expect(await s.run(`msg ${ALICE} ""`)).toMatchObject([{ kind: 'fail', code: 22 }]);
    expect(await s.run(`msg ${ALICE} "   "`)).toMatchObject([{ kind: 'fail', code: 22 }]);
    expect(sendCalls()).toBe(before);
  });

  it('splits a long text at paragraphs, in order, one answer per part', async () => {
    s = await sandboxSession();
    const paras = ['A'.repeat(3000), 'B'.repeat(3000), 'C'.repeat(3000)];
    const file = tempFile('long.txt', paras.join('\n\n'));
    const answers = await s.json(`send_text ${ALICE} ${file}`);
    expect(answers).toEqual([1, 2, 3].map((n) => ({ result: 'SUCCESS', message_id: expect.any(Number), chat_id: ALICE, id: expect.stringMatching(/^[0-9a-f]{48}$/), part: n, parts: 3 })));
    expect(sent(ALICE)).toEqual(paras);
    const ids = answers.map((a) => (a as { message_id: number }).message_id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('[html], [disable_preview] and [reply=N] reach Telegram', async () => {
    s = await sandboxSession();
    const [first] = await s.json(`msg ${ALICE} first`);
    const id = (first as { message_id: number }).message_id;
    await s.run(`[html] [disable_preview] [reply=${id}] msg ${ALICE} <b>bold</b> https://example.com`);
    const m = s.sandbox.world.received(ALICE).at(-1)!;
    expect(m.text).toBe('bold https://example.com');
    expect(m.entities?.[0]).toMatchObject({ type: 'bold', offset: 0, length: 4 });
    expect(m.reply_to_message?.message_id).toBe(id);
    expect(m.link_preview_options).toEqual({ is_disabled: true });
    const [bad] = await s.run(`[markdown] msg ${ALICE} *unclosed`);
    expect(bad).toMatchObject({ kind: 'fail', code: 22, error: expect.stringContaining('[markdown]') });
  });

  it('uploads a document and a photo; a missing file is FAIL 2', async () => {
    s = await sandboxSession();
    const doc = tempFile('notes.txt', 'some notes\n');
    expect(await s.text(`send_document ${ALICE} ${doc} the notes`)).toContain('Alice Started <<< [document notes.txt] the notes');
    const png = tempFile('dot.png', PNG);
    expect(await s.text(`send_photo ${ALICE} ${png}`)).toContain('<<< [photo]');
    expect(await s.text(`send_file ${ALICE} ${png} as file`)).toContain('<<< [photo] as file');
    const got = s.sandbox.world.received(ALICE);
    expect(got[0]!.document).toMatchObject({ file_name: 'notes.txt', file_size: 11 });
    expect(got[0]!.caption).toBe('the notes');
    expect(got[1]!.photo?.length).toBeGreaterThan(0);
    expect(await s.run(`send_document ${ALICE} /nonexistent/file.txt`)).toMatchObject([{ kind: 'fail', code: 2 }]);
    const [notImage] = await s.run(`send_photo ${ALICE} ${doc}`);
    expect(notImage).toMatchObject({ kind: 'fail', code: 22, hint: expect.stringContaining('send_document') });
  });

  it('start_link shows a QR code of the link on a terminal (the shell), not in JSON', async () => {
    s = await sandboxSession({ mode: 'interactive' });
    const t = await s.text('start_link hello');
    expect(t.split('\n')[0]).toBe('https://t.me/tgsh_sandbox_bot?start=hello');
    expect(t.split('\n').length).toBeGreaterThan(10);
    expect(t).toMatch(/[▀▄█]/);
    expect(await s.json('start_link hello')).toMatchObject([{ start_link: 'https://t.me/tgsh_sandbox_bot?start=hello' }]);
  });

  it('start_link validates its payload', async () => {
    s = await sandboxSession();
    expect(await s.json('start_link newsletter-1')).toEqual([{ result: 'SUCCESS', start_link: 'https://t.me/tgsh_sandbox_bot?start=newsletter-1', bot: 'tgsh_sandbox_bot', payload: 'newsletter-1' }]);
    expect(await s.run('start_link bad!payload')).toMatchObject([{ kind: 'fail', code: 22 }]);
    expect(await s.run(`start_link ${'x'.repeat(65)}`)).toMatchObject([{ kind: 'fail', code: 22 }]);
  });
});

describe('the binary', () => {
  it('-W runs sync before the -e commands, its answer first', async () => {
    s = await sandboxSession();
    s.sandbox.world.driver.start('carol_never');
    const r = await runTgsh([...s.flags, '-W', '-e', `msg ${CAROL} after sync`]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^sync: 5 updates/);
    expect(lines[1]).toMatch(/Carol Never <<< after sync$/);
    expect(sent(CAROL)).toEqual(['after sync']);
  });

  it('-W in pipe mode: sync first, then every line of standard input, one answer each', async () => {
    s = await sandboxSession();
    const input = ['version', `msg ${ALICE} piped after sync`, ...Array.from({ length: 200 }, () => 'version')].join('\n') + '\n';
    const r = await runTgsh([...s.flags, '-W', '--json'], { input });
    expect(r.code).toBe(0);
    const answers = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(answers).toHaveLength(203);
    expect(answers[0]).toMatchObject({ result: 'SUCCESS', updates: 4 });
    expect(answers[2]).toMatchObject({ result: 'SUCCESS', chat_id: ALICE });
    expect(sent(ALICE)).toEqual(['piped after sync']);
  });

  it('429 beyond --max-wait exits 5 with retry_after in JSON', async () => {
    s = await sandboxSession();
    const body = JSON.stringify({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 40', parameters: { retry_after: 40 } });
    s.sandbox.botapi.faults.failNext('sendMessage', { status: 429, body, contentType: 'application/json' });
    const r = await runTgsh([...s.flags, '--json', '--max-wait', '1', '-e', `msg ${ALICE} hi`]);
    expect(r.code).toBe(5);
    expect(JSON.parse(r.stdout)).toMatchObject({ result: 'FAIL', error_code: 420, retry_after: 40 });
  });
});
