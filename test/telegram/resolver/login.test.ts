// Logging in over MTProto against the sandbox data centre: the bot by its token, users by code
// and 2FA (SRP), sessions kept and reused without a new key exchange, logout.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../src/sandbox/sandbox.js';
import { testShell, type ShellOptions, type TestShell } from './helpers.js';

let sandbox: Sandbox;
const shells: TestShell[] = [];

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  for (const s of shells.splice(0)) await s.close();
});
afterAll(() => sandbox.close());

function shell(o: ShellOptions = {}): TestShell {
  const s = testShell(sandbox, o);
  shells.push(s);
  return s;
}

const stats = () => sandbox.mtproto.stats;
const credentials = (s: TestShell): Record<string, any> => JSON.parse(readFileSync(s.services.paths.credentials, 'utf8'));

describe('bot login', () => {
  it('logs the bot in once (auth.importBotAuthorization), keeps the session 0600, and a new process reuses it without a key exchange', async () => {
    const a = shell();
    const keys = stats().keyExchanges;
    const logins = stats().requestsFor('auth.importBotAuthorization');
    expect(await a.text('resolve_username example_user')).toBe('Example\n');
    expect(stats().keyExchanges).toBe(keys + 1);
    expect(stats().requestsFor('auth.importBotAuthorization')).toBe(logins + 1);
    const doc = credentials(a);
    expect(Object.keys(doc.sessions)).toEqual([sandbox.connection.dc]);
    expect(doc.identity).toMatchObject({ kind: 'bot', id: 7000000001, username: 'tgsh_sandbox_bot' });
    expect(statSync(a.services.paths.credentials).mode & 0o777).toBe(0o600);
    await a.services.close();

    // A new process on the same profile: the saved session, no key exchange, no login.
    const b = shell({ home: a.home });
    expect(await b.text('resolve_username --force tgsh_news')).toBe('tgsh News\n');
    expect(stats().keyExchanges).toBe(keys + 1);
    expect(stats().requestsFor('auth.importBotAuthorization')).toBe(logins + 1);
    expect(await b.text('stats')).toContain('logged_in\ttgsh sandbox @tgsh_sandbox_bot (bot #7000000001)');
  });

  it('a bad token and a bad api hash: one line each, naming the setting, exit status 4', async () => {
    const bad = shell({ args: ['--bot-token', '7000000001:wrong-secret'] });
    const [r] = await bad.run('resolve_username example_user');
    expect(r).toMatchObject({ kind: 'fail', code: 401, failure: 'auth', error: 'RPC_CALL_FAIL 400: ACCESS_TOKEN_INVALID: Telegram refused the bot token' });
    expect((r as { hint: string }).hint).toContain('--bot-token (TG_BOT_TOKEN)');
    const hash = shell({ args: ['--api-hash', 'f'.repeat(32)] });
    const [h] = await hash.run('resolve_username example_user');
    expect(h).toMatchObject({ kind: 'fail', code: 401, failure: 'auth', error: 'RPC_CALL_FAIL 400: API_ID_INVALID: Telegram refused the api id / api hash pair' });
    expect((h as { hint: string }).hint).toContain('--api-id and --api-hash');
  });

  it('a session of another bot is not used for this token', async () => {
    const a = shell();
    await a.run('resolve_username example_user');
    await a.services.close();
    const b = shell({ home: a.home, args: ['--bot-token', '7000000002:sandbox-other-bot'] });
    expect(await b.text('get_self')).toBe('User Other Bot @other_helper_bot (#7000000002):\n\tbot\n');
    expect(credentials(b).identity).toMatchObject({ kind: 'bot', id: 7000000002 });
  });
});

describe('user login', () => {
  it('by code, in a script (--phone, --code): the session and identity are kept, and lookups run as the user', async () => {
    const a = shell({ noBot: true, args: ['--phone', '+1 555 000 1111', '--code', '12345'] });
    expect(await a.json('login')).toEqual([{ result: 'SUCCESS', logged_in: 'Example @example_user (user #191322468)' }]);
    expect(a.notices).toContain('tgsh: logged in as Example @example_user (user #191322468)');
    expect(credentials(a).identity).toMatchObject({ kind: 'user', id: 191322468, phone: '15550001111' });
    await a.services.close();
    const keys = stats().keyExchanges;
    const b = shell({ noBot: true, home: a.home });
    expect(await b.text('get_self')).toBe('User Example @example_user (#191322468):\n\tphone: 15550001111\n');
    expect(await b.text('resolve_username alice_started')).toBe('Alice Started\n');
    expect(stats().keyExchanges).toBe(keys);
    // A user sees its contacts' phones and the contact flags.
    const [alice] = (await b.json('user_info @alice_started')) as Array<{ user: Record<string, unknown> }>;
    expect(alice!.user).toMatchObject({ phone: '15550002222', flags: 1 | (1 << 16) });
  });

  it('by code and 2FA password (SRP), the password from --password-file', async () => {
    const a = shell({ noBot: true, args: ['--phone', '15550002222', '--code', '22222'] });
    const file = join(a.home, 'pw');
    writeFileSync(file, 'correct horse battery staple\n', { mode: 0o600 });
    const b = shell({ noBot: true, home: a.home, args: ['--phone', '15550002222', '--code', '22222', '--password-file', file] });
    expect(await b.json('login')).toEqual([{ result: 'SUCCESS', logged_in: 'Alice Started @alice_started (user #200000001)' }]);
    expect(stats().requestsFor('auth.checkPassword')).toBeGreaterThan(0);
    expect(credentials(b).identity).toMatchObject({ kind: 'user', id: 200000001 });
  });

  it('a wrong code and a wrong password: FAIL with what to do, exit status 4; then the right ones finish the same login', async () => {
    const wrongCode = shell({ noBot: true, args: ['--phone', '15550002222', '--code', '99999'] });
    const [r] = await wrongCode.run('login');
    expect(r).toMatchObject({ kind: 'fail', code: 401, failure: 'auth', error: 'RPC_CALL_FAIL 400: PHONE_CODE_INVALID: the login code is wrong' });
    await wrongCode.services.close();

    const file = join(wrongCode.home, 'pw');
    writeFileSync(file, 'Tr0ub4dor&3');
    const wrongPw = shell({ noBot: true, home: wrongCode.home, args: ['--phone', '15550002222', '--code', '22222', '--password-file', file] });
    const [p] = await wrongPw.run('login');
    expect(p).toMatchObject({ kind: 'fail', code: 401, failure: 'auth', error: 'RPC_CALL_FAIL 400: PASSWORD_HASH_INVALID: the 2FA password is wrong' });
    expect(JSON.stringify(p)).not.toContain('Tr0ub4dor');
    await wrongPw.services.close();

    writeFileSync(file, 'correct horse battery staple');
    const sendCodes = stats().requestsFor('auth.sendCode');
    const right = shell({ noBot: true, home: wrongCode.home, args: ['--phone', '15550002222', '--password-file', file] });
    expect(await right.text('login')).toBe('SUCCESS\n');
    expect(stats().requestsFor('auth.sendCode')).toBe(sendCodes); // the half-done login went on
    expect(credentials(right).pending_logins).toBeUndefined();
  });

  it('in a script, names what is missing: the phone (no network call), then the code (after sending it)', async () => {
    const none = shell({ noBot: true });
    const sent = stats().requestsFor('auth.sendCode');
    const [r] = await none.run('login');
    expect(r).toMatchObject({ kind: 'fail', code: 401, failure: 'auth', error: 'login needs the phone number: --phone (TG_PHONE)' });
    expect(stats().requestsFor('auth.sendCode')).toBe(sent);

    const phoneOnly = shell({ noBot: true, home: none.home, args: ['--phone', '15550001111'] });
    const [c] = await phoneOnly.run('login');
    expect(c).toMatchObject({ kind: 'fail', failure: 'auth', error: 'login needs the login code Telegram sent: --code (TG_CODE)' });
    expect(phoneOnly.notices).toContain('tgsh: Telegram sent a login code for 15550001111 in the Telegram app');
    expect(stats().requestsFor('auth.sendCode')).toBe(sent + 1);
    await phoneOnly.services.close();

    // The second run gives the code: the same login finishes (no new code is sent).
    const withCode = shell({ noBot: true, home: none.home, args: ['--phone', '15550001111', '--code', '12345'] });
    expect(await withCode.text('login')).toBe('SUCCESS\n');
    expect(stats().requestsFor('auth.sendCode')).toBe(sent + 1);
  });

  it('interactive: asks the phone, the code and the 2FA password (hidden), and asks again after a wrong one', async () => {
    const s = shell({ noBot: true, answers: ['+15550002222', '00000', '22222', 'wrong password', 'correct horse battery staple'] });
    expect(await s.text('login')).toBe('SUCCESS\n');
    expect(s.asked).toEqual([
      { question: 'phone number (international form, e.g. +15550001111): ', hidden: false },
      { question: 'login code: ', hidden: false },
      { question: 'login code: ', hidden: false },
      { question: '2FA password (hint: xkcd 936): ', hidden: true },
      { question: '2FA password (hint: xkcd 936): ', hidden: true },
    ]);
    expect(s.notices).toContain('tgsh: that code is wrong; try again');
    expect(s.notices).toContain('tgsh: that password is wrong; try again');
    expect(s.notices.join('\n')).not.toContain('correct horse');
  });

  it('without a bot token or a login, a lookup fails with exit status 4 and says how to log in', async () => {
    const s = shell({ noBot: true });
    const [r] = await s.run('resolve_username example_user');
    expect(r).toMatchObject({ kind: 'fail', code: 401, failure: 'auth' });
    expect((r as { hint: string }).hint).toContain("'login'");
  });
});

describe('logout', () => {
  it('ends the session on the server (auth.logOut) and deletes it and the identity here; the bot logs in again when next needed', async () => {
    const s = shell();
    await s.run('resolve_username example_user');
    const outs = stats().requestsFor('auth.logOut');
    expect(await s.json('logout')).toEqual([{ result: 'SUCCESS', logged_out: 'tgsh sandbox @tgsh_sandbox_bot (bot #7000000001)' }]);
    expect(stats().requestsFor('auth.logOut')).toBe(outs + 1);
    const doc = credentials(s);
    expect(doc.sessions).toEqual({});
    expect(doc.identity).toBeUndefined();
    expect(await s.text('stats')).toContain('logged_in\tnot logged in');
    const logins = stats().requestsFor('auth.importBotAuthorization');
    expect(await s.text('resolve_username --force example_user')).toBe('Example\n');
    expect(stats().requestsFor('auth.importBotAuthorization')).toBe(logins + 1);
  });

  it('a user logs out; lookups then need a login again', async () => {
    const s = shell({ noBot: true, args: ['--phone', '15550001111', '--code', '12345'] });
    expect(await s.text('login')).toBe('SUCCESS\n');
    expect(await s.text('logout')).toBe('SUCCESS\n');
    const [r] = await s.run('resolve_username --force example_user');
    expect(r).toMatchObject({ kind: 'fail', failure: 'auth' });
  });
});
