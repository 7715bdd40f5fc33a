// `sync`: getUpdates into the store, against the sandbox Bot API server (unmodified grammY). Every
// kind of update is mined for peers; the consent ledger and the bot's memberships follow; offsets
// are confirmed only after the store is on disk, so nothing is lost or counted twice; 409 is one
// clear message, and a webhook is deleted only with --delete-webhook.
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxSession, type SandboxSession } from '../../helpers/sandbox.js';
import { createBotApi } from '../../../src/telegram/botapi/api.js';
import { Secret } from '../../../src/core/secret.js';
import { slimJson } from '../../../src/telegram/updates/journal.js';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE_USER_ID, SANDBOX_BOT_ID } from '../../../src/sandbox/world/default-world.js';

// The journal goes with the bot's offset: one per bot.
const JOURNAL = `updates-${SANDBOX_BOT_ID}.journal`;
const ALICE = 200000001;
const BOB = 200000002;
const CAROL = 200000003;
const EVE = 200000005;

let s: SandboxSession | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const pending = (): number => s!.sandbox.world.updates(SANDBOX_BOT_ID).pending;

const OTHER_BOT_ID = 7000000002;
const OTHER_BOT_TOKEN = `${OTHER_BOT_ID}:sandbox-other-bot`;

/** Alice's, Bob's and Carol's consent as contact_list --json shows it to this session's bot. */
async function consents(t: SandboxSession): Promise<Record<string, string>> {
  const [list] = (await t.json('contact_list')) as [Array<{ print_name: string; consent?: string }>];
  return Object.fromEntries(list.filter((p) => /^(Alice|Bob|Carol)_/.test(p.print_name)).map((p) => [p.print_name, p.consent ?? 'unknown']));
}

async function rawApi(session: SandboxSession): Promise<Awaited<ReturnType<typeof createBotApi>>> {
  const c = session.sandbox.connection;
  return createBotApi({ token: new Secret(c.bot_token), apiRoot: c.bot_api_root });
}

describe('sync', () => {
  it('reads the seeded updates once: twice gives nothing twice, in this process or the next', async () => {
    s = await sandboxSession();
    const [first] = await s.json('sync');
    expect(first).toMatchObject({ result: 'SUCCESS', updates: 4, new_peers: 3 });
    const changes = (first as { consent_changes: Array<{ print_name: string; to: string; payload?: string }> }).consent_changes;
    expect(changes.map((c) => [c.print_name, c.to])).toEqual([
      ['Alice_Started', 'started'],
      ['Bob_Blocked', 'blocked'],
      ['Example', 'started'],
    ]);
    expect(changes[0]!.payload).toBe('welcome');
    expect(pending()).toBe(0);
    expect(await s.json('sync')).toEqual([{ result: 'SUCCESS', updates: 0, new_peers: 0, consent_changes: [], membership_changes: [] }]);
    const next = await s.reopen();
    try {
      expect(await next.text('sync')).toBe('sync: 0 updates, 0 new peers, 0 consent changes\n');
      const store = await next.services.store();
      expect(store.get('user', BOB)?.consent?.state).toBe('blocked');
      expect(store.getUpdateOffset()).toBeGreaterThan(100_000_000);
    } finally {
      await next.close();
    }
  });

  it('learns every user and chat seen, consents and the bot membership', async () => {
    s = await sandboxSession();
    await s.text('sync');
    const w = s.sandbox.world;
    const d = w.driver;
    const hello = d.sendPrivate(ALICE, 'hello bot');
    d.editMessage(ALICE, { message_id: hello.message_id }, 'hello bot (edited)');
    d.sendToChat(EXAMPLE_USER_ID, '@tgsh_news', 'a channel post');
    d.join(CAROL, -4567); // new_chat_members in Book Club
    d.join(EVE, '@tgsh_news'); // chat_member (the bot administers tgsh News)
    d.leave(ALICE, -4567); // left_chat_member
    d.stop(EXAMPLE_USER_ID); // /stop
    d.kick(SANDBOX_BOT_ID, -4567); // my_chat_member: the bot was removed
    const api = await rawApi(s);
    const m = await api.sendMessage(ALICE, 'press', { reply_markup: { inline_keyboard: [[{ text: 'ok', callback_data: 'ok' }]] } });
    d.pressButton(ALICE, { message_id: m.message_id }, 'ok');

    const [r] = await s.json('sync');
    expect(r).toMatchObject({ result: 'SUCCESS', updates: 9 });
    const store = await s.services.store();
    expect(store.get('user', CAROL)).toMatchObject({ firstName: 'Carol', sources: expect.arrayContaining(['updates']) });
    expect(store.get('user', EVE)).toMatchObject({ firstName: 'Eve', usernames: ['eve_many'] });
    expect(store.get('channel', 1098765432)).toMatchObject({ kind: 'channel', title: 'tgsh News' });
    expect(store.get('chat', 4567)).toMatchObject({ kind: 'chat', title: 'Book Club', membership: { status: 'kicked' } });
    expect(store.get('user', EXAMPLE_USER_ID)?.consent?.state).toBe('stopped');
    expect(store.get('user', ALICE)?.lastInteraction).toBeGreaterThan(Date.now() - 60_000);
    expect((r as { membership_changes: unknown[] }).membership_changes).toEqual([{ name: 'Book Club', print_name: 'Book_Club', to: 'kicked' }]);
  });

  it('blocked -> blocked in the ledger; unblocking or writing again -> started', async () => {
    s = await sandboxSession();
    await s.text('sync');
    const d = s.sandbox.world.driver;
    d.start(CAROL, { payload: 'promo' });
    d.block(CAROL);
    expect(await s.text('sync')).toContain('Carol Never: blocked');
    d.unblock(CAROL);
    expect(await s.text('sync')).toContain('Carol Never: started');
    d.stop(CAROL);
    expect(await s.text('sync')).toContain('Carol Never: stopped');
    d.sendPrivate(CAROL, 'just chatting'); // a /stop holds until /start
    expect(await s.text('sync')).toContain('0 consent changes');
    d.start(CAROL);
    expect(await s.text('sync')).toContain('Carol Never: started');
  });

  it('a batch is on disk (journal or store) before the getUpdates that confirms it: a failed flush loses nothing', async () => {
    s = await sandboxSession();
    const store = await s.services.store();
    const realFlush = store.flush.bind(store);
    const pendingAtFlush: number[] = [];
    let failing = true;
    const journaled: boolean[] = [];
    store.flush = async () => {
      pendingAtFlush.push(pending());
      journaled.push(existsSync(join(s!.services.paths.dir, JOURNAL)));
      if (failing) throw new Error('disk full');
      return realFlush();
    };
    const [r] = await s.run('sync');
    expect(r).toMatchObject({ kind: 'fail' });
    expect(pending()).toBe(4); // still with Telegram
    failing = false;
    expect(await s.text('sync')).toMatch(/^sync: 4 updates/);
    // Each batch was on its way to disk while Telegram still held it.
    expect(pendingAtFlush[0]).toBe(4);
    expect(journaled[0]).toBe(true);
    expect(pending()).toBe(0);
    const next = await s.reopen();
    try {
      const disk = await next.services.store();
      expect(disk.get('user', ALICE)?.consent?.state).toBe('started');
      expect(await next.text('sync')).toMatch(/^sync: 0 updates/);
    } finally {
      await next.close();
    }
  });

  it('recovers a batch Telegram has forgotten but the store never got (tgsh died in between) from the journal, once', async () => {
    s = await sandboxSession();
    const w = s.sandbox.world;
    w.driver.sendPrivate(ALICE, 'a private text that must not be kept');
    const q = w.updates(SANDBOX_BOT_ID);
    const batch = q.all();
    expect(batch).toHaveLength(5);
    // What a tgsh killed after journaling and confirming, before flushing, leaves behind.
    mkdirSync(s.services.paths.dir, { recursive: true });
    writeFileSync(join(s.services.paths.dir, JOURNAL), slimJson(batch) + '\n' + '[{"update_id": 1, "mess'); // a torn last line
    q.confirm(q.nextUpdateId);
    const journal = readFileSync(join(s.services.paths.dir, JOURNAL), 'utf8');
    expect(journal).toContain('/start welcome');
    expect(journal).not.toContain('must not be kept');

    const [r] = await s.json('sync');
    expect(r).toMatchObject({ updates: 5, new_peers: 3 });
    expect((r as { consent_changes: unknown[] }).consent_changes).toHaveLength(3);
    expect(existsSync(join(s.services.paths.dir, JOURNAL))).toBe(false);
    const next = await s.reopen();
    try {
      expect(await next.json('sync')).toMatchObject([{ updates: 0, new_peers: 0 }]);
      expect((await next.services.store()).get('user', ALICE)?.consent).toMatchObject({ state: 'started', payload: 'welcome' });
    } finally {
      await next.close();
    }
  });

  it("a second bot in the same profile reads its own updates from its own offset and never inherits the first bot's consent", async () => {
    s = await sandboxSession();
    expect(await s.text('sync')).toMatch(/^sync: 4 updates/); // bot 1's offset moves past its ids
    const d = s.sandbox.world.driver;
    d.start(CAROL, { bot: OTHER_BOT_ID, payload: 'other' }); // bot 2's first update: the same low id
    const other = await sandboxSession({ sandbox: s.sandbox, home: s.home, noBot: true, args: ['--bot-token', OTHER_BOT_TOKEN] });
    try {
      const [r] = await other.json('sync');
      expect(r).toMatchObject({ updates: 1, new_peers: 1 }); // Carol
      // Alice started bot 1 only, Carol bot 2 only.
      expect(await consents(other)).toEqual({ Alice_Started: 'unknown', Bob_Blocked: 'unknown', Carol_Never: 'started' });
      expect(await other.text('settings consent_policy strict')).toBeTruthy();
      const [refused] = await other.run('msg Alice_Started hello');
      expect(refused).toMatchObject({ kind: 'fail' });
      expect(JSON.stringify(refused)).toMatch(/not (known to have )?started the bot/i);
      expect(s.sandbox.world.received(ALICE, { bot: OTHER_BOT_ID })).toHaveLength(0);
    } finally {
      await other.close();
    }
    const back = await s.reopen();
    try {
      expect(await back.text('sync')).toMatch(/^sync: 0 updates/);
      expect(await consents(back)).toMatchObject({ Alice_Started: 'started', Bob_Blocked: 'blocked' });
    } finally {
      await back.close();
    }
  });

  it("after a week without updates Telegram numbers them afresh, lower: tgsh's old offset does not swallow them", async () => {
    s = await sandboxSession();
    expect(await s.text('sync')).toMatch(/^sync: 4 updates/);
    await s.services.close(); // this tgsh exits
    // Eight quiet days pass, for the world and for the offset on disk.
    const file = s.services.paths.peers;
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { state: Record<string, { value: number; updatedAt: number }> };
    const entry = doc.state[`update_offset:${SANDBOX_BOT_ID}`]!;
    expect(entry.value).toBeGreaterThan(100_000_000);
    entry.updatedAt -= 8 * 24 * 3600_000;
    writeFileSync(file, JSON.stringify(doc));
    const w = s.sandbox.world;
    w.advanceClock(8 * 24 * 3600_000);
    w.driver.start(CAROL, { payload: 'back' });
    expect(w.updates(SANDBOX_BOT_ID).all()[0]!.update_id).toBeLessThan(entry.value);
    const next = await s.reopen();
    try {
      const [r] = await next.json('sync');
      expect(r).toMatchObject({ updates: 1, new_peers: 1 });
      expect(await consents(next)).toMatchObject({ Carol_Never: 'started' });
      expect(await next.text('sync')).toMatch(/^sync: 0 updates/); // the new offset holds
      expect(w.updates(SANDBOX_BOT_ID).pending).toBe(0);
    } finally {
      await next.close();
    }
  });

  it('drains many batches (more than 100 updates) in order', async () => {
    s = await sandboxSession();
    s.sandbox.world.driver.enqueueMessages(250, { from: [ALICE, EXAMPLE_USER_ID] });
    expect(await s.json('sync')).toMatchObject([{ updates: 254 }]);
    expect(pending()).toBe(0);
  });

  it('409 while a webhook is set: one clear message; --delete-webhook deletes it, never otherwise', async () => {
    s = await sandboxSession();
    const api = await rawApi(s);
    await api.setWebhook('https://hooks.example.com/tgsh');
    const [r] = await s.run('sync');
    expect(r).toMatchObject({ kind: 'fail', code: 71, error: expect.stringMatching(/webhook is set.*409/), hint: expect.stringContaining('--delete-webhook') });
    expect((await api.getWebhookInfo()).url).toBe('https://hooks.example.com/tgsh');
    expect(await s.text('sync --delete-webhook')).toMatch(/^sync: 4 updates.*deleted the webhook to hooks\.example\.com/);
    expect((await api.getWebhookInfo()).url).toBe('');
  });

  it('409 when another program polls: the other one is refused, or this one says so', async () => {
    s = await sandboxSession();
    const other = await rawApi(s);
    // Another poller waits in a long poll; sync takes over (Telegram ends the earlier request).
    const waiting = other.getUpdates({ timeout: 20, allowed_updates: ['shipping_query'] }).catch((e: unknown) => e);
    for (let i = 0; i < 200 && s.sandbox.botapi.activePolls() === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await s.text('sync')).toMatch(/^sync: 4 updates/);
    const err = (await waiting) as { error_code?: number };
    expect(err.error_code).toBe(409);
  });
});
