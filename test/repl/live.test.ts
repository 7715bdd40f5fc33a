// Live messages in the Ink shell (ink-testing-library): the real controller and Services on the
// sandbox Bot API, the same long poll as `sync`. Messages print above the prompt without breaking
// the line being typed; JSON mode prints events; -D hides them but the store is fed; a 409 stops
// the poll with one notice; closing stops it.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { Services } from '../../src/session/services.js';
import { Secret } from '../../src/core/secret.js';
import { createBotApi } from '../../src/telegram/botapi/api.js';
import { startLiveMessages } from '../../src/repl/live.js';
import type { UpdatePoller } from '../../src/telegram/updates/poller.js';
import type { Config } from '../../src/core/config.js';
import { SANDBOX_BOT_ID } from '../../src/sandbox/world/default-world.js';
import { mountShell, testConfig, tick, type Mounted } from './helpers.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ALICE = 200000001;

interface Live {
  shell: Mounted;
  services: Services;
  sandbox: Sandbox;
  poller: UpdatePoller;
}

let live: Live | undefined;
const homes: string[] = [];
afterEach(async () => {
  if (live) {
    live.shell.unmount();
    await live.services.close();
    expect(live.poller.liveRunning).toBe(false);
    await live.sandbox.close();
  }
  live = undefined;
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

async function waitUntil(test: () => boolean, what: string, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!test()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await tick(10);
  }
}

async function startLive(more: Partial<Config> = {}): Promise<Live> {
  const sandbox = await startSandbox();
  const home = mkdtempSync(join(tmpdir(), 'tgsh-live-'));
  homes.push(home);
  const config = testConfig(home, { botToken: new Secret(sandbox.connection.bot_token), botApiRoot: sandbox.connection.bot_api_root, ...more });
  const services = new Services(config);
  const shell = await mountShell({ home, config, controller: { services } });
  const poller = (await startLiveMessages(services, shell.controller))!;
  // The poll is waiting on the server once the seeded updates are read.
  await waitUntil(() => sandbox.botapi.activePolls() === 1 && sandbox.world.updates(SANDBOX_BOT_ID).pending === 0, 'the long poll');
  return { shell, services, sandbox, poller };
}

describe('live messages in the interactive shell', () => {
  it('prints incoming messages as telegram-cli did, above an intact prompt line', async () => {
    live = await startLive();
    const { shell, sandbox } = live;
    await shell.waitFor(/\[\d\d \w{3}\]  Alice Started >>> \/start welcome/); // pending when the shell opened
    shell.write('msg @alice_st');
    await tick();
    sandbox.world.driver.sendPrivate(ALICE, 'are you there?');
    const f = await shell.waitFor(/ \[\d\d:\d\d\]  Alice Started >>> are you there\?/);
    expect(f).toMatch(/^ \[\d\d:\d\d\]  Alice Started >>> are you there\?$/m);
    expect(shell.promptLine()).toBe('> msg @alice_st');
    sandbox.world.driver.sendToChat(ALICE, -4567, '/poll lunch?');
    await shell.waitFor(/ \[\d\d:\d\d\]  Book Club Alice Started >>> \/poll lunch\?/);
    expect(shell.promptLine()).toBe('> msg @alice_st');
  });

  it('answers commands meanwhile: sync in the shell takes the poller over and gives it back', async () => {
    live = await startLive();
    const { shell, sandbox } = live;
    await shell.type('sync');
    await shell.waitFor(/> sync\nsync: 0 updates/);
    sandbox.world.driver.sendPrivate(ALICE, 'after the sync');
    await shell.waitFor('Alice Started >>> after the sync');
    await shell.type('msg 200000001 got it');
    await shell.waitFor('Alice Started <<< got it');
    expect(sandbox.world.received(ALICE).map((m) => m.text)).toEqual(['got it']);
  });

  it('prints {"event": "message"} objects in JSON mode', async () => {
    live = await startLive({ json: true });
    const { shell, sandbox } = live;
    sandbox.world.driver.sendPrivate(ALICE, 'json please');
    const f = await shell.waitFor('"text": "json please"');
    const event = JSON.parse(f.split('\n').find((l) => l.includes('"json please"'))!);
    expect(event).toMatchObject({
      event: 'message',
      id: expect.any(Number),
      from: { peer_type: 'user', peer_id: ALICE, print_name: 'Alice_Started', first_name: 'Alice', username: 'alice_started' },
      to: { peer_type: 'user', peer_id: SANDBOX_BOT_ID },
      out: false,
      unread: true,
      service: false,
      date: expect.any(Number),
      text: 'json please',
    });
    expect(Object.keys(event).slice(0, 9)).toEqual(['event', 'id', 'from', 'to', 'out', 'unread', 'service', 'date', 'text']);
  });

  it('-D hides them, and the store and consent ledger are fed all the same', async () => {
    live = await startLive({ quiet: true });
    const { shell, sandbox, services } = live;
    sandbox.world.driver.start('carol_never', { payload: 'quiet' });
    const store = await services.store();
    await waitUntil(() => store.get('user', 200000003)?.consent?.state === 'started', 'the consent');
    expect(store.get('user', 200000003)?.consent?.payload).toBe('quiet');
    expect(shell.frame()).not.toContain('>>>');
  });

  it('an unreachable Bot API: the poll says so once and retries; answers and notices never show the token', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const sandbox = await startSandbox();
    const home = mkdtempSync(join(tmpdir(), 'tgsh-live-'));
    homes.push(home);
    const token = sandbox.connection.bot_token;
    const config = testConfig(home, { botToken: new Secret(token), botApiRoot: `http://127.0.0.1:${port}`, json: false });
    const services = new Services(config);
    const shell = await mountShell({ home, config, controller: { services } });
    const poller = (await startLiveMessages(services, shell.controller))!;
    live = { shell, services, sandbox, poller };
    await shell.waitFor('live messages paused: can not reach the Bot API');
    await shell.type('msg 200000001 hello');
    await shell.waitFor(/FAIL: 71: can not reach the Bot API at http:\/\/127\.0\.0\.1:\d+ \(--bot-api-root\): connection refused/);
    await shell.type('sync');
    await shell.waitFor(/> sync\nFAIL: 71/);
    const all = shell.frame() + shell.controller.snapshot().items.map((i) => i.text).join('\n');
    for (const f of [token, encodeURIComponent(token), token.split(':')[1]!]) expect(all).not.toContain(f);
    expect(shell.frame().match(/live messages paused/g)?.length).toBe(1);
  });

  it('getMe failing does not lose messages: they are shown, the bot named by its id, with one notice', async () => {
    const sandbox = await startSandbox();
    sandbox.botapi.faults.failNext('getMe', { status: 502, times: Infinity });
    const home = mkdtempSync(join(tmpdir(), 'tgsh-live-'));
    homes.push(home);
    const config = testConfig(home, { botToken: new Secret(sandbox.connection.bot_token), botApiRoot: sandbox.connection.bot_api_root, json: true });
    const services = new Services(config);
    const shell = await mountShell({ home, config, controller: { services } });
    const poller = (await startLiveMessages(services, shell.controller))!;
    live = { shell, services, sandbox, poller };
    await shell.waitFor('"/start welcome"'); // the seeded updates
    sandbox.world.driver.sendPrivate(ALICE, 'still there?');
    const f = await shell.waitFor('"still there?"');
    const event = JSON.parse(f.split('\n').find((l) => l.includes('"still there?"'))!);
    expect(event).toMatchObject({ event: 'message', text: 'still there?', to: { peer_id: SANDBOX_BOT_ID } });
    expect(f.match(/tgsh: getMe failed/g)?.length).toBe(1);
  });

  it('a 409 (another program polls the bot) stops the poll with one notice', async () => {
    live = await startLive();
    const { shell, sandbox, poller } = live;
    const c = sandbox.connection;
    const other = await createBotApi({ token: new Secret(c.bot_token), apiRoot: c.bot_api_root });
    const theirs = other.getUpdates({ timeout: 1 }).catch(() => []);
    await shell.waitFor("live messages stopped: another program is reading this bot's updates (409");
    await waitUntil(() => !poller.liveRunning, 'the poll to stop');
    await theirs;
    expect(shell.frame().match(/live messages stopped/g)?.length).toBe(1);
  });
});
