// When Telegram says no, waits, drops the connection, forgets the session or never answers:
// each case is one clear answer, against the sandbox data centre's faults and limits.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../src/sandbox/sandbox.js';
import { World } from '../../../src/sandbox/world/world.js';
import { defaultWorldData } from '../../../src/sandbox/world/default-world.js';
import type { WorldLimits } from '../../../src/sandbox/world/types.js';
import type { FailResult } from '../../../src/commands/types.js';
import { testShell, until, type ShellOptions, type TestShell } from './helpers.js';

const sandboxes: Sandbox[] = [];
const shells: TestShell[] = [];
const homes: string[] = [];

afterEach(async () => {
  for (const s of shells.splice(0)) await s.close();
  for (const s of sandboxes.splice(0)) await s.close();
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

async function sandboxWith(limits: Partial<WorldLimits> = {}): Promise<Sandbox> {
  const data = defaultWorldData();
  data.limits = { ...data.limits, ...limits };
  const s = await startSandbox({ world: new World(data) });
  sandboxes.push(s);
  return s;
}

async function shell(sandbox: Sandbox, o: ShellOptions = {}, budget = true): Promise<TestShell> {
  const s = testShell(sandbox, o);
  shells.push(s);
  if (!budget) {
    const store = await s.services.store();
    await store.settings.set('resolve_per_second', 1000);
    await store.settings.set('resolve_burst', 1000);
  }
  return s;
}

const resolves = (s: Sandbox): number => s.mtproto.stats.requestsFor('contacts.resolveUsername');

describe('FLOOD_WAIT', () => {
  it('shorter than --max-wait: waits (a notice says so), then answers', async () => {
    const sb = await sandboxWith();
    const s = await shell(sb, { args: ['--max-wait', '10'] });
    await s.run('get_self'); // logged in
    sb.mtproto.faults.failMethod('contacts.resolveUsername', { code: 420, message: 'FLOOD_WAIT_1' });
    expect(await s.text('resolve_username example_user')).toBe('Example\n');
    expect(resolves(sb)).toBe(2);
    expect(s.notices.join('\n')).toContain('tgsh: Telegram asks to wait 1 s (FLOOD_WAIT_1, resolving @example_user); waiting, then trying again (--max-wait 10)');
  });

  it('longer than --max-wait: fails at once with the wait, retry_after and exit status 5; the next resolve does not ask Telegram', async () => {
    const sb = await sandboxWith();
    const s = await shell(sb, { args: ['--max-wait', '10'] });
    await s.run('get_self');
    sb.mtproto.faults.failMethod('contacts.resolveUsername', { code: 420, message: 'FLOOD_WAIT_30' });
    const [json] = await s.json('resolve_username example_user');
    expect(s.notices.filter((n) => n.includes('waiting'))).toEqual([]); // it did not sit the wait out
    expect(json).toEqual({
      result: 'FAIL',
      error_code: 420,
      error: 'RPC_CALL_FAIL 420: FLOOD_WAIT_30 (resolving @example_user: Telegram asks to wait 30 s, longer than --max-wait 10)',
      retry_after: 30,
      hint: 'try again in 30 s, or allow the wait with --max-wait 30; resolving many names quickly causes this (the store answers names it knows)',
    });
    const n = resolves(sb);
    const [next] = (await s.run('resolve_username tgsh_news')) as FailResult[];
    expect(next).toMatchObject({ code: 420, failure: 'flood' });
    expect(next!.error).toMatch(/Telegram asked tgsh to wait \d+ s more before resolving again, longer than --max-wait 10/);
    expect(resolves(sb)).toBe(n);
    // The store still answers what it knows.
    expect(await s.text('[offline] resolve_username example_user')).toMatch(/^FAIL: 22/);
  });

  it('--max-wait 0 never waits, however short the wait', async () => {
    const sb = await sandboxWith();
    const s = await shell(sb, { args: ['--max-wait', '0'] });
    await s.run('get_self');
    sb.mtproto.faults.failMethod('contacts.resolveUsername', { code: 420, message: 'FLOOD_WAIT_1' });
    const [r] = (await s.run('resolve_username example_user')) as FailResult[];
    expect(r).toMatchObject({ kind: 'fail', code: 420, failure: 'flood', retryAfter: 1 });
  });

  it("from the world's resolve budget (the server's own limit), with the client budget lifted", async () => {
    const sb = await sandboxWith({ resolve_budget: 3, resolve_window_seconds: 60, resolve_flood_wait_seconds: 45 });
    const s = await shell(sb, { args: ['--max-wait', '5'] }, false);
    const out = await s.text('resolve_username example_user tgsh_news tgsh_chat dora_bigid eve_many');
    expect(out.split('\n')).toEqual([
      'Example',
      'tgsh News',
      'tgsh Community',
      'FAIL: 420: RPC_CALL_FAIL 420: FLOOD_WAIT_45 (resolving @dora_bigid: Telegram asks to wait 45 s, longer than --max-wait 5)',
      expect.stringMatching(/^FAIL: 420: RPC_CALL_FAIL 420: FLOOD_WAIT_\d+ \(resolving @eve_many: Telegram asked tgsh to wait \d+ s more/),
      '',
    ]);
    expect(resolves(sb)).toBe(4); // the fifth never went out
  });

  it('the client-side budget paces resolves and says so', async () => {
    const sb = await sandboxWith();
    const s = await shell(sb);
    const store = await s.services.store();
    await store.settings.set('resolve_per_second', 20);
    await store.settings.set('resolve_burst', 1);
    expect(await s.text('resolve_username example_user tgsh_news tgsh_chat')).toBe('Example\ntgsh News\ntgsh Community\n');
    expect(s.notices.some((n) => n.startsWith('tgsh: pacing resolves (20 per second, burst 1: settings resolve_per_second, resolve_burst); waiting'))).toBe(true);
  });
});

describe('connections and sessions', () => {
  it('a connection dropped mid-resolve: the request is sent again once, and the answer is right', async () => {
    const sb = await sandboxWith();
    const s = await shell(sb);
    await s.run('get_self');
    sb.mtproto.faults.neverAnswer('contacts.resolveUsername', { times: 1 });
    const answer = s.json('resolve_username dora_bigid');
    await until(() => resolves(sb) === 1);
    sb.mtproto.faults.dropAllConnections();
    expect(await answer).toEqual([{ user: expect.objectContaining({ peer_id: 6123456789, first_name: 'Dora', username: 'dora_bigid' }) }]);
    expect(resolves(sb)).toBe(2);
  });

  it('a server that never answers: a clear failure after the timeout, naming --dc', async () => {
    const sb = await sandboxWith();
    const s = await shell(sb);
    s.config.mtprotoTimeoutSeconds = 0.5; // what TGSH_MTPROTO_TIMEOUT=0.5 gives
    await s.run('get_self');
    sb.mtproto.faults.neverAnswer('contacts.resolveUsername');
    const [r] = (await s.run('resolve_username example_user')) as FailResult[];
    expect(r).toMatchObject({
      kind: 'fail',
      code: 71,
      error: `no answer from the MTProto server ${sb.connection.dc} within 0.5 s (resolving @example_user, contacts.ResolveUsername)`,
    });
    expect(r!.hint).toContain('--dc (TG_DC)');
    expect(r!.failure).toBeUndefined();
  });

  it('Ctrl-C while Telegram does not answer: the line ends at once with a cancelled FAIL', async () => {
    const sb = await sandboxWith();
    const s = await shell(sb);
    await s.run('get_self');
    sb.mtproto.faults.neverAnswer('contacts.resolveUsername');
    const ac = new AbortController();
    const answer = s.run('resolve_username example_user', ac.signal);
    await until(() => resolves(sb) === 1);
    ac.abort();
    const [r] = (await answer) as FailResult[];
    expect(r).toMatchObject({ kind: 'fail', code: 22, error: 'cancelled (resolving @example_user)' });
  });

  it('an unreachable server: one line naming --dc', async () => {
    const sb = await sandboxWith();
    const s = await shell(sb);
    await sb.close();
    const [r] = (await s.run('resolve_username example_user')) as FailResult[];
    expect(r).toMatchObject({ kind: 'fail', code: 71 });
    expect(r!.error).toMatch(/^cannot reach the MTProto server 127\.0\.0\.1:\d+ \(resolving @example_user\)|^no answer from the MTProto server/);
    expect(r!.hint).toMatch(/--dc/);
  });

  it('a revoked session (AUTH_KEY_UNREGISTERED): the bot logs in again once and answers', async () => {
    const sb = await sandboxWith();
    const s = await shell(sb);
    await s.run('get_self');
    const logins = sb.mtproto.stats.requestsFor('auth.importBotAuthorization');
    sb.mtproto.faults.failMethod('contacts.resolveUsername', { code: 401, message: 'AUTH_KEY_UNREGISTERED' });
    expect(await s.text('resolve_username example_user')).toBe('Example\n');
    expect(sb.mtproto.stats.requestsFor('auth.importBotAuthorization')).toBe(logins + 1);
    expect(s.notices.join('\n')).toContain("the server ended the bot's MTProto session (AUTH_KEY_UNREGISTERED); logging in again");
  });

  it('a session the server forgot (-404): a bot gets a new key and logs in again; a user is told to log in (exit status 4)', async () => {
    const sb = await sandboxWith();
    const bot = await shell(sb);
    await bot.run('get_self');
    await bot.services.close();
    sb.mtproto.forgetAuthKeys();
    const keys = sb.mtproto.stats.keyExchanges;
    const again = await shell(sb, { home: bot.home });
    expect(await again.text('resolve_username example_user')).toBe('Example\n');
    expect(sb.mtproto.stats.keyExchanges).toBe(keys + 1);
    expect(again.notices.join('\n')).toContain('no longer knows the saved session; logging the bot in again');

    const user = await shell(sb, { noBot: true, args: ['--phone', '15550001111', '--code', '12345'] });
    expect(await user.text('login')).toBe('SUCCESS\n');
    await user.services.close();
    sb.mtproto.forgetAuthKeys();
    const later = await shell(sb, { noBot: true, home: user.home });
    const [r] = (await later.run('resolve_username tgsh_news')) as FailResult[];
    expect(r).toMatchObject({ kind: 'fail', code: 401, failure: 'auth' });
    expect(r!.error).toMatch(/is no longer logged in .*it was deleted/);
    expect(r!.hint).toContain("'login'");
    const creds = JSON.parse(readFileSync(later.services.paths.credentials, 'utf8'));
    expect(creds.sessions).toEqual({});
    expect(creds.identity).toBeUndefined();
  });

  it('PHONE_MIGRATE_X from a --dc server: one FAIL naming the data centre and what to do with --dc', async () => {
    const sb = await sandboxWith();
    const s = await shell(sb, { noBot: true, args: ['--phone', '15550001111', '--code', '12345'] });
    sb.mtproto.faults.failMethod('auth.sendCode', { code: 303, message: 'PHONE_MIGRATE_4' });
    const [r] = (await s.run('login')) as FailResult[];
    expect(r).toMatchObject({ kind: 'fail', code: 71 });
    expect(r!.error).toMatch(/^the MTProto server 127\.0\.0\.1:\d+ sends this account to data centre 4 \(login\)$/);
    expect(r!.hint).toBe("--dc names one server only: point --dc (TG_DC) at data centre 4's address, or leave --dc out to use Telegram's");
    // Nothing was followed: the one server was asked once.
    expect(sb.mtproto.stats.requestsFor('auth.sendCode')).toBe(1);
  });

  it('a revoked user session: exit status 4, deleted, and login is the way back', async () => {
    const sb = await sandboxWith();
    const s = await shell(sb, { noBot: true, args: ['--phone', '15550001111', '--code', '12345'] });
    expect(await s.text('login')).toBe('SUCCESS\n');
    sb.mtproto.faults.failMethod('contacts.resolveUsername', { code: 401, message: 'AUTH_KEY_UNREGISTERED' });
    const [r] = (await s.run('resolve_username tgsh_news')) as FailResult[];
    expect(r).toMatchObject({ kind: 'fail', code: 401, failure: 'auth' });
    expect(r!.error).toContain('AUTH_KEY_UNREGISTERED');
    expect(JSON.parse(readFileSync(s.services.paths.credentials, 'utf8')).sessions).toEqual({});
    expect(await s.text('login')).toBe('SUCCESS\n');
    expect(await s.text('resolve_username tgsh_news')).toBe('tgsh News\n');
  });
});

describe('secrets', () => {
  it('the bot token, api hash, session string and 2FA password reach no answer, notice or hint', async () => {
    const sb = await sandboxWith();
    const home = mkdtempSync(join(tmpdir(), 'tgsh-secret-'));
    homes.push(home);
    writeFileSync(join(home, 'pw'), 'correct horse battery staple\n');
    const s = await shell(sb, { home, args: ['--phone', '15550002222', '--code', '22222', '--password-file', join(home, 'pw')] });
    const out: string[] = [];
    const lines = ['resolve_username example_user nobody_here_at_all 1bad', 'get_self', 'stats', 'user_info @alice_started', 'login', 'logout'];
    const sessions = new Set<string>();
    for (const l of lines) {
      const creds = existsSync(s.services.paths.credentials) ? readFileSync(s.services.paths.credentials, 'utf8') : '';
      for (const m of creds.matchAll(/"session": ?"([^"]+)"/g)) sessions.add(m[1]!);
      out.push(await s.text(l));
      out.push(JSON.stringify(await s.json(l)));
      for (const r of await s.run(l)) out.push(JSON.stringify(r));
    }
    const bad = await shell(sb, { args: ['--bot-token', '7000000001:sandbox-wrong-token'] });
    out.push(JSON.stringify(await bad.run('resolve_username example_user')), JSON.stringify(await bad.run('get_self')));
    expect(out.join('\n')).toContain('logged_in');
    const everything = [...out, ...s.notices, ...bad.notices].join('\n');
    expect(sessions.size).toBeGreaterThanOrEqual(2); // the bot's, then the user's
    for (const secret of [sb.connection.bot_token, 'sandbox-offline-token', 'sandbox-wrong-token', sb.connection.api_hash, 'correct horse battery staple', ...sessions]) {
      expect(everything).not.toContain(secret);
    }
  });
});
