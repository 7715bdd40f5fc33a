// broadcast's answers as Results: a text summary (counts, time, rate, and the recipients that did
// not get the message) or, with --json, one JSON object listing every recipient in input order. A
// broadcast in which a recipient failed, is unknown, or that stopped early is a FAIL (exit status
// 1; 5 for a flood wait beyond --max-wait; 4 for a refused token). The data comes from
// src/broadcast (report.ts); loaded with it, when broadcast runs.

import { ErrorCode } from '../core/errors.js';
import type { JsonValue } from '../core/json.js';
import { countsJson, countsText, problemLines, recipientJson, type BroadcastAnswer, type ListedBroadcast, type RunReport, type StatusReport } from '../broadcast/report.js';
import { countStatuses } from '../broadcast/types.js';
import { fail } from './result.js';
import type { Result } from './types.js';

/** The Result of what broadcast answered. */
export function broadcastAnswerResult(a: BroadcastAnswer): Result {
  switch (a.kind) {
    case 'run':
      return broadcastResult(a.report);
    case 'status':
      return statusResult(a.status);
    case 'list':
      return listResult(a.broadcasts);
    case 'refused':
      return fail(a.code, a.error, a.hint !== undefined ? { hint: a.hint } : {});
  }
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

export function listResult(list: readonly ListedBroadcast[]): Result {
  const rows = list.map((b): { id: string; state: string; counts: string; text: string; json: JsonValue } =>
    b.damaged !== undefined
      ? { id: b.id, state: 'damaged', counts: '', text: b.damaged, json: { broadcast_id: b.id, state: 'damaged' } }
      : { id: b.id, state: b.state, counts: countsText(b.counts), text: b.preview, json: { broadcast_id: b.id, state: b.state, created: new Date(b.created).toISOString(), ...b.counts } },
  );
  const text = rows.length === 0 ? 'no broadcasts in this profile' : rows.map((r) => `${r.id}  ${r.state}: ${r.counts}  ${JSON.stringify(r.text)}`).join('\n');
  return { kind: 'text', text, json: rows.map((r) => r.json) };
}
