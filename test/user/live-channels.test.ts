// Live messages of supergroups and channels for the user account in the interactive shell: what
// other members write (and a channel's posts) pushed by the sandbox's data centre, shown once each;
// a connection dropped while they arrive is caught up with updates.getChannelDifference.
import { afterEach, describe, expect, it } from 'vitest';
import { startLiveMessages } from '../../src/repl/live.js';
import { mountShell, type Mounted } from '../repl/helpers.js';
import type { SandboxSession } from '../helpers/sandbox.js';
import { ALICE, EXAMPLE, sandboxForFile, userSession } from './helpers.js';

const f = sandboxForFile();
let shell: Mounted | undefined;
afterEach(() => {
  shell?.unmount();
  shell = undefined;
});

async function liveShell(): Promise<{ s: SandboxSession; shell: Mounted }> {
  const s = f.keep(await userSession(f.sandbox(), { noBot: true }));
  shell = await mountShell({ home: s.home, config: s.config, controller: { services: s.services } });
  expect(await startLiveMessages(s.services, shell.controller)).toBeUndefined();
  return { s, shell };
}

const count = (frame: string, text: string): number => frame.split('\n').filter((l) => l.endsWith(text)).length;

describe('live messages of supergroups and channels', () => {
  it("shows what other members write in a supergroup, and a channel's posts; never its own sends", async () => {
    const { s, shell } = await liveShell();
    const driver = f.sandbox().world.driver;
    driver.sendToChat(ALICE, '@tgsh_chat', 'hi all, from Alice');
    const frame = await shell.waitFor('hi all, from Alice', 10_000);
    expect(frame).toMatch(/ \[\d\d:\d\d\]  tgsh Community Alice Started >>> hi all, from Alice/);
    expect(await s.text('[as=user] msg @tgsh_chat my own words')).toMatch(/<<< my own words\n$/);
    driver.sendToChat(ALICE, '@tgsh_chat', 'marker one');
    const after = await shell.waitFor('marker one', 10_000);
    expect(count(after, 'my own words')).toBe(0);
    expect(count(after, 'hi all, from Alice')).toBe(1);
    // A broadcast channel's post (its admin bot posts): the channel's line.
    driver.sendToChat(7000000001, '@tgsh_news', 'news of the day');
    expect(await shell.waitFor('news of the day', 10_000)).toMatch(/ \[\d\d:\d\d\]  tgsh News >>> news of the day/);
  });

  it('a connection dropped while a supergroup is busy: getChannelDifference shows each missed message once', async () => {
    const { shell } = await liveShell();
    const sandbox = f.sandbox();
    const driver = sandbox.world.driver;
    driver.sendToChat(ALICE, '@tgsh_chat', 'group, before the drop');
    await shell.waitFor('group, before the drop', 10_000);
    sandbox.mtproto.faults.refuseConnections(true);
    try {
      expect(sandbox.mtproto.faults.dropConnectionsOf(EXAMPLE)).toBeGreaterThan(0);
      driver.sendToChat(ALICE, '@tgsh_chat', 'group missed one');
      driver.sendToChat(EXAMPLE, '@tgsh_chat', 'group missed two, from another device');
      driver.sendToChat(ALICE, '@tgsh_chat', 'group missed three');
    } finally {
      sandbox.mtproto.faults.refuseConnections(false);
    }
    const missed = ['group missed one', 'group missed two, from another device', 'group missed three'];
    await shell.waitFor((fr) => missed.every((t) => fr.includes(t)), 40_000);
    driver.sendToChat(ALICE, '@tgsh_chat', 'group, back online');
    const frame = await shell.waitFor('group, back online', 20_000);
    for (const t of ['group, before the drop', ...missed, 'group, back online']) expect(count(frame, t), t).toBe(1);
    expect(frame.indexOf('group missed one')).toBeLessThan(frame.indexOf('group missed two'));
    expect(frame.indexOf('group missed two')).toBeLessThan(frame.indexOf('group missed three'));
    expect(sandbox.mtproto.stats.requestsFor('updates.getChannelDifference')).toBeGreaterThan(0);
  });

  it("the bot's edit through the Bot API reaches the members' sessions (its own pts), shown once", async () => {
    const { shell } = await liveShell();
    const c = f.sandbox().connection;
    const bot = async (method: string, body: Record<string, unknown>): Promise<{ message_id: number }> => {
      const r = (await (await fetch(`${c.bot_api_root}/bot${c.bot_token}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { ok: boolean; result: { message_id: number } };
      expect(r.ok, method).toBe(true);
      return r.result;
    };
    const sent = await bot('sendMessage', { chat_id: -1001234567890, text: 'the bot says so' });
    await shell.waitFor('the bot says so', 10_000);
    await bot('editMessageText', { chat_id: -1001234567890, message_id: sent.message_id, text: 'the bot says otherwise' });
    const frame = await shell.waitFor('the bot says otherwise', 10_000);
    expect(count(frame, 'the bot says otherwise')).toBe(1);
    expect(frame).toMatch(/\[edited\] the bot says otherwise/);
  });
});
