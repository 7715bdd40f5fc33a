// Every refusal a user account meets, explained with what to do (PEER_FLOOD, privacy, blocks,
// CHAT_WRITE_FORBIDDEN, FLOOD_WAIT_X within and beyond --max-wait, MESSAGE_TOO_LONG,
// AUTH_KEY_UNREGISTERED); the bot and the user on the same profile; a bot asked for history.
import { describe, expect, it } from 'vitest';
import { World } from '../../src/sandbox/world/world.js';
import { defaultWorldData } from '../../src/sandbox/world/default-world.js';
import { startSandbox } from '../../src/sandbox/sandbox.js';
import { exitCodeOf } from '../../src/cli/exit-codes.js';
import { ALICE, BOB, EVE, EXAMPLE, boxTexts, userSession } from './helpers.js';
import { afterAll, beforeAll } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import type { SandboxSession } from '../helpers/sandbox.js';

const CLOSED = 9901;
let sandbox: Sandbox;
const open: SandboxSession[] = [];
beforeAll(async () => {
  const data = defaultWorldData();
  data.chats.push({ id: CLOSED, title: 'Closed Circle', members: [ALICE], creator: ALICE } as (typeof data.chats)[number]);
  sandbox = await startSandbox({ world: new World(data) });
});
afterAll(async () => {
  for (const s of open.splice(0)) await s.close();
  await sandbox.close();
});
async function session(o: Parameters<typeof userSession>[1] = {}): Promise<SandboxSession> {
  const s = await userSession(sandbox, o);
  open.push(s);
  return s;
}
const user = (id: number) => sandbox.world.users.get(id)!;

describe('refusals as the user, explained', () => {
  it('PEER_FLOOD, USER_PRIVACY_RESTRICTED, YOU_BLOCKED_USER, USER_IS_BLOCKED, CHAT_WRITE_FORBIDDEN', async () => {
    const s = await session({ noBot: true });
    await s.run('resolve_username bob_blocked eve_many');
    const failOf = async (line: string) => {
      const [r] = await s.run(line);
      expect(r!.kind).toBe('fail');
      return r as { code: number; error: string; hint: string; failure?: string };
    };
    user(EXAMPLE).peer_flood = true;
    try {
      const r = await failOf('msg @eve_many hello stranger');
      expect([r.code, r.error]).toEqual([71, 'RPC_CALL_FAIL 400: PEER_FLOOD']);
      expect(r.hint).toMatch(/anti-spam.*contact/);
      // Contacts are still fine.
      expect((await s.run('msg @alice_started a contact is fine'))[0]!.kind).toBe('messages');
    } finally {
      delete user(EXAMPLE).peer_flood;
    }
    user(EVE).privacy_messages = 'contacts';
    try {
      const r = await failOf('msg @eve_many hi');
      expect(r.error).toBe('RPC_CALL_FAIL 403: USER_PRIVACY_RESTRICTED');
      expect(r.hint).toMatch(/lets only their contacts write/);
      expect(r.hint).toContain('Eve');
    } finally {
      delete user(EVE).privacy_messages;
    }
    user(EXAMPLE).blocked = [BOB];
    user(EVE).blocked = [EXAMPLE];
    try {
      expect((await failOf('msg @bob_blocked hi')).hint).toMatch(/you blocked Bob.*unblock/);
      expect((await failOf('msg @eve_many hi')).hint).toMatch(/blocked this account/);
    } finally {
      delete user(EXAMPLE).blocked;
      delete user(EVE).blocked;
    }
    const closed = await failOf(`msg chat#${CLOSED} let me in`);
    expect(closed.error).toBe('RPC_CALL_FAIL 403: CHAT_WRITE_FORBIDDEN');
    expect(closed.hint).toMatch(/may not write in/);
    expect(boxTexts(sandbox, BOB, EXAMPLE)).toEqual([]);
  });

  it('FLOOD_WAIT_X: sat out within --max-wait (a notice), else exit status 5 at once', async () => {
    const s = await session({ noBot: true, args: ['--max-wait', '2'] });
    sandbox.mtproto.faults.failMethod('messages.sendMessage', { code: 420, message: 'FLOOD_WAIT_1' });
    expect((await s.run('msg @alice_started after a short wait'))[0]!.kind).toBe('messages');
    expect(s.notices.some((n) => /wait 1 s \(FLOOD_WAIT_1/.test(n))).toBe(true);
    sandbox.mtproto.faults.failMethod('messages.sendMessage', { code: 420, message: 'FLOOD_WAIT_30' });
    const [r] = await s.run('msg @alice_started too soon');
    expect(r).toMatchObject({ kind: 'fail', code: 420, failure: 'flood', retryAfter: 30 });
    expect((r as { error: string }).error).toContain('FLOOD_WAIT_30');
    expect((r as { hint: string }).hint).toContain('--max-wait 30');
    expect(exitCodeOf(r!)).toBe(5);
    expect(boxTexts(sandbox, ALICE, EXAMPLE)).not.toContain('too soon');
  });

  it('MESSAGE_TOO_LONG from Telegram explained; an edit over 4096 characters refused before sending', async () => {
    const s = await session({ noBot: true });
    sandbox.mtproto.faults.failMethod('messages.sendMessage', { code: 400, message: 'MESSAGE_TOO_LONG' });
    const [r] = await s.run('msg @alice_started short, but the server says no');
    expect(r).toMatchObject({ kind: 'fail', code: 71, error: 'RPC_CALL_FAIL 400: MESSAGE_TOO_LONG' });
    expect((r as { hint: string }).hint).toContain('4096');
    const [e] = await s.run(`edit_msg 1 ${'x'.repeat(5000)}`);
    expect(e).toMatchObject({ kind: 'fail', code: 22 });
  });

  it('AUTH_KEY_UNREGISTERED: log in again, exit status 4, the session deleted', async () => {
    const s = await session({ noBot: true });
    sandbox.mtproto.faults.failMethod('messages.sendMessage', { code: 401, message: 'AUTH_KEY_UNREGISTERED' });
    const [r] = await s.run('msg @alice_started hello?');
    expect(r).toMatchObject({ kind: 'fail', code: 401, failure: 'auth' });
    expect((r as { hint: string }).hint).toContain("'login'");
    expect(exitCodeOf(r!)).toBe(4);
    const [again] = await s.run('history @alice_started');
    expect(again).toMatchObject({ kind: 'fail', failure: 'auth' });
  });
});

describe('the bot and the user on one profile', () => {
  it('[as=user] and [as=bot] choose per line; --as per run; stats and get_self say who acts', async () => {
    const s = await session(); // a bot token and a user login
    expect((await s.json('stats'))[0]).toMatchObject({ acting: 'bot (default: a bot token is configured)' });
    const [asBot] = await s.run('msg @alice_started from the bot');
    expect(asBot!.kind).toBe('sent');
    const [asUser] = await s.run('[as=user] msg @alice_started from the user');
    expect(asUser!.kind).toBe('messages');
    expect(boxTexts(sandbox, ALICE, EXAMPLE)).toContain('from the user');
    expect(sandbox.world.messages(ALICE).map((m) => m.text)).toContain('from the bot');
    expect(sandbox.world.messages(ALICE).map((m) => m.text)).not.toContain('from the user');
    expect(await s.text('[as=user] get_self')).toBe('User Example @example_user (#191322468):\n\tphone: 15550001111\n');
    expect(await s.text('[as=bot] get_self')).toMatch(/^User tgsh sandbox @tgsh_sandbox_bot \(#7000000001\):\n\tbot\n$/);
    expect((await s.json('[as=user] stats'))[0]).toMatchObject({ acting: 'user ([as] on this line)' });
    const u = await s.reopen(['--as', 'user']);
    open.push(u);
    expect((await u.run('msg @alice_started by --as'))[0]!.kind).toBe('messages');
    expect((await u.json('stats'))[0]).toMatchObject({ acting: 'user (--as / TGSH_AS)' });
    const [bad] = await s.run('[as=robot] msg @alice_started x');
    expect(bad).toMatchObject({ kind: 'fail', code: 38 });
  });

  it('stats as the first command of a run names the saved login and the default it makes', async () => {
    const s = await session({ noBot: true });
    const next = await s.reopen();
    open.push(next);
    expect((await next.json('stats'))[0]).toMatchObject({ logged_in: 'Example @example_user (user #191322468)', acting: 'user (default: no bot token, a user is logged in)' });
  });

  it('a bot asked for history, dialogs by read marks, or to schedule: the FAIL names the user identity', async () => {
    const s = await session();
    for (const line of ['history @alice_started', '[as=bot] history @alice_started 5', '[as=bot] mark_read @alice_started', '[as=bot] search @alice_started x']) {
      const [r] = await s.run(line);
      expect(r, line).toMatchObject({ kind: 'fail', code: 71 });
      expect((r as { error: string }).error).toContain('BOT_METHOD_INVALID');
      expect((r as { hint: string }).hint).toContain('[as=user]');
    }
    const [sched] = await s.run('[schedule=+1h] msg @alice_started later');
    expect((sched as { error: string }).error).toContain('SCHEDULE_BOT_NOT_ALLOWED');
    // The bot's own lists stay the store's.
    expect((await s.run('dialog_list'))[0]!.kind).toBe('peers');
    // Only a bot profile: acting as the user needs a login.
    const botOnly = await (await import('../helpers/sandbox.js')).sandboxSession({ sandbox, args: ['--as', 'user'] });
    open.push(botOnly);
    const [r] = await botOnly.run('history @alice_started');
    expect(r).toMatchObject({ kind: 'fail', code: 401, failure: 'auth' });
    expect((r as { hint: string }).hint).toContain("'login'");
  });

  it('broadcast stays a bot’s tool, and says so for [as=user]', async () => {
    const s = await session();
    const [r] = await s.run('[as=user] broadcast @alice_started @eve_many hello all');
    expect(r).toMatchObject({ kind: 'fail', code: 22 });
    expect((r as { error: string }).error).toMatch(/broadcast sends as the bot only.*spam/);
  });
});
