// The client-side resolve budget: a token bucket plus the wait Telegram imposed.
import { describe, expect, it } from 'vitest';
import { AbortedError, ResolveBudget, sleep } from '../../../src/telegram/resolver/budget.js';

function clock(): { now: () => number; advance(ms: number): void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('resolve budget', () => {
  it('lets a burst through, then paces at the rate', () => {
    const c = clock();
    const b = new ResolveBudget({ perSecond: 2, burst: 3 }, c.now);
    for (let i = 0; i < 3; i++) {
      expect(b.waitMs()).toBe(0);
      b.take();
    }
    expect(b.waitMs()).toBe(500);
    c.advance(500);
    expect(b.waitMs()).toBe(0);
    b.take();
    expect(b.waitMs()).toBe(500);
    c.advance(10_000); // refills up to the burst, not beyond
    for (let i = 0; i < 3; i++) b.take();
    expect(b.waitMs()).toBe(500);
  });

  it("holds every resolve for the whole of Telegram's FLOOD_WAIT", () => {
    const c = clock();
    const b = new ResolveBudget({ perSecond: 100, burst: 100 }, c.now);
    b.floodFor(30);
    expect(b.floodWaitMs()).toBe(30_000);
    expect(b.waitMs()).toBe(30_000);
    c.advance(29_000);
    expect(b.floodWaitMs()).toBe(1000);
    c.advance(1000);
    expect(b.waitMs()).toBe(0);
  });

  it('takes new limits without losing track', () => {
    const c = clock();
    const b = new ResolveBudget({ perSecond: 1, burst: 5 }, c.now);
    b.configure({ perSecond: 1, burst: 1 });
    b.take();
    expect(b.waitMs()).toBe(1000);
    b.configure({ perSecond: 1e9, burst: 1e9 });
    c.advance(1);
    expect(b.waitMs()).toBe(0);
    expect(b.describe()).toBe('1000000000 per second, burst 1000000000');
  });

  it('sleeps can be cut short by an abort signal', async () => {
    const ac = new AbortController();
    const p = sleep(60_000, ac.signal);
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(AbortedError);
    await expect(sleep(1)).resolves.toBeUndefined();
  });
});

describe('abortable', () => {
  it('gives up on a promise when the signal aborts, and passes results and errors through otherwise', async () => {
    const { abortable } = await import('../../../src/telegram/resolver/budget.js');
    const ac = new AbortController();
    const never = new Promise<number>(() => {});
    const p = abortable(never, ac.signal);
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(AbortedError);
    await expect(abortable(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
    await expect(abortable(Promise.reject(new Error('x')), new AbortController().signal)).rejects.toThrow('x');
  });
});
