// The client-side resolve budget: a token bucket (rate per second, burst) that keeps tgsh from
// provoking FLOOD_WAIT in the first place, plus the wait Telegram imposed (after FLOOD_WAIT_X no
// resolve is sent until X seconds have passed: the answer would be another FLOOD_WAIT).

import { sleep as baseSleep } from '../../core/sleep.js';

export interface BudgetLimits {
  perSecond: number;
  burst: number;
}

export type Clock = () => number;

export class ResolveBudget {
  private tokens: number;
  private last: number;
  private blockedUntil = 0;

  constructor(
    private limits: BudgetLimits,
    private readonly clock: Clock = Date.now,
  ) {
    this.tokens = limits.burst;
    this.last = clock();
  }

  /** Takes new limits (settings may change while the shell runs); the tokens held stay. */
  configure(limits: BudgetLimits): void {
    if (limits.perSecond === this.limits.perSecond && limits.burst === this.limits.burst) return;
    this.refill();
    this.limits = limits;
    this.tokens = Math.min(this.tokens, limits.burst);
  }

  private refill(): void {
    const now = this.clock();
    if (now > this.last) {
      this.tokens = Math.min(this.limits.burst, this.tokens + ((now - this.last) / 1000) * this.limits.perSecond);
      this.last = now;
    }
  }

  /** Milliseconds until a resolve may be sent (0: now). Takes nothing. */
  waitMs(): number {
    this.refill();
    const flood = Math.max(0, this.blockedUntil - this.clock());
    const token = this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.limits.perSecond) * 1000;
    return Math.max(flood, Math.ceil(token));
  }

  /** Milliseconds Telegram's last FLOOD_WAIT still forbids resolving. */
  floodWaitMs(): number {
    return Math.max(0, this.blockedUntil - this.clock());
  }

  /** Takes one token (call when waitMs() is 0). */
  take(): void {
    this.refill();
    this.tokens -= 1;
  }

  /** Telegram answered FLOOD_WAIT_X: nothing is sent for X seconds. */
  floodFor(seconds: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.clock() + seconds * 1000);
  }

  describe(): string {
    return `${this.limits.perSecond} per second, burst ${this.limits.burst}`;
  }
}

/** Sleeps ms, or rejects with AbortedError when the signal aborts (the timer is cleared then). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return baseSleep(ms, signal).catch(() => {
    throw abortError();
  });
}

/** p, or AbortedError as soon as the signal aborts (p itself goes on, unobserved). */
export function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

export class AbortedError extends Error {
  constructor() {
    super('interrupted');
    this.name = 'AbortedError';
  }
}

function abortError(): AbortedError {
  return new AbortedError();
}
