// What a broadcast answers, as data: the report of a run, the status of one broadcast, the list of
// a profile's broadcasts, or a refusal before anything was done; and the texts its answers share
// (counts, the recipients that did not get the message, each recipient as JSON).
// commands/broadcast-report.ts turns them into the command's Result.

import type { FailureClass } from '../core/errors.js';
import { type JsonValue } from '../core/json.js';
import type { StopReason } from './decide.js';
import type { RecipientState, StatusCounts } from './types.js';

export interface RunReport {
  id: string;
  states: readonly RecipientState[];
  stop?: StopReason;
  /** The explanation of the stop (code, error, hint, failure) when it came from a send. */
  stopExplained?: { code: number; error: string; hint?: string; failure?: FailureClass };
  /** How long this run took. */
  seconds: number;
  /**
   * Messages sent per second between the first request and the last answer of this run;
   * undefined when that says little (see broadcastRate).
   */
  rate?: number;
  /** Seconds this run could send nothing because of Telegram's retry_after waits. */
  floodWaitSeconds?: number;
}

/** Below either, a rate says little (one send, or a handful on a fast link): none is given. */
export const RATE_MIN_SENT = 2;
export const RATE_MIN_SECONDS = 1;

/**
 * The rate of a run: messages sent per second of active time (from the first request to the last
 * answer). Undefined when fewer than RATE_MIN_SENT were sent or the run was active less than
 * RATE_MIN_SECONDS.
 */
export function broadcastRate(sent: number, activeSeconds: number): number | undefined {
  if (sent < RATE_MIN_SENT || !(activeSeconds >= RATE_MIN_SECONDS)) return undefined;
  return sent / activeSeconds;
}

/** `; start link L` unless the error already gives the link. */
export function linkSuffix(error: string | undefined, link: string | undefined): string {
  return link && !(error ?? '').includes(link) ? `; start link ${link}` : '';
}

export function recipientJson(s: RecipientState): JsonValue {
  return {
    peer: s.peer,
    chat_id: s.chatId,
    status: s.status,
    message_id: s.messageId,
    reason: s.reason,
    error: s.error,
    error_code: s.code,
    start_link: s.startLink,
  };
}

export function countsJson(c: StatusCounts): Record<string, JsonValue> {
  return { total: c.total, sent: c.sent, failed: c.failed, skipped: c.skipped, unknown: c.unknown, pending: c.pending };
}

export function countsText(c: StatusCounts): string {
  const parts = [`${c.sent} sent`, `${c.failed} failed`, `${c.skipped} skipped`, `${c.unknown} unknown`];
  if (c.pending) parts.push(`${c.pending} not sent yet`);
  return `${parts.join(', ')} (of ${c.total})`;
}

/** `  failed   @carol: ...` lines for the recipients that did not get the message. */
export function problemLines(states: readonly RecipientState[], withSent = false): string[] {
  const out: string[] = [];
  for (const s of states) {
    if (s.status === 'sent' && !withSent) continue;
    const what = s.status === 'pending' ? 'not sent' : s.status;
    const detail = s.status === 'sent' ? `message ${s.messageId ?? '?'}` : `${s.error ?? ''}${linkSuffix(s.error, s.startLink)}`;
    out.push(`  ${what.padEnd(8)} ${s.peer}${detail ? ': ' + detail : ''}`);
  }
  return out;
}

export interface StatusReport {
  id: string;
  created: number;
  text: string;
  states: readonly RecipientState[];
  /** running (pid), finished, or how the last run ended. */
  state: string;
}

/** One broadcast of `--list`: its journal read (or `damaged`, with why). */
export type ListedBroadcast =
  | { id: string; damaged: string }
  | { id: string; damaged?: undefined; state: string; created: number; counts: StatusCounts; preview: string };

/** A refusal before anything was sent (bad id, no such journal, another bot's broadcast...). */
export interface BroadcastRefusal {
  kind: 'refused';
  code: number;
  error: string;
  hint?: string;
}

export type BroadcastAnswer =
  | { kind: 'run'; report: RunReport }
  | { kind: 'status'; status: StatusReport }
  | { kind: 'list'; broadcasts: ListedBroadcast[] }
  | BroadcastRefusal;

export function refused(code: number, error: string, hint?: string): BroadcastRefusal {
  return hint === undefined ? { kind: 'refused', code, error } : { kind: 'refused', code, error, hint };
}
