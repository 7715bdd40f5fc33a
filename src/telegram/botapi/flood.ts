// Flood waits (a Bot API 429 with retry_after): the one rule every Bot API call of tgsh follows.
// A retry_after within --max-wait is sat out, at most MAX_FLOOD_WAITS times for one request; a
// longer one, or one more after that many waits, fails the request (exit status 5), and the
// failure says which of the two it was. sendOne (send.ts) applies the rule through the limiter;
// other calls (getUpdates, getMe, getChat) through callWithFloodWaits.

import type { Secret } from '../../core/secret.js';
import { sleep as realSleep } from '../../core/sleep.js';
import { describeBotApiFailure, type BotApiFailure } from './api.js';
import type { FloodGiveUpReason } from '../sender.js';

/** At most this many 429s are sat out for one request (one message, one getUpdates...). */
export const MAX_FLOOD_WAITS = 5;

/** Why a 429 was not sat out. */
export type { FloodGiveUpReason };

export type FloodVerdict = { wait: true; seconds: number } | { wait: false; why: FloodGiveUpReason };

/**
 * What to do about a 429: wait `retryAfter` seconds, or give up. `waitsSoFar`: the 429s this
 * request already sat out.
 */
export function floodVerdict(retryAfter: number | undefined, maxWaitSeconds: number, waitsSoFar: number, maxWaits: number = MAX_FLOOD_WAITS): FloodVerdict {
  if (retryAfter === undefined || !Number.isFinite(retryAfter)) return { wait: false, why: 'no_retry_after' };
  if (retryAfter > maxWaitSeconds) return { wait: false, why: 'max_wait' };
  if (waitsSoFar >= maxWaits) return { wait: false, why: 'waits' };
  return { wait: true, seconds: Math.max(0, retryAfter) };
}

/** A request given up on a 429: how long Telegram still asked for, and why tgsh did not wait. */
export interface FloodGiveUp {
  retryAfter?: number;
  /** 429s sat out before this one. */
  waits: number;
  why: FloodGiveUpReason;
}

/** A Bot API call that failed, with what the flood rule decided when it was a 429. */
export class BotApiCallError extends Error {
  override name = 'BotApiCallError';
  constructor(
    readonly failure: BotApiFailure,
    readonly flood?: FloodGiveUp,
  ) {
    super(failure.kind === 'refused' ? `${failure.code}: ${failure.description}` : failure.message);
  }
}

/** Cancelled (the signal) while sitting out a flood wait. */
export class FloodWaitCancelled extends Error {
  override name = 'FloodWaitCancelled';
  constructor() {
    super('cancelled while waiting out a flood wait');
  }
}

export interface FloodWaitOptions {
  /** --max-wait: the longest single wait sat out (0: never wait). */
  maxWaitSeconds: number;
  signal?: AbortSignal;
  /** Told before each wait is sat out (for a notice). */
  onWait?: (seconds: number) => void;
  /** Scrubbed from every text of a failure (the bot token). */
  secrets: ReadonlyArray<Secret | string | undefined>;
  /** Tests pass a fake. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  maxWaits?: number;
}

/**
 * Runs a Bot API call, sitting out 429s by the flood rule. Every failure is thrown as a
 * BotApiCallError (secrets scrubbed); a cancelled wait as FloodWaitCancelled.
 */
export async function callWithFloodWaits<T>(call: () => Promise<T>, o: FloodWaitOptions): Promise<T> {
  const sleep = o.sleep ?? realSleep;
  let waits = 0;
  for (;;) {
    try {
      return await call();
    } catch (e) {
      const f = describeBotApiFailure(e, o.secrets);
      if (f.kind !== 'refused' || f.code !== 429) throw new BotApiCallError(f);
      const v = floodVerdict(f.retryAfter, o.maxWaitSeconds, waits, o.maxWaits);
      if (!v.wait) throw new BotApiCallError(f, { retryAfter: f.retryAfter, waits, why: v.why });
      waits++;
      o.onWait?.(v.seconds);
      try {
        await sleep(v.seconds * 1000, o.signal);
      } catch {
        throw new FloodWaitCancelled();
      }
      if (o.signal?.aborted) throw new FloodWaitCancelled();
    }
  }
}
