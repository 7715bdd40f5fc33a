// Live messages with the bot AND a logged-in user running in one process (tgsh --sandbox, login,
// then the live events a shell starts): each message the user or the bot receives is shown exactly
// once, labelled as what it is. `sandbox say @alice` makes two messages (one to the bot, one to the
// user): two lines, which read differently. `sandbox say @example_user` (the logged-in user writing
// to the bot from elsewhere) and a group message both see are one message each: one line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { resolveConfig } from '../../src/cli/config.js';
import { Services } from '../../src/session/services.js';
import { Executor } from '../../src/commands/executor.js';
import { commandRegistry } from '../../src/commands/registry.js';
import { paintFor } from '../../src/output/colors.js';
import { eventJson, eventLine } from '../../src/output/event.js';
import { startLiveEvents } from '../../src/session/live.js';
import { startUserLive } from '../../src/session/user-live.js';
import type { MessageEvent, TgshEvent } from '../../src/telegram/updates/hub.js';
import type { Result } from '../../src/commands/types.js';
import { tempHome } from '../helpers/cli.js';

const BOT = 7000000001;
const ALICE = 200000001;
const EXAMPLE = 191322468; // the logged-in user; in the basic group with the bot
const BOOK_CLUB = 4567;

const home = tempHome();
let services: Services;
let executor: Executor;
const notices: string[] = [];
const events: TgshEvent[] = [];

const run = (line: string): Promise<Result[]> => executor.run(line);
const world = () => services.sandbox()!.world;
const messages = (text: string): MessageEvent[] => events.filter((e): e is MessageEvent => e.event === 'message' && e.text === text);
const line = (e: TgshEvent): string => eventLine(e, false, paintFor(false));

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Both streams are past everything said before: a marker said to both (one message to the bot, one
 * to the user) has come from each. Each stream is in order, so a second copy of anything earlier
 * would have come by now.
 */
let markers = 0;
async function settled(): Promise<void> {
  const text = `marker ${++markers}`;
  expect((await run(`sandbox say @alice_started ${text}`))[0]).toMatchObject({ kind: 'success' });
  await until(() => messages(text).length >= 2, text);
}

beforeAll(async () => {
  const cli = parseCli(['--sandbox', '--config-dir', home.dir, '--phone', '+1 555 000 1111', '--code', '12345']);
  if (!cli.ok) throw new Error(cli.error);
  const c = resolveConfig(cli.options, {}, false);
  if (!c.ok) throw new Error(c.error);
  services = new Services(c.config);
  executor = new Executor({ config: c.config, services, registry: commandRegistry(), mode: 'pipe', notice: (t) => notices.push(t) });
  services.events.subscribe((e) => events.push(e));
  expect((await run('login'))[0]).toMatchObject({ kind: 'success' });
  // What the shell starts (repl/live.ts): the bot's long poll and the user's MTProto updates.
  expect(await startLiveEvents(services, (t) => notices.push(t))).toBeDefined();
  expect(await startUserLive(services, (t) => notices.push(t))).toBe(true);
  await settled();
});

afterAll(async () => {
  await services.close();
  home.cleanup();
});

describe('the bot and the user live in one process', () => {
  it('say @alice: the message to the user and the one to the bot, two lines that read differently', async () => {
    await run('sandbox say @alice_started hello both');
    await settled();
    const got = messages('hello both');
    expect(got).toHaveLength(2);
    const toUser = got.find((e) => e.to.id === EXAMPLE)!;
    const toBot = got.find((e) => e.to.id === BOT)!;
    expect(toUser.from.id).toBe(ALICE);
    expect(toBot.from.id).toBe(ALICE);
    expect(line(toUser)).toMatch(/^ \[\d\d:\d\d\]  Alice Started >>> hello both$/);
    expect(line(toBot)).toMatch(/^ \[\d\d:\d\d\]  Alice Started >>> \[to the bot\] hello both$/);
    // JSON keeps telegram-cli's shape: `to` tells them apart, the text is the message's.
    expect(eventJson(toBot)).toMatchObject({ event: 'message', text: 'hello both', to: { peer_id: BOT } });
    expect(eventJson(toUser)).toMatchObject({ event: 'message', text: 'hello both', to: { peer_id: EXAMPLE } });
  });

  it('the logged-in user writing to the bot from elsewhere is one message: one line', async () => {
    await run('sandbox say @example_user to the bot, from my phone');
    await settled();
    expect(world().messages(EXAMPLE, { bot: BOT }).at(-1)!.text).toBe('to the bot, from my phone');
    const got = messages('to the bot, from my phone');
    expect(got.map(line)).toHaveLength(1);
    expect(got[0]!.from.id).toBe(EXAMPLE);
    expect(got[0]!.to.id).toBe(BOT);
  });

  it('a group message both the bot and the user see is one line; the same text again is a second message', async () => {
    world().driver.sendToChat(ALICE, -BOOK_CLUB, '/news@tgsh_sandbox_bot');
    await settled();
    expect(messages('/news@tgsh_sandbox_bot')).toHaveLength(1);
    // Two messages of the same text, in the same second: two lines, not one.
    world().freezeClock();
    try {
      world().driver.sendToChat(ALICE, -BOOK_CLUB, '/again@tgsh_sandbox_bot');
      world().driver.sendToChat(ALICE, -BOOK_CLUB, '/again@tgsh_sandbox_bot');
    } finally {
      world().unfreezeClock();
    }
    await settled();
    const again = messages('/again@tgsh_sandbox_bot');
    expect(again).toHaveLength(2);
    expect(again[0]!.to).toMatchObject({ kind: 'chat', id: BOOK_CLUB });
  });

  it('distinct messages of the same text to the bot and to the user are never hidden', async () => {
    world().freezeClock();
    try {
      for (let i = 0; i < 2; i++) await run('sandbox say @alice_started twice');
    } finally {
      world().unfreezeClock();
    }
    await settled();
    const got = messages('twice');
    expect(got.filter((e) => e.to.id === BOT)).toHaveLength(2);
    expect(got.filter((e) => e.to.id === EXAMPLE)).toHaveLength(2);
  });
});
