// The world's user accounts without a data centre: the new world-file fields, per-account ids,
// the driver's user-to-user messages and `sandbox inbox`, the Bot API bridge, scheduled sends.

import { describe, expect, it } from 'vitest';
import { defaultWorldData, SANDBOX_BOT_ID } from '../../../src/sandbox/world/default-world.js';
import { parseWorld, WorldValidationError } from '../../../src/sandbox/world/validate.js';
import { World } from '../../../src/sandbox/world/world.js';

const EXAMPLE = 191322468;
const ALICE = 200000001;
const CAROL = 200000003;

describe('world: user accounts', () => {
  it('accepts blocked, privacy_messages and peer_flood in a world file, and names bad values', () => {
    const data = JSON.parse(JSON.stringify(defaultWorldData()));
    data.users[0].blocked = [ALICE];
    data.users[0].privacy_messages = 'contacts';
    data.users[0].peer_flood = true;
    expect(() => parseWorld(data)).not.toThrow();
    data.users[0].blocked = [123];
    data.users[0].privacy_messages = 'nobody';
    data.users[0].peer_flood = 'yes';
    const e = (() => {
      try {
        parseWorld(data);
      } catch (x) {
        return x as WorldValidationError;
      }
      throw new Error('expected a refusal');
    })();
    expect(e.problems.join('\n')).toMatch(/users\[0\]\.blocked\[0\].*unknown user 123/);
    expect(e.problems.join('\n')).toMatch(/users\[0\]\.privacy_messages/);
    expect(e.problems.join('\n')).toMatch(/users\[0\]\.peer_flood/);
  });

  it('gives each account its own ids and pts; sandbox inbox lists what a user sent to a peer', () => {
    const w = new World(defaultWorldData());
    const a1 = w.driver.sendToUser('@alice_started', EXAMPLE, 'one');
    w.driver.sendToUser('@carol_never', EXAMPLE, 'two');
    const a2 = w.driver.sendToUser('@alice_started', EXAMPLE, 'three');
    expect([a1.id, a2.id]).toEqual([1, 3]); // example_user's box: 1, 2, 3
    expect(w.accounts.account(ALICE).history({ type: 'user', id: EXAMPLE }).map((m) => m.id)).toEqual([1, 2]);
    expect(w.accounts.account(EXAMPLE).pts).toBe(4); // starts at 1, three new messages
    expect(w.driver.userInbox('@example_user', '@alice_started').map((m) => m.text)).toEqual(['one', 'three']);
    expect(w.driver.userInbox('@example_user', CAROL).map((m) => m.text)).toEqual(['two']);
    expect(() => w.driver.sendToUser('@alice_started', '@example_user', '')).toThrow(/needs text/);
  });

  it('keeps what a user writes to the bot, and what the bot sends, in the user’s own box', () => {
    const w = new World(defaultWorldData());
    w.driver.sendPrivate(ALICE, 'hi bot');
    const box = () => w.accounts.account(ALICE).history({ type: 'user', id: SANDBOX_BOT_ID });
    expect(box().map((m) => [m.text, m.out])).toEqual([['hi bot', true]]);
    // A user writing to the bot through sendToUser goes through the bot's update queue too.
    w.driver.sendToUser(ALICE, SANDBOX_BOT_ID, 'again');
    expect(w.updates(SANDBOX_BOT_ID).all().filter((u) => u.message?.from?.id === ALICE).map((u) => u.message!.text)).toContain('again');
    w.addMessage(SANDBOX_BOT_ID, w.chat(ALICE), { from: w.botApiUser(w.user(SANDBOX_BOT_ID)), text: 'hello from the bot' }, { sentByBot: true });
    expect(box().map((m) => [m.text, m.out, m.from])).toEqual([
      ['hi bot', true, ALICE],
      ['again', true, ALICE],
      ['hello from the bot', false, SANDBOX_BOT_ID],
    ]);
  });

  it('sends scheduled messages once their time comes on the world clock', () => {
    const w = new World(defaultWorldData());
    w.freezeClock();
    w.accounts.schedule(EXAMPLE, { type: 'user', id: ALICE }, w.now() + 60, { text: 'later' });
    expect(w.accounts.releaseDue()).toBe(0);
    w.advanceClock(60_000);
    expect(w.accounts.releaseDue()).toBe(1);
    expect(w.accounts.releaseDue()).toBe(0);
    expect(w.accounts.account(ALICE).history({ type: 'user', id: EXAMPLE }).map((m) => m.text)).toEqual(['later']);
  });
});
