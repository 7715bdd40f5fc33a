import { GrammyError } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_BOT_ID } from '../../../src/sandbox/world/default-world.js';
import { ALICE, BOB, CAROL, COMMUNITY, EXAMPLE, drain, refused, sandbox, until, type Sandbox } from './helpers.js';

let sb: Sandbox;
beforeEach(async () => {
  sb = await sandbox();
});
afterEach(async () => {
  await sb.close();
});

describe('getUpdates', () => {
  it('a fresh sync learns the seeded relations (kept until confirmed)', async () => {
    const ups = await sb.api.getUpdates();
    expect(ups.map((u) => [u.message?.from?.id ?? u.my_chat_member?.from.id, u.message?.text ?? u.my_chat_member?.new_chat_member.status])).toEqual([
      [ALICE, '/start welcome'],
      [BOB, '/start'],
      [BOB, 'kicked'],
      [EXAMPLE, '/start'],
    ]);
    // Not confirmed yet: the same updates again.
    expect((await sb.api.getUpdates()).map((u) => u.update_id)).toEqual(ups.map((u) => u.update_id));
    // offset = last + 1 confirms them all.
    expect(await sb.api.getUpdates({ offset: ups[3].update_id + 1 })).toEqual([]);
    expect(sb.world.updates(SANDBOX_BOT_ID).pending).toBe(0);
  });

  it('offset and limit: nothing lost, nothing delivered twice after confirmation', async () => {
    drain(sb.world);
    const d = sb.world.driver;
    for (let i = 0; i < 250; i++) d.sendPrivate(ALICE, `m${i}`);
    const seen: string[] = [];
    let offset = 0;
    for (;;) {
      const batch = await sb.api.getUpdates({ offset, limit: 100 });
      if (batch.length === 0) break;
      expect(batch.length).toBeLessThanOrEqual(100);
      seen.push(...batch.map((u) => u.message!.text!));
      offset = batch.at(-1)!.update_id + 1;
      if (seen.length === 100) d.sendPrivate(ALICE, 'late'); // arrives mid-drain
    }
    expect(seen).toEqual([...Array.from({ length: 250 }, (_, i) => `m${i}`), 'late']);
    expect(new Set(seen).size).toBe(251);
    // limit is clamped to 1..100
    d.sendPrivate(ALICE, 'a');
    d.sendPrivate(ALICE, 'b');
    expect((await sb.api.getUpdates({ offset, limit: 0 })).length).toBe(1);
    expect((await sb.api.getUpdates({ offset, limit: 1000 })).length).toBe(2);
  });

  it('a negative offset keeps only the last -offset updates', async () => {
    drain(sb.world);
    for (let i = 0; i < 5; i++) sb.world.driver.sendPrivate(ALICE, `n${i}`);
    const last2 = await sb.api.getUpdates({ offset: -2 });
    expect(last2.map((u) => u.message!.text)).toEqual(['n3', 'n4']);
    expect((await sb.api.getUpdates()).map((u) => u.message!.text)).toEqual(['n3', 'n4']);
  });

  it('long polling returns as soon as an update arrives', async () => {
    drain(sb.world);
    const poll = sb.api.getUpdates({ timeout: 50 });
    await until(() => sb.server.activePolls() === 1, 'the poll to wait');
    sb.world.driver.sendPrivate(CAROL, 'wake up');
    const ups = await poll;
    expect(ups.map((u) => u.message!.text)).toEqual(['wake up']);
    expect(sb.server.activePolls()).toBe(0);
  });

  it('a long poll with nothing to deliver ends empty at its timeout', async () => {
    drain(sb.world);
    expect(await sb.api.getUpdates({ timeout: 1 })).toEqual([]);
  });

  it('a second concurrent poller terminates the first with 409', async () => {
    drain(sb.world);
    const first = refused(sb.api.getUpdates({ timeout: 50 }), 409, 'Conflict: terminated by other getUpdates request');
    await until(() => sb.server.activePolls() === 1, 'the first poll');
    const second = sb.api.getUpdates({ timeout: 50 });
    const e = await first;
    expect(e).toBeInstanceOf(GrammyError);
    await until(() => sb.server.activePolls() === 1, 'the second poll');
    sb.world.driver.sendPrivate(ALICE, 'for the second');
    expect((await second).map((u) => u.message!.text)).toEqual(['for the second']);
  });

  it('allowed_updates: chat_member only when asked; the setting persists', async () => {
    drain(sb.world);
    sb.world.driver.promote(7000000001, COMMUNITY); // the bot becomes admin: gets chat_member
    sb.world.driver.join(200000005, COMMUNITY);
    const def = await sb.api.getUpdates();
    expect(def.map((u) => Object.keys(u)[1])).toEqual(['my_chat_member', 'message']);
    const all = await sb.api.getUpdates({ allowed_updates: ['message', 'chat_member', 'my_chat_member'] });
    expect(all.map((u) => Object.keys(u)[1])).toEqual(['my_chat_member', 'chat_member', 'message']);
    expect((await sb.api.getUpdates({ allowed_updates: ['chat_member'] })).map((u) => Object.keys(u)[1])).toEqual(['chat_member']);
    expect((await sb.api.getUpdates()).map((u) => Object.keys(u)[1])).toEqual(['chat_member']);
    expect((await sb.api.getUpdates({ allowed_updates: [] })).map((u) => Object.keys(u)[1])).toEqual(['my_chat_member', 'message']);
  });
});

describe('webhooks', () => {
  it('getUpdates is refused with 409 while a webhook is set; deleteWebhook can drop pending updates', async () => {
    expect(await sb.api.getWebhookInfo()).toEqual({ url: '', has_custom_certificate: false, pending_update_count: 4 });
    await refused(sb.api.setWebhook('http://example.com/hook'), 400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
    expect(await sb.api.setWebhook('https://example.com/hook')).toBe(true);
    expect(await sb.api.getWebhookInfo()).toMatchObject({ url: 'https://example.com/hook', pending_update_count: 4, max_connections: 40 });
    await refused(
      sb.api.getUpdates(),
      409,
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
    expect(await sb.api.deleteWebhook()).toBe(true);
    expect((await sb.api.getUpdates()).length).toBe(4);
    expect(await sb.api.deleteWebhook({ drop_pending_updates: true })).toBe(true);
    expect(await sb.api.getUpdates()).toEqual([]);
  });

  it('setting a webhook ends a waiting long poll with 409', async () => {
    drain(sb.world);
    // The refusal is awaited from the start: it may arrive before setWebhook's own answer.
    const poll = refused(sb.api.getUpdates({ timeout: 50 }), 409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    await until(() => sb.server.activePolls() === 1, 'the poll');
    await sb.api.setWebhook('https://example.com/hook');
    await poll;
  });
});
