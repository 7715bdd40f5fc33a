// broadcast against the sandbox: tgsh's real sender (unmodified grammY over HTTP) and the sandbox's
// real limits. Deliveries are checked in the world (world.received), 429s in the server's stats.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxSession, type SandboxSession } from '../helpers/sandbox.js';
import { BIN, cleanEnv } from '../helpers/cli.js';
import { addStartedUsers, DEFAULT_USERS, deliveries, journalIds, journalLines, seedStore, until } from '../broadcast/helpers.js';

const EXAMPLE = 191322468;
const ALICE = 200000001;
const BOB = 200000002;
const CAROL = 200000003;

interface Report {
  result: string;
  broadcast_id: string;
  sent: number;
  failed: number;
  skipped: number;
  unknown: number;
  pending: number;
  error_code?: number;
  retry_after?: number;
  recipients: Array<{ peer: string; status: string; message_id?: number; error?: string; reason?: string; start_link?: string; chat_id?: number }>;
}

let s: SandboxSession | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

async function session(args: string[] = []): Promise<SandboxSession> {
  s = await sandboxSession({ args });
  await seedStore(s, DEFAULT_USERS);
  return s;
}

async function report(line: string): Promise<Report> {
  const [r] = (await s!.json(line)) as Report[];
  return r!;
}

describe('broadcast: who gets it', () => {
  it("telegram-cli's form: each peer once, the report in input order, blocked and never-started reported", async () => {
    const s = await session();
    const r = await report('broadcast @carol_never @alice_started user#191322468 @bob_blocked @alice_started Hello, readers');
    expect(r.result).toBe('FAIL'); // carol failed: exit status 1
    expect(r.recipients.map((x) => [x.peer, x.status])).toEqual([
      ['@carol_never', 'failed'],
      ['@alice_started', 'sent'],
      ['user#191322468', 'sent'],
      ['@bob_blocked', 'skipped'],
      ['@alice_started', 'skipped'],
    ]);
    expect([r.sent, r.failed, r.skipped, r.unknown]).toEqual([2, 1, 2, 0]);
    const carol = r.recipients[0]!;
    expect(carol.reason).toBe('not_started');
    expect(carol.error).toMatch(/has not started the bot/);
    expect(carol.start_link).toBe('https://t.me/tgsh_sandbox_bot');
    expect(r.recipients[3]!.error).toMatch(/blocked the bot/);
    expect(r.recipients[4]!.reason).toBe('duplicate');
    expect(deliveries(s.sandbox.world, [ALICE, EXAMPLE, BOB, CAROL], 'Hello, readers')).toEqual([1, 1, 0, 0]);
    // What Telegram said is now in the store: carol's consent is unknown.
    expect((await s.services.store()).get('user', CAROL)?.consent?.state).toBe('unknown');
    // The id was told at the start, so that the user can resume.
    expect(s.notices.some((n) => n.includes(`broadcast ${r.broadcast_id}`) && n.includes('--resume'))).toBe(true);
  });

  it('groups and channels too: a basic group by chat id, a public channel by @name', async () => {
    const s = await session();
    const r = await report('broadcast -4567 @tgsh_news @alice_started To the groups');
    expect(r.result).toBe('SUCCESS');
    expect(r.recipients.map((x) => [x.peer, x.chat_id, x.status])).toEqual([
      ['-4567', -4567, 'sent'],
      ['@tgsh_news', -1001098765432, 'sent'],
      ['@alice_started', ALICE, 'sent'],
    ]);
    expect(deliveries(s.sandbox.world, [-4567, -1001098765432, ALICE], 'To the groups')).toEqual([1, 1, 1]);
  });

  it('a text summary when everyone got it; [html] and [disable_preview] reach Telegram', async () => {
    const s = await session();
    const text = await s.text('[html] [disable_preview] broadcast @alice_started @example_user <b>Big</b> news https://example.org');
    expect(text).toMatch(/^broadcast \d{8}-\d{6}-[a-z0-9]{4}: 2 sent, 0 failed, 0 skipped, 0 unknown \(of 2\) in [\d.]+ s/);
    const m = s.sandbox.world.received(ALICE).at(-1)!;
    expect(m.text).toBe('Big news https://example.org');
    expect(m.entities?.some((e) => e.type === 'bold')).toBe(true);
    expect(m.link_preview_options?.is_disabled).toBe(true);
  });

  it('--to FILE: one peer per line, comments and blank lines skipped; a bad line sends nothing', async () => {
    const s = await session();
    const file = join(s.home, 'list.txt');
    writeFileSync(file, '# readers\n@alice_started\n\n  user#191322468  \r\n');
    const r = await report(`broadcast --to ${file} From the list`);
    expect(r.result).toBe('SUCCESS');
    expect(r.recipients.map((x) => x.peer)).toEqual(['@alice_started', 'user#191322468']);
    expect(deliveries(s.sandbox.world, [ALICE, EXAMPLE], 'From the list')).toEqual([1, 1]);

    writeFileSync(file, '@alice_started\n@bad-name\nalice bob\n');
    const [bad] = (await s.json(`broadcast --to ${file} Never sent`)) as Array<{ result: string; error: string; hint: string }>;
    expect(bad!.result).toBe('FAIL');
    expect(bad!.error).toMatch(/2 bad lines: line 2: .*; line 3: /);
    expect(bad!.hint).toMatch(/nothing was sent/);
    expect(deliveries(s.sandbox.world, [ALICE], 'Never sent')).toEqual([0]);
  });

  it('--consented: every user who started the bot, nobody else', async () => {
    const s = await session();
    const r = await report('broadcast --consented To all who asked');
    expect(r.result).toBe('SUCCESS');
    expect(r.recipients.map((x) => x.peer).sort()).toEqual(['@alice_started', '@example_user']);
    expect(deliveries(s.sandbox.world, [ALICE, EXAMPLE, BOB, CAROL], 'To all who asked')).toEqual([1, 1, 0, 0]);
  });

  it('consent_policy strict skips users who never started the bot, with the start link; [force] sends to the blocked', async () => {
    const s = await session();
    await (await s.services.store()).settings.set('consent_policy', 'strict');
    const r = await report('broadcast @carol_never @alice_started Strictly');
    expect(r.result).toBe('SUCCESS');
    expect(r.recipients[0]).toMatchObject({ status: 'skipped', reason: 'not_started', start_link: 'https://t.me/tgsh_sandbox_bot' });
    expect(deliveries(s.sandbox.world, [CAROL, ALICE], 'Strictly')).toEqual([0, 1]);
    const forced = await report('[force] broadcast @bob_blocked @alice_started Forced');
    expect(forced.recipients[0]).toMatchObject({ status: 'failed', reason: 'blocked' });
  });

  it('usage mistakes are one clear line', async () => {
    const s = await session();
    const one = async (line: string) => ((await s.json(line)) as Array<{ result: string; error: string }>)[0]!;
    expect((await one('broadcast --consented')).error).toMatch(/text is missing/);
    expect((await one('broadcast --resume nope')).error).toMatch(/not a broadcast id/);
    expect((await one('broadcast --resume 20260101-000000-abcd')).error).toMatch(/no broadcast 20260101-000000-abcd/);
    expect((await one('broadcast --consented --to x.txt hi')).error).toMatch(/one way/);
    expect((await one('[reply=3] broadcast @alice_started hi')).error).toMatch(/reply/);
    expect((await one(`broadcast @alice_started ${'x'.repeat(4097)}`)).error).toMatch(/4097 characters/);
  });
});

describe('broadcast: limits and floods', () => {
  it('keeps to the limits on its own: a burst above 30/s draws no 429', async () => {
    const s = await session();
    const ids = await addStartedUsers(s, 45);
    const r = await report('broadcast --consented Paced');
    expect(r.sent).toBe(47);
    expect(s.sandbox.botapi.stats.tooManyRequests).toBe(0);
    expect(s.sandbox.botapi.stats.statuses[429]).toBeUndefined();
    expect(deliveries(s.sandbox.world, ids, 'Paced').every((n) => n === 1)).toBe(true);
  });

  it("honours a 429's retry_after and delivers exactly once", async () => {
    const s = await session();
    const ids = await addStartedUsers(s, 6);
    s.sandbox.botapi.faults.tooManyRequests('sendMessage', { fraction: 1, times: 1, retryAfter: 1 });
    const r = await report('broadcast --consented After the wait');
    expect(r.result).toBe('SUCCESS');
    expect(s.sandbox.botapi.faults.injected429).toBe(1);
    expect(deliveries(s.sandbox.world, [...ids, ALICE, EXAMPLE], 'After the wait').every((n) => n === 1)).toBe(true);
    const id = r.broadcast_id;
    expect(journalLines(s, id).some((l) => l.includes('"why":"retry_after 1"'))).toBe(true);
  });

  it('pauses everything on a flood over the bot, then finishes', async () => {
    const s = await session();
    const ids = await addStartedUsers(s, 20);
    s.sandbox.botapi.faults.flood('sendMessage', 1);
    const r = await report('broadcast --consented After the flood');
    expect(r.result).toBe('SUCCESS');
    expect(deliveries(s.sandbox.world, [...ids, ALICE, EXAMPLE], 'After the flood').every((n) => n === 1)).toBe(true);
    expect(s.notices.some((n) => /flood \(429\): every send waits/.test(n))).toBe(true);
    // It stopped sending at the second 429 instead of trying everyone into the flood.
    expect(s.sandbox.botapi.faults.injected429).toBeLessThanOrEqual(4);
  });

  it('a retry_after beyond --max-wait stops (exit status 5); --resume finishes without sending twice', async () => {
    const s = await session(['--max-wait', '5']);
    const ids = await addStartedUsers(s, 8);
    const all = [...ids, ALICE, EXAMPLE];
    s.sandbox.botapi.faults.tooManyRequests('sendMessage', { fraction: 1, times: 1, retryAfter: 30 });
    const [first] = await s.run('broadcast --consented Flood-stopped');
    expect(first).toMatchObject({ kind: 'fail', failure: 'flood', retryAfter: 30, code: 420 });
    const id = (first as { extra: { broadcast_id: string } }).extra.broadcast_id;
    expect(deliveries(s.sandbox.world, all, 'Flood-stopped').reduce((a, b) => a + b, 0)).toBe(0);
    // Later, another tgsh process (the wait is over for it) finishes the broadcast.
    s.sandbox.botapi.faults.clear();
    const later = await s.reopen();
    const [r] = (await later.json(`broadcast --resume ${id}`)) as Report[];
    await later.close();
    expect(r!.result).toBe('SUCCESS');
    expect(r!.sent).toBe(all.length);
    expect(deliveries(s.sandbox.world, all, 'Flood-stopped').every((n) => n === 1)).toBe(true);
    const again = await report(`broadcast --resume ${id}`);
    expect(again.sent).toBe(all.length);
    expect(deliveries(s.sandbox.world, all, 'Flood-stopped').every((n) => n === 1)).toBe(true);
  });

  it('only the bot that started a broadcast resumes it', async () => {
    const s = await session(['--max-wait', '5']);
    s.sandbox.botapi.faults.tooManyRequests('sendMessage', { fraction: 1, times: 1, retryAfter: 30 });
    const [first] = await s.run('broadcast @alice_started Bot-bound');
    const id = (first as { extra: { broadcast_id: string } }).extra.broadcast_id;
    s.sandbox.botapi.faults.clear();
    const other = await sandboxSession({ sandbox: s.sandbox, home: s.home, noBot: true, args: ['--bot-token', `${7000000002}:sandbox-other-bot`] });
    try {
      const [r] = await other.run(`broadcast --resume ${id}`);
      expect(r).toMatchObject({ kind: 'fail', code: 22 });
      expect((r as { error: string }).error).toMatch(/another bot \(id 7000000001\).*@other_helper_bot/);
    } finally {
      await other.close();
    }
    expect(deliveries(s.sandbox.world, [ALICE], 'Bot-bound')).toEqual([0]);
    // The bot that started it (in a new process: this one still keeps the 30 s pause) finishes it.
    const later = await s.reopen();
    try {
      expect(await later.json(`broadcast --resume ${id}`)).toMatchObject([{ result: 'SUCCESS', sent: 1 }]);
    } finally {
      await later.close();
    }
    expect(deliveries(s.sandbox.world, [ALICE], 'Bot-bound')).toEqual([1]);
  });
});

describe('broadcast: journal, status, secrets', () => {
  it('journal files are private; --status and --list show them; the token is nowhere', async () => {
    const s = await session();
    const r = await report('broadcast @alice_started @carol_never Journaled');
    const dir = s.services.paths.journals;
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, `${r.broadcast_id}.jsonl`)).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dir, `${r.broadcast_id}.lock`))).toBe(false);
    const status = await s.text(`broadcast --status ${r.broadcast_id}`);
    expect(status).toMatch(/finished/);
    expect(status).toMatch(/sent +@alice_started: message \d+/);
    expect(status).toMatch(/failed +@carol_never: .*start link https:\/\/t\.me\/tgsh_sandbox_bot/);
    expect(await s.text('broadcast --list')).toContain(`${r.broadcast_id}  finished`);
    const token = s.sandbox.connection.bot_token;
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f), 'utf8')).not.toContain(token);
    expect(JSON.stringify(r) + s.notices.join('\n') + status).not.toContain(token);
  });
});

// ---- SIGKILL half way ------------------------------------------------------------------------------

function countRecords(file: string, kind: string): number {
  try {
    return readFileSync(file, 'utf8').split(`"s":"${kind}"`).length - 1;
  } catch {
    return 0;
  }
}

/** Spawns `tgsh -e 'broadcast ...'` on the session's profile and SIGKILLs it once `ready(journal)` holds. */
async function killHalfWay(s: SandboxSession, line: string, ready: (file: string) => boolean): Promise<string> {
  const before = new Set(journalIds(s));
  const child = spawn(process.execPath, [BIN, ...s.flags, '--config-dir', s.home, '-e', line], { env: cleanEnv(s.home), stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  try {
    let id: string | undefined;
    await until(() => {
      id ??= journalIds(s).find((x) => !before.has(x));
      if (child.exitCode !== null) throw new Error(`tgsh ended before the kill point: ${output}`);
      return id !== undefined && ready(join(s.services.paths.journals, `${id}.jsonl`));
    }, 'the kill point');
    child.kill('SIGKILL');
    await exited;
    return id!;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

describe('broadcast killed with SIGKILL half way, then --resume', () => {
  // Each kill point: after the first `sending` record (maybe nothing left yet), after a few sends,
  // half way, and near the end. Requests wait 60 ms in the sandbox before they are carried out and
  // 60 ms before they are answered, so that several are in flight at the kill: their recipients
  // may have the message (sent, answer lost) or not (killed before it left): unknown.
  const points: Array<[string, (file: string) => boolean]> = [
    ['at the first sending record', (f) => countRecords(f, 'sending') >= 1],
    ['after 5 sent', (f) => countRecords(f, 'sent') >= 5],
    ['half way', (f) => countRecords(f, 'sent') >= 20],
    ['near the end', (f) => countRecords(f, 'sent') >= 36],
  ];

  it.each(points)('killed %s: each recipient got it exactly once, or is listed as unknown', async (name, ready) => {
    const s = await session();
    const ids = await addStartedUsers(s, 40);
    const all = [...ids, ALICE, EXAMPLE];
    s.sandbox.botapi.faults.delay('sendMessage', 60, { times: Infinity });
    s.sandbox.botapi.faults.delay('sendMessage', 60, { times: Infinity, answer: true });
    const text = `Killed ${name}`;
    const id = await killHalfWay(s, `broadcast --consented ${text}`, ready);

    const r = await report(`broadcast --resume ${id}`);
    // A last request through the same delay: once it is answered, every request the killed
    // process had in flight has been served (or dropped) by the sandbox.
    const c = s.sandbox.connection;
    await fetch(`${c.bot_api_root}/bot${c.bot_token}/sendMessage?chat_id=${BOB}&text=barrier`);
    s.sandbox.botapi.faults.clear();
    const got = deliveries(s.sandbox.world, all, text);
    const byChat = new Map(r.recipients.map((x) => [x.chat_id, x]));
    for (const [k, chat] of all.entries()) {
      const rec = byChat.get(chat)!;
      expect(['sent', 'unknown']).toContain(rec.status);
      if (rec.status === 'sent') expect(got[k], `${rec.peer} sent`).toBe(1);
      else expect(got[k], `${rec.peer} unknown`).toBeLessThanOrEqual(1);
    }
    expect(r.sent + r.unknown).toBe(all.length);
    expect(r.result).toBe(r.unknown > 0 ? 'FAIL' : 'SUCCESS');
    if (r.unknown > 0) {
      expect(s.notices.some((n) => n.includes('may or may not have the message'))).toBe(true);
      // Asked to, it sends them again: now everyone has it (those who had it, twice: they were warned).
      const again = await report(`broadcast --resume ${id} --resend-unknown`);
      expect(again.unknown).toBe(0);
      expect(deliveries(s.sandbox.world, all, text).every((n) => n >= 1)).toBe(true);
    }
  });
});
