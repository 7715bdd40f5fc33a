// Telegram's Bot API send limits, kept on our side so that tgsh does not provoke 429s: about 30
// messages per second overall, one per second to a private chat (after a small burst), 20 per
// minute to a group or channel. A 429's retry_after pauses that chat, or everything when it is a
// global flood. Acquisitions are served in order (FIFO), so answers keep the order of commands.

export interface LimitPolicy {
  globalPerSecond: number;
  privatePerSecond: number;
  privateBurst: number;
  groupPerMinute: number;
}

export const TELEGRAM_LIMITS: LimitPolicy = { globalPerSecond: 30, privatePerSecond: 1, privateBurst: 3, groupPerMinute: 20 };

export type ChatClass = 'private' | 'group';

export interface LimiterClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: LimiterClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(t);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** Send times (ms) in a sliding window, oldest first. */
class Window {
  private times: number[] = [];
  private head = 0;

  /** The earliest time >= t at which one more send keeps at most `limit` in any `span`. */
  nextFree(t: number, limit: number, span: number): number {
    while (this.head < this.times.length && this.times[this.head]! <= t - span) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    const n = this.times.length - this.head;
    if (n < limit) return t;
    // The send that must leave the window first: the limit-th most recent one.
    return this.times[this.times.length - limit]! + span;
  }

  add(t: number): void {
    this.times.push(t);
  }
}

export class SendLimiter {
  private readonly global = new Window();
  private readonly groups = new Map<string, Window>();
  private readonly privates = new Map<string, { tokens: number; at: number }>();
  private readonly pausedUntil = new Map<string, number>();
  private globalPausedUntil = 0;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    readonly policy: LimitPolicy = TELEGRAM_LIMITS,
    private readonly clock: LimiterClock = realClock,
  ) {}

  /**
   * Waits until one send to this chat keeps within the limits, and counts it. Rejects with the
   * signal's reason when aborted (the send then does not count).
   */
  acquire(chatId: number | string, cls: ChatClass, signal?: AbortSignal): Promise<void> {
    const turn = this.tail.then(() => this.take(String(chatId), cls, signal));
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  /** Telegram answered 429: nothing goes to this chat (or anywhere, when global) for that long. */
  penalize(chatId: number | string | 'global', retryAfterSeconds: number): void {
    const until = this.clock.now() + retryAfterSeconds * 1000;
    if (chatId === 'global') this.globalPausedUntil = Math.max(this.globalPausedUntil, until);
    else this.pausedUntil.set(String(chatId), Math.max(this.pausedUntil.get(String(chatId)) ?? 0, until));
  }

  /** How long the next send to this chat would wait (ms), without counting it. */
  waitFor(chatId: number | string, cls: ChatClass): number {
    return Math.max(0, this.earliest(String(chatId), cls, this.clock.now()) - this.clock.now());
  }

  private async take(key: string, cls: ChatClass, signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const now = this.clock.now();
      const at = this.earliest(key, cls, now);
      if (at <= now) break;
      await this.clock.sleep(at - now, signal);
    }
    this.record(key, cls, this.clock.now());
  }

  private earliest(key: string, cls: ChatClass, now: number): number {
    const p = this.policy;
    let t = Math.max(now, this.globalPausedUntil, this.pausedUntil.get(key) ?? 0);
    t = Math.max(t, this.global.nextFree(t, p.globalPerSecond, 1000));
    if (cls === 'group') {
      const w = this.groups.get(key);
      if (w) t = Math.max(t, w.nextFree(t, p.groupPerMinute, 60_000));
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
      b = { tokens: p.privateBurst, at: now };
      this.privates.set(key, b);
    } else if (now > b.at) {
      b.tokens = Math.min(p.privateBurst, b.tokens + ((now - b.at) / 1000) * p.privatePerSecond);
      b.at = now;
    }
    return b;
  }
}
