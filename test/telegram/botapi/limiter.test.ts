// The SendLimiter on a fake clock: Telegram's limits hold in every window, with no burst.
import { describe, expect, it } from 'vitest';
import { SendLimiter, TELEGRAM_LIMITS, type LimiterClock } from '../../../src/telegram/botapi/limiter.js';

function fakeClock(): LimiterClock & { t: number } {
  const c = {
    t: 1_000_000,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.t += ms;
    },
  };
  return c;
}

/** The largest number of times within any window of `span` ms. */
function maxInWindow(times: number[], span: number): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= span) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

describe('SendLimiter', () => {
  it('at most 30 sends in any second overall, spaced (no burst), about 29 per second sustained', async () => {
    const clock = fakeClock();
    const l = new SendLimiter(TELEGRAM_LIMITS, clock);
    const times: number[] = [];
    for (let i = 0; i < 300; i++) {
      await l.acquire(7000 + i, 'private');
      times.push(clock.t);
    }
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(30);
    // Even a request late by 25 ms would not put 31 in a second on Telegram's side.
    expect(maxInWindow(times, 1025)).toBeLessThanOrEqual(30);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000 / 33 - 0.01);
    const rate = (times.length - 1) / ((times.at(-1)! - times[0]!) / 1000);
    expect(rate).toBeGreaterThan(28.5);
    expect(rate).toBeLessThanOrEqual(30);
  });

  it('1 per second to one private chat after a burst of 3; 20 per minute to a group', async () => {
    const clock = fakeClock();
    const l = new SendLimiter(TELEGRAM_LIMITS, clock);
    const priv: number[] = [];
    for (let i = 0; i < 8; i++) {
      await l.acquire(42, 'private');
      priv.push(clock.t);
    }
    expect(priv[7]! - priv[3]!).toBeGreaterThanOrEqual(4000 - 1);
    const group: number[] = [];
    for (let i = 0; i < 45; i++) {
      await l.acquire(-100, 'group');
      group.push(clock.t);
    }
    expect(maxInWindow(group, 60_000)).toBeLessThanOrEqual(20);
  });

  it('a paused chat waits its retry_after; a global pause stops every chat', async () => {
    const clock = fakeClock();
    const l = new SendLimiter(TELEGRAM_LIMITS, clock);
    l.penalize(1, 5);
    expect(l.waitFor(1, 'private')).toBe(5000);
    expect(l.waitFor(2, 'private')).toBe(0);
    l.penalize('global', 3);
    expect(l.waitFor(2, 'private')).toBe(3000);
  });

  it("asking about a chat paused far ahead does not make it forget the other chats' recent sends", async () => {
    const clock = fakeClock();
    const l = new SendLimiter(TELEGRAM_LIMITS, clock);
    for (let i = 0; i < 30; i++) await l.acquire(100 + i, 'private');
    l.penalize(1, 60);
    l.waitFor(1, 'private'); // looks 60 s ahead
    // The 30 sends of the last second still count: more than the spacing of one send is left.
    expect(l.waitFor(999, 'private')).toBeGreaterThan(100);
  });

  it('a send refused with 429 is un-counted; a late answer counts its send from later', async () => {
    const clock = fakeClock();
    const l = new SendLimiter(TELEGRAM_LIMITS, clock);
    const at: number[] = [];
    for (let i = 0; i < 30; i++) at.push(await l.acquire(100 + i, 'private'));
    const full = l.waitFor(999, 'private');
    expect(full).toBeGreaterThan(100);
    l.refund(100, 'private', at[0]!);
    expect(l.waitFor(999, 'private')).toBeLessThan(full);

    const c2 = fakeClock();
    const m = new SendLimiter(TELEGRAM_LIMITS, c2);
    const sent: number[] = [];
    for (let i = 0; i < 30; i++) {
      sent.push(await m.acquire(100 + i, 'private'));
      // Quick answers (2 ms), except the first: answered 40 ms late, it may have reached Telegram then.
      if (i > 0) m.answered(100 + i, 'private', sent[i]!, sent[i]! + 2);
    }
    const before = m.waitFor(999, 'private');
    m.answered(100, 'private', sent[0]!, sent[0]! + 42);
    // The first send now counts from T+40: the second (T+30.3) is the oldest of the window.
    expect(m.waitFor(999, 'private') - before).toBeCloseTo(sent[1]! - sent[0]!, 6);
  });
});
