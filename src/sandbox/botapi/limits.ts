// The Bot API's send limits, from the world's `limits`: about 30 messages per second overall, one
// per second to a private chat after a small burst, 20 per minute to a group. Time is the world's
// clock (tests move it with world.advanceClock), windows scale with `bot_window_scale`.

import type { WorldLimits } from '../world/types.js';

interface Bucket {
  tokens: number;
  at: number;
}

/** Timestamps (ms) of recent sends, oldest first; a moving head keeps trimming O(1). */
class Window {
  private times: number[] = [];
  private head = 0;

  count(now: number, spanMs: number): number {
    while (this.head < this.times.length && this.times[this.head] <= now - spanMs) this.head++;
    if (this.head > 256 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  /** When the oldest send in the window leaves it. */
  freeAt(spanMs: number): number {
    return this.times[this.head] + spanMs;
  }

  add(now: number): void {
    this.times.push(now);
  }
}

export type LimitedChat = 'private' | 'group';

export class SendLimiter {
  private readonly global = new Map<number, Window>();
  private readonly groups = new Map<string, Window>();
  private readonly privates = new Map<string, Bucket>();
  /** 429 answers given. */
  refused = 0;

  constructor(private readonly limits: WorldLimits) {}

  /**
   * Seconds the bot must wait before this send (0: go ahead). Call `record` once the send
   * succeeded.
   */
  check(botId: number, kind: LimitedChat, chatId: number, now: number): number {
    const l = this.limits;
    if (!l.bot_limits_enabled) return 0;
    const scale = l.bot_window_scale > 0 ? l.bot_window_scale : 1;
    let waitMs = 0;
    const g = this.global.get(botId);
    const second = 1000 * scale;
    if (g && g.count(now, second) >= l.bot_global_per_second) waitMs = Math.max(waitMs, g.freeAt(second) - now);
    if (kind === 'group') {
      const w = this.groups.get(`${botId}:${chatId}`);
      const minute = 60_000 * scale;
      if (w && w.count(now, minute) >= l.bot_group_per_minute) waitMs = Math.max(waitMs, w.freeAt(minute) - now);
    } else {
      const b = this.bucket(botId, chatId, now);
      if (b.tokens < 1) waitMs = Math.max(waitMs, ((1 - b.tokens) / l.bot_private_per_second) * second);
    }
    if (waitMs <= 0) return 0;
    this.refused++;
    return Math.max(1, Math.ceil(waitMs / 1000));
  }

  record(botId: number, kind: LimitedChat, chatId: number, now: number): void {
    if (!this.limits.bot_limits_enabled) return;
    let g = this.global.get(botId);
    if (!g) this.global.set(botId, (g = new Window()));
    g.add(now);
    if (kind === 'group') {
      const key = `${botId}:${chatId}`;
      let w = this.groups.get(key);
      if (!w) this.groups.set(key, (w = new Window()));
      w.add(now);
    } else {
      this.bucket(botId, chatId, now).tokens -= 1;
    }
  }

  private bucket(botId: number, chatId: number, now: number): Bucket {
    const l = this.limits;
    const key = `${botId}:${chatId}`;
    const scale = l.bot_window_scale > 0 ? l.bot_window_scale : 1;
    let b = this.privates.get(key);
    if (!b) {
      b = { tokens: Math.max(1, l.bot_private_burst), at: now };
      this.privates.set(key, b);
    } else if (now > b.at) {
      const refill = ((now - b.at) / (1000 * scale)) * l.bot_private_per_second;
      b.tokens = Math.min(Math.max(1, l.bot_private_burst), b.tokens + refill);
      b.at = now;
    }
    return b;
  }
}
