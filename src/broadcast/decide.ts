// What one send's outcome means for a broadcast: the recipient is done (sent, failed, unknown),
// must be sent again later (a 429, a request that never left), or the whole broadcast must stop
// (a bad token or a message Telegram will refuse to everyone, a flood wait beyond --max-wait, or
// one recipient refused with 429 more times than any request sits out).

import { MAX_FLOOD_WAITS } from '../telegram/botapi/flood.js';
import type { SendFailure, SendOutcome } from '../telegram/sender.js';

export type StopReason =
  /** retry_after beyond --max-wait; or (`waits`) the 429s one recipient had reached MAX_FLOOD_WAITS. */
  | { kind: 'flood'; retryAfter: number; waits?: number }
  /** Telegram refused something every recipient would be refused (token, markup, length). */
  | { kind: 'fatal'; failure: SendFailure }
  /** Several network failures in a row. */
  | { kind: 'network'; failure: SendFailure }
  | { kind: 'aborted' }
  | { kind: 'journal'; message: string };

export type Decision =
  | { kind: 'sent'; messageId: number }
  | { kind: 'failed'; failure: SendFailure }
  /** It may have arrived: recorded as unknown, never resent on its own. */
  | { kind: 'unknown'; failure: SendFailure }
  /** Not delivered: send again after `afterMs` (retryAfter set for a 429). */
  | { kind: 'retry'; afterMs: number; failure: SendFailure; retryAfter?: number }
  | { kind: 'migrate'; chatId: number; failure: SendFailure }
  /** Not delivered, and nothing more should be sent. */
  | { kind: 'stop'; stop: StopReason; failure: SendFailure };

/** Refusals that would be the same for every recipient: sending on only repeats them. */
const MESSAGE_LEVEL = new Set(['unauthorized', 'empty', 'too_long', 'bad_markup']);

/** Network failures (or 5xx) in a row after which the broadcast stops. */
export const NETWORK_FAILURES_TO_STOP = 3;

/**
 * @param networkFailuresInARow including this outcome, when it is one
 * @param floodWaitsSoFar the 429s this recipient already sat out in this run
 */
export function decide(outcome: SendOutcome, maxWaitSeconds: number, networkFailuresInARow: number, floodWaitsSoFar = 0): Decision {
  if (outcome.ok) return { kind: 'sent', messageId: outcome.messageId };
  const f = outcome;
  if (f.reason === 'flood') {
    const retryAfter = Math.max(1, f.retryAfter ?? 1);
    if (retryAfter > maxWaitSeconds) return { kind: 'stop', stop: { kind: 'flood', retryAfter }, failure: f };
    // The rule of every other request (botapi/flood.ts): a few waits, then stop rather than retry forever.
    if (floodWaitsSoFar >= MAX_FLOOD_WAITS) return { kind: 'stop', stop: { kind: 'flood', retryAfter, waits: floodWaitsSoFar }, failure: f };
    return { kind: 'retry', afterMs: retryAfter * 1000, retryAfter, failure: f };
  }
  if (f.reason === 'migrated' && f.migrateToChatId !== undefined) return { kind: 'migrate', chatId: f.migrateToChatId, failure: f };
  if (MESSAGE_LEVEL.has(f.reason)) return { kind: 'stop', stop: { kind: 'fatal', failure: f }, failure: f };
  if (f.reason === 'aborted') return f.delivered === 'no' ? { kind: 'retry', afterMs: 0, failure: f } : { kind: 'unknown', failure: f };
  if (f.reason === 'network' || f.reason === 'server' || f.reason === 'bad_answer') {
    const stop = networkFailuresInARow >= NETWORK_FAILURES_TO_STOP;
    if (f.delivered === 'no') {
      return stop ? { kind: 'stop', stop: { kind: 'network', failure: f }, failure: f } : { kind: 'retry', afterMs: 1000 * networkFailuresInARow, failure: f };
    }
    // Maybe delivered: never resent; and after a few, stop rather than make everyone unknown.
    return { kind: 'unknown', failure: f };
  }
  return { kind: 'failed', failure: f };
}

/**
 * True for outcomes that say the network (or Telegram's servers, or a server that answers what the
 * Bot API never does) failed, not the recipient.
 */
export function isNetworkFailure(outcome: SendOutcome): boolean {
  return !outcome.ok && (outcome.reason === 'network' || outcome.reason === 'server' || outcome.reason === 'bad_answer');
}
