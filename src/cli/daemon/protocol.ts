// What goes on the wire for one answer, one event, one notice: telegram-cli's frames on the public
// sockets, JSON lines on the profile's private socket (where `tgsh -e` and piped tgsh hand their
// lines over and need each answer's stderr part and exit status too). Answers are formatted by
// output/format.ts exactly as stdout gets them in pipe mode.

import type { Result } from '../../commands/types.js';
import type { TgshEvent } from '../../telegram/updates/hub.js';
import { formatResult, type OutputStyle } from '../../output/format.js';
import { eventLine } from '../../output/event.js';
import { plainPaint, paintFor } from '../../output/colors.js';
import { exitCodeOf } from '../exit-codes.js';
import { frame } from './framing.js';

export interface WireFormat {
  answer(r: Result): Buffer;
  event(e: TgshEvent): Buffer;
  /** Undefined: notices are not sent to this client (they go to the daemon's log). */
  notice?(text: string): Buffer;
}

/** telegram-cli's framing, no colours, hints left out (a socket reads stdout's part only). */
export function framedFormat(json: boolean): WireFormat {
  const style: OutputStyle = { json, color: false, tty: false };
  return {
    answer: (r) => frame(formatResult(r, style).stdout),
    event: (e) => frame(eventLine(e, json, plainPaint) + '\n'),
  };
}

/** What a handing-over client says first, on its own line. */
export interface Hello {
  tgsh: 1;
  json: boolean;
  color: boolean;
  tty: boolean;
  columns?: number;
  quiet: boolean;
  mode: 'pipe' | 'exec';
}

/** A message of the private socket, daemon to client (one JSON object per line). */
export type PrivateMessage =
  /** An answer: its stdout and stderr parts and the exit status it asks for. */
  | { o: string; e: string; x: number }
  /** A notice for the client's stderr. */
  | { n: string }
  /** The daemon said hello back. */
  | { pid: number }
  /** The daemon is stopping: lines not answered were not run. */
  | { stop: string };

export function privateLine(m: PrivateMessage): Buffer {
  return Buffer.from(JSON.stringify(m) + '\n', 'utf8');
}

/** The private socket's answers, as the client's own pipe mode would print them. */
export function privateFormat(h: Hello): WireFormat {
  const style: OutputStyle = { json: h.json, color: h.color, tty: h.tty };
  return {
    answer: (r) => {
      const a = formatResult(r, style);
      return privateLine({ o: a.stdout, e: a.stderr, x: exitCodeOf(r) });
    },
    event: (e) => privateLine({ o: eventLine(e, h.json, paintFor(h.color)) + '\n', e: '', x: 0 }),
    notice: h.quiet ? undefined : (text) => privateLine({ n: text }),
  };
}

export function parseHello(text: string): Hello | undefined {
  try {
    const v = JSON.parse(text) as Partial<Hello>;
    if (v.tgsh !== 1 || (v.mode !== 'pipe' && v.mode !== 'exec')) return undefined;
    return { tgsh: 1, json: v.json === true, color: v.color === true, tty: v.tty === true, columns: typeof v.columns === 'number' ? v.columns : undefined, quiet: v.quiet === true, mode: v.mode };
  } catch {
    return undefined;
  }
}
