// The answer of a broadcast: a text summary (counts, time, rate, and the recipients that did not
// get the message) or, with --json, one JSON object listing every recipient in input order. A
// broadcast in which a recipient failed, is unknown, or that stopped early is a FAIL (exit status
// 1; 5 for a flood wait beyond --max-wait; 4 for a refused token).

import { ErrorCode } from '../../core/errors.js';
import { fail } from '../../commands/result.js';
import { type Result } from '../../commands/types.js';
import { type JsonValue } from '../../core/json.js';
import type { StopReason } from './decide.js';
import { countStatuses, type RecipientState, type StatusCounts } from './types.js';

export interface RunReport {
  id: string;
  states: readonly RecipientState[];
  stop?: StopReason;
  /** The explanation of the stop (code, error, hint, failure) when it came from a send. */
  stopExplained?: { code: number; error: string; hint?: string; failure?: 'auth' | 'flood' | 'usage' };
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
function linkSuffix(error: string | undefined, link: string | undefined): string {
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

function countsJson(c: StatusCounts): Record<string, JsonValue> {
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

function seconds(n: number): string {
  return n < 10 ? n.toFixed(1) : String(Math.round(n));
}

export function broadcastResult(r: RunReport): Result {
  const c = countStatuses(r.states);
  const rate = r.rate !== undefined && r.rate > 0 ? r.rate : undefined;
  const details: string[] = [];
  if (rate !== undefined) details.push(`${rate.toFixed(1)} messages/s`);
  if (r.floodWaitSeconds && r.floodWaitSeconds >= 0.05) details.push(`${seconds(r.floodWaitSeconds)} s of it in Telegram's flood waits`);
  const timing = `in ${seconds(r.seconds)} s${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
  const extra: Record<string, JsonValue> = {
    broadcast_id: r.id,
    ...countsJson(c),
    seconds: Math.round(r.seconds * 1000) / 1000,
    // null: too few sends, or too short a run, to tell (broadcastRate).
    rate: rate === undefined ? null : Math.round(rate * 100) / 100,
    flood_wait_seconds: Math.round((r.floodWaitSeconds ?? 0) * 1000) / 1000,
    recipients: r.states.map(recipientJson),
  };
  const resume = `'broadcast --resume ${r.id}'`;
  const stop = r.stop;
  if (stop) {
    const head = `broadcast ${r.id} stopped`;
    switch (stop.kind) {
      case 'flood':
        if (stop.waits !== undefined) {
          return fail(ErrorCode.FLOOD, `${head}: Telegram answered 429 to one recipient ${stop.waits + 1} times (the last asked to wait ${stop.retryAfter} s); ${countsText(c)}`, {
            failure: 'flood',
            retryAfter: stop.retryAfter,
            hint: `Telegram is limiting this bot: run ${resume} in a few minutes`,
            extra,
          });
        }
        return fail(ErrorCode.FLOOD, `${head}: Telegram asks to wait ${stop.retryAfter} s, longer than --max-wait; ${countsText(c)}`, {
          failure: 'flood',
          retryAfter: stop.retryAfter,
          hint: `run ${resume} in ${stop.retryAfter} s (or with a larger --max-wait)`,
          extra,
        });
      case 'aborted':
        return fail(ErrorCode.SERVER, `${head} (interrupted); ${countsText(c)}`, { hint: `${resume} sends the rest`, extra });
      case 'journal':
        return fail(ErrorCode.INTERNAL, `${head}: ${stop.message}; ${countsText(c)}`, { hint: `fix that, then ${resume}`, extra });
      case 'fatal':
      case 'network': {
        const x = r.stopExplained;
        const hint = stop.kind === 'network' ? `${x?.hint ? x.hint + '; then ' : ''}${resume} sends the rest` : `${x?.hint ?? 'nothing more was sent'}`;
        return fail(x?.code ?? ErrorCode.SERVER, `${head}: ${x?.error ?? stop.failure.description}; ${countsText(c)}`, { failure: x?.failure, hint, extra });
      }
    }
  }
  if (c.failed > 0 || c.unknown > 0 || c.pending > 0) {
    const first = r.states.find((s) => s.status === 'failed') ?? r.states.find((s) => s.status === 'unknown') ?? r.states.find((s) => s.status === 'pending');
    const hints = [`'broadcast --status ${r.id}' lists every recipient`];
    if (c.unknown > 0) hints.push(`'broadcast --resume ${r.id} --resend-unknown' sends to the ${c.unknown} unknown again (they may get it twice)`);
    return fail(ErrorCode.SERVER, `broadcast ${r.id}: ${countsText(c)} ${timing}; ${first!.peer}: ${first!.error ?? first!.status}`, { hint: hints.join('; '), extra });
  }
  const lines = [`broadcast ${r.id}: ${countsText(c)} ${timing}`, ...problemLines(r.states)];
  return { kind: 'text', text: lines.join('\n'), json: { result: 'SUCCESS', ...extra } };
}

export interface StatusReport {
  id: string;
  created: number;
  text: string;
  states: readonly RecipientState[];
  /** running (pid), finished, or how the last run ended. */
  state: string;
}

export function statusResult(s: StatusReport): Result {
  const c = countStatuses(s.states);
  const preview = s.text.length > 60 ? s.text.slice(0, 57).replace(/\s+/g, ' ') + '...' : s.text.replace(/\s+/g, ' ');
  const lines = [
    `broadcast ${s.id}: ${s.state}, started ${new Date(s.created).toISOString().slice(0, 19).replace('T', ' ')} UTC: ${JSON.stringify(preview)}`,
    `  ${countsText(c)}`,
    ...problemLines(s.states, true),
  ];
  return {
    kind: 'text',
    text: lines.join('\n'),
    json: { result: 'SUCCESS', broadcast_id: s.id, state: s.state, created: new Date(s.created).toISOString(), text: s.text, ...countsJson(c), recipients: s.states.map(recipientJson) },
  };
}
