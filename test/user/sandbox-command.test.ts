// `sandbox say` and `sandbox inbox` with a user logged in on the in-process sandbox (tgsh --sandbox,
// then `login`): say reaches the bot as before and the logged-in account too (pushed live, in its
// history); inbox lists what the bot and what the account sent, each line naming its sender.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { resolveConfig } from '../../src/cli/config.js';
import { Services } from '../../src/session/services.js';
import { Executor } from '../../src/commands/executor.js';
import { commandRegistry } from '../../src/commands/registry.js';
import { formatResult } from '../../src/output/format.js';
import { startUserLive } from '../../src/session/user-live.js';
import type { MessageEvent, TgshEvent } from '../../src/telegram/updates/hub.js';
import type { Result } from '../../src/commands/types.js';
import { tempHome } from '../helpers/cli.js';
import { ALICE, BOT, CAROL, EXAMPLE } from './helpers.js';

const home = tempHome();
let services: Services;
let executor: Executor;
const notices: string[] = [];
const events: TgshEvent[] = [];

const run = (line: string): Promise<Result[]> => executor.run(line);
async function text(line: string): Promise<string> {
  return (await run(line)).map((r) => formatResult(r, { json: false, color: false, tty: false }).stdout).join('');
}
async function json(line: string): Promise<unknown[]> {
  return (await run(line)).map((r) => JSON.parse(formatResult(r, { json: true, color: false, tty: false }).stdout) as unknown);
}
const world = () => services.sandbox()!.world;
const userBox = (owner: number, other: number) => world().accounts.account(owner).history({ type: 'user', id: other }).map((m) => m.text);
const botGot = (from: number) => world().messages(from, { bot: BOT }).filter((m) => m.from?.id === from).map((m) => m.text);

async function eventWith(text: string): Promise<MessageEvent> {
  for (let i = 0; i < 500; i++) {
    const e = events.find((x): x is MessageEvent => x.event === 'message' && x.text === text);
    if (e) return e;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no live message '${text}'`);
}

beforeAll(() => {
  const cli = parseCli(['--sandbox', '--config-dir', home.dir, '--phone', '+1 555 000 1111', '--code', '12345']);
  if (!cli.ok) throw new Error(cli.error);
  const c = resolveConfig(cli.options, {}, false);
  if (!c.ok) throw new Error(c.error);
  services = new Services(c.config);
  executor = new Executor({ config: c.config, services, registry: commandRegistry(), mode: 'pipe', notice: (t) => notices.push(t) });
  services.events.subscribe((e) => events.push(e));
});

afterAll(async () => {
  await services.close();
  home.cleanup();
});

describe('sandbox say and inbox, nobody logged in', () => {
  it('say writes to the bot only; inbox labels the bot', async () => {
    expect(await text('sandbox say @alice_started before any login')).toBe('SUCCESS\n');
    expect(botGot(ALICE)).toContain('before any login');
    expect(userBox(EXAMPLE, ALICE)).toEqual([]);
    expect(notices.at(-1)).toBe('sandbox: done; run sync to let tgsh learn of it');
    await run('msg @example_user from the bot');
    expect(await text('sandbox inbox @example_user')).toMatch(/^ \[\d\d:\d\d\]  tgsh sandbox \(bot\) >>> from the bot\n$/);
  });
});

describe('sandbox say and inbox with a user logged in', () => {
  beforeAll(async () => {
    expect((await run('login'))[0]).toMatchObject({ kind: 'success' });
    expect(await startUserLive(services, (t) => notices.push(t))).toBe(true);
  });

  it('say: the bot gets it as before, and the logged-in account too, pushed live and in its history', async () => {
    expect(await text('sandbox say @alice_started hello both')).toBe('SUCCESS\n');
    expect(notices.at(-1)).toMatch(/^sandbox: sent to the bot and to Example \(the logged-in user\)/);
    expect(botGot(ALICE)).toContain('hello both');
    expect(userBox(EXAMPLE, ALICE)).toEqual(['hello both']);
    // Pushed to the running session (updateShortMessage), as a running shell shows it.
    const e = await eventWith('hello both');
    expect(e.from.id).toBe(ALICE);
    expect(e.view.out).toBe(false);
    expect(await text('[as=user] history @alice_started')).toMatch(/ \[\d\d:\d\d\]  Alice Started >>> hello both\n$/);
  });

  it('say as someone the bot can not hear (blocked it) still reaches the user, and says so', async () => {
    expect(await text('sandbox say @bob_blocked psst')).toBe('SUCCESS\n');
    expect(notices.at(-1)).toMatch(/^sandbox: sent to Example \(the logged-in user\), not to the bot: user 200000002 has blocked bot/);
    await eventWith('psst');
  });

  it('say fails only when neither gets it; the logged-in user saying is only to the bot', async () => {
    world().users.get(EXAMPLE)!.blocked = [200000002];
    try {
      const r = await run('sandbox say @bob_blocked again');
      expect(r[0]).toMatchObject({ kind: 'fail', code: 22 });
      expect((r[0] as { error: string }).error).toMatch(/has blocked bot .*; and not to Example \(the logged-in user\): USER_IS_BLOCKED$/);
    } finally {
      delete world().users.get(EXAMPLE)!.blocked;
    }
    const before = userBox(EXAMPLE, EXAMPLE).length;
    expect(await text('sandbox say @example_user talking to the bot')).toBe('SUCCESS\n');
    expect(botGot(EXAMPLE)).toContain('talking to the bot');
    expect(userBox(EXAMPLE, EXAMPLE)).toHaveLength(before);
  });

  it("inbox: what the bot and what the logged-in account sent, each naming its sender, in text and JSON", async () => {
    await run('[as=user] msg @carol_never hi Carol, from me');
    await run('sandbox start @carol_never');
    await run('sync');
    await run('[as=bot] msg @carol_never hi Carol, from the bot');
    const lines = (await text('sandbox inbox @carol_never')).trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^ \[\d\d:\d\d\]  Example \(user account\) >>> hi Carol, from me$/),
      expect.stringMatching(/^ \[\d\d:\d\d\]  tgsh sandbox \(bot\) >>> hi Carol, from the bot$/),
    ]);
    const [rows] = (await json('sandbox inbox @carol_never')) as [Array<Record<string, unknown>>];
    expect(rows).toEqual([
      expect.objectContaining({ from: 'user', sender: 'Example', text: 'hi Carol, from me', silent: false }),
      expect.objectContaining({ from: 'bot', sender: 'tgsh sandbox', text: 'hi Carol, from the bot', silent: false }),
    ]);
    // The user's message id is the one in its own box (what reply takes as the user).
    const mine = world().accounts.account(EXAMPLE).history({ type: 'user', id: CAROL }).at(-1)!;
    expect(rows[0]!.message_id).toBe(mine.id);
  });

  it('inbox shows [silent] and the topic of what the bot sent', async () => {
    await run('[as=bot] [silent] msg @alice_started shh');
    expect(await text('sandbox inbox @alice_started')).toMatch(/tgsh sandbox \(bot\) >>> \[silent\] shh\n$/);
    // The bot's silent message reached the user's own box silent too.
    expect(world().accounts.account(ALICE).history({ type: 'user', id: BOT }).at(-1)).toMatchObject({ text: 'shh', silent: true });
    await run('[as=bot] [topic=3] msg @tgsh_forum v1 is out');
    expect(await text('sandbox inbox @tgsh_forum')).toMatch(/^ \[\d\d:\d\d\]  tgsh sandbox \(bot\) >>> \[topic 3\] v1 is out\n$/);
    let [rows] = (await json('sandbox inbox @tgsh_forum')) as [Array<Record<string, unknown>>];
    expect(rows).toEqual([expect.objectContaining({ from: 'bot', topic: 3, text: 'v1 is out' })]);
    // What the account posted in the forum, by topic.
    expect(await text('[as=user] [topic=3] [silent] msg @tgsh_forum congrats')).toMatch(/<<< congrats\n$/);
    expect(await text('sandbox inbox @tgsh_forum')).toMatch(/\(bot\) >>> \[topic 3\] v1 is out\n \[\d\d:\d\d\]  Example \(user account\) >>> \[silent\] \[topic 3\] congrats\n$/);
    [rows] = (await json('sandbox inbox @tgsh_forum')) as [Array<Record<string, unknown>>];
    expect(rows.at(-1)).toMatchObject({ from: 'user', sender: 'Example', topic: 3, silent: true, text: 'congrats' });
  });
});

describe('a login kept from an earlier sandbox world', () => {
  it('is not a logged-in user of a new world: say writes to the bot only', async () => {
    const again = new Services(services.config);
    const said: string[] = [];
    const ex = new Executor({ config: services.config, services: again, registry: commandRegistry(), mode: 'pipe', notice: (t) => said.push(t) });
    try {
      expect((await again.store()).credentials.identity()).toMatchObject({ kind: 'user', id: EXAMPLE });
      expect((await ex.run('sandbox say @alice_started new world'))[0]).toMatchObject({ kind: 'success' });
      expect(said.at(-1)).toBe('sandbox: done; run sync to let tgsh learn of it');
      expect(again.sandbox()!.world.accounts.account(EXAMPLE).history({ type: 'user', id: ALICE })).toEqual([]);
    } finally {
      await again.close();
    }
  });
});
