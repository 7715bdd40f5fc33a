// Telegram's Bot API send limits, kept on our side so that tgsh does not provoke 429s: about 30
// messages per second overall, one per second to a private chat (after a small burst), 20 per
// minute to a group or channel. A 429's retry_after pauses that chat, or everything when it is a
// global flood. Acquisitions are served in order (FIFO), so answers keep the order of commands.
//
// Sends are counted when they leave (the time acquire returns), and the windows are a little
// longer than Telegram's (`marginMs`): a request that is delayed on its way by a few ms (a GC
// pause, a busy event loop) must not land in the same server-side second as the 30th after it.
// Sends are also spaced (`1000 / (globalPerSecond * 1.1)` ms at least), so that a stall is never
// followed by a burst of 30 at once. A caller that reports answers (`answered`) gets one more
// guard: a request answered later than the quickest answers lately may have reached Telegram that
// much later than it left (a stalled process, a slow link), so it is counted from then.

import { sleep } from '../../core/sleep.js';
import type { ChatClass, SendPacer } from '../sender.js';

export interface LimitPolicy {
  globalPerSecond: number;
  privatePerSecond: number;
  privateBurst: number;
  groupPerMinute: number;
  /** Added to the 1 s and 60 s windows (default 25 ms); 30 per 1.025 s is 29.3 per second. */
  marginMs?: number;
}

export const TELEGRAM_LIMITS: LimitPolicy = { globalPerSecond: 30, privatePerSecond: 1, privateBurst: 3, groupPerMinute: 20, marginMs: 25 };

const DEFAULT_MARGIN_MS = 25;

export type { ChatClass };

export interface LimiterClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: LimiterClock = {
  now: () => Date.now(),
  sleep,
};

/** Send times (ms) in a sliding window, oldest first. */
class Window {
  private times: number[] = [];
  private head = 0;

  /**
   * The earliest time >= t at which one more send keeps at most `limit` in any `span`. Only sends
   * out of the window at `now` are dropped: t may lie in the future (a paused chat), and the sends
   * a later call for another chat still has to count must stay.
   */
  nextFree(t: number, limit: number, span: number, now: number = t): number {
    while (this.head < this.times.length && this.times[this.head] <= Math.min(t, now) - span) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    const n = this.times.length - this.head;
    if (n < limit) return t;
    // The send that must leave the window first: the limit-th most recent one.
    return this.times[this.times.length - limit] + span;
  }

  add(t: number): void {
    this.times.push(t);
  }

  /** Moves the send at time t to a later time t2 (the list stays in order). */
  move(t: number, t2: number): void {
    for (let k = this.times.length - 1; k >= this.head; k--) {
      if (this.times[k] === t) {
        let i = k;
        while (i + 1 < this.times.length && this.times[i + 1] < t2) {
          this.times[i] = this.times[i + 1]!;
          i++;
        }
        this.times[i] = t2;
        return;
      }
      if (this.times[k] < t) return;
    }
  }

  /** Forgets one send at time t (the most recent such). */
  remove(t: number): void {
    for (let k = this.times.length - 1; k >= this.head; k--) {
      if (this.times[k] === t) {
        this.times.splice(k, 1);
        return;
      }
      if (this.times[k] < t) return;
    }
  }

  /** The latest send time (-Infinity when none). */
  last(): number {
    return this.times.length > 0 ? this.times[this.times.length - 1] : -Infinity;
  }
}

export class SendLimiter implements SendPacer {
  private readonly global = new Window();
  private readonly groups = new Map<string, Window>();
  private readonly privates = new Map<string, { tokens: number; at: number }>();
  private readonly pausedUntil = new Map<string, number>();
  private globalPausedUntil = 0;
  private tail: Promise<void> = Promise.resolve();
  /** Round trips (ms) of the latest answers, for `answered`. */
  private readonly rtts: number[] = [];

  constructor(
    readonly policy: LimitPolicy = TELEGRAM_LIMITS,
    private readonly clock: LimiterClock = realClock,
  ) {}

  /**
   * Waits until one send to this chat keeps within the limits, and counts it. Resolves with the
   * time it was counted at (for `refund`). Rejects with the signal's reason when aborted (the send
   * then does not count).
   */
  acquire(chatId: number | string, cls: ChatClass, signal?: AbortSignal): Promise<number> {
    const turn = this.tail.then(() => this.take(String(chatId), cls, signal));
    this.tail = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /**
   * Un-counts a send that Telegram refused with a 429 (it was not delivered, and Telegram counts
   * what it delivers): `at` is what `acquire` resolved with.
   */
  refund(chatId: number | string, cls: ChatClass, at: number): void {
    const key = String(chatId);
    this.global.remove(at);
    if (cls === 'group') this.groups.get(key)?.remove(at);
    else {
      const b = this.privates.get(key);
      if (b) b.tokens = Math.min(this.policy.privateBurst, b.tokens + 1);
    }
  }

  /**
   * The answer to a send counted at `at` (what acquire resolved with) came at `answeredAt`. When
   * its round trip is longer than the quickest of the latest ones, the request may have reached
   * Telegram that much later: it is counted from then, so that the 30th send after it can not land
   * in the same second on Telegram's side.
   */
  answered(chatId: number | string, cls: ChatClass, at: number, answeredAt: number): void {
    const rtt = Math.max(0, answeredAt - at);
    this.rtts.push(rtt);
    if (this.rtts.length > 32) this.rtts.shift();
    const late = rtt - Math.min(...this.rtts);
    if (late <= 0) return;
    this.global.move(at, at + late);
    if (cls === 'group') this.groups.get(String(chatId))?.move(at, at + late);
  }

  /** Telegram answered 429: nothing goes to this chat (or anywhere, when global) for that long. */
  penalize(chatId: number | string, retryAfterSeconds: number): void {
    const until = this.clock.now() + retryAfterSeconds * 1000;
    if (chatId === 'global') this.globalPausedUntil = Math.max(this.globalPausedUntil, until);
    else this.pausedUntil.set(String(chatId), Math.max(this.pausedUntil.get(String(chatId)) ?? 0, until));
  }

  /** How long a 429 penalty (this chat's, or a global one) still holds this chat (ms; 0: none). */
  pausedFor(chatId: number | string): number {
    const until = Math.max(this.globalPausedUntil, this.pausedUntil.get(String(chatId)) ?? 0);
    return Math.max(0, until - this.clock.now());
  }

  /** How long the next send to this chat would wait (ms), without counting it. */
  waitFor(chatId: number | string, cls: ChatClass): number {
    return Math.max(0, this.earliest(String(chatId), cls, this.clock.now()) - this.clock.now());
  }

  private async take(key: string, cls: ChatClass, signal?: AbortSignal): Promise<number> {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const now = this.clock.now();
      const at = this.earliest(key, cls, now);
      if (at <= now) break;
      await this.clock.sleep(at - now, signal);
    }
    const at = this.clock.now();
    this.record(key, cls, at);
    return at;
  }

  private earliest(key: string, cls: ChatClass, now: number): number {
    const p = this.policy;
    const margin = p.marginMs ?? DEFAULT_MARGIN_MS;
    let t = Math.max(now, this.globalPausedUntil, this.pausedUntil.get(key) ?? 0);
    t = Math.max(t, this.global.nextFree(t, p.globalPerSecond, 1000 + margin, now));
    t = Math.max(t, this.global.last() + 1000 / (p.globalPerSecond * 1.1));
    if (cls === 'group') {
      const w = this.groups.get(key);
      if (w) t = Math.max(t, w.nextFree(t, p.groupPerMinute, 60_000 + margin, now));
    } else {
      const b = this.bucket(key, now);
      if (b.tokens < 1) t = Math.max(t, now + ((1 - b.tokens) / p.privatePerSecond) * 1000);
    }
    return t;
  }

  private record(key: string, cls: ChatClass, now: number): void {
    this.global.add(now);
    if (cls === 'group') {
      let w = this.groups.get(key);
      if (!w) this.groups.set(key, (w = new Window()));
      w.add(now);
    } else this.bucket(key, now).tokens -= 1;
  }

  private bucket(key: string, now: number): { tokens: number; at: number } {
    const p = this.policy;
    let b = this.privates.get(key);
    if (!b) {
      if (this.privates.size >= 4096 && this.privates.size % 4096 === 0) this.forgetIdle(now);
      b = { tokens: p.privateBurst, at: now };
      this.privates.set(key, b);
    } else if (now > b.at) {
      b.tokens = Math.min(p.privateBurst, b.tokens + ((now - b.at) / 1000) * p.privatePerSecond);
      b.at = now;
    }
    return b;
  }

  /** Drops private chats whose burst is full again and pauses that are over (a broadcast to 100k). */
  private forgetIdle(now: number): void {
    const p = this.policy;
    for (const [k, b] of this.privates) if (b.tokens + ((now - b.at) / 1000) * p.privatePerSecond >= p.privateBurst) this.privates.delete(k);
    for (const [k, until] of this.pausedUntil) if (until <= now) this.pausedUntil.delete(k);
  }
}
