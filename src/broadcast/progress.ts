// How a running broadcast shows itself: a one-line bar redrawn on stderr when stderr is a terminal
// (sent, failed, rate, time left), a plain notice now and then otherwise (a log file, the
// interactive shell's transcript), nothing under -D. Lines such as a failed recipient are written
// above the bar without breaking it.

export interface ProgressSnapshot {
  id: string;
  /** Recipients this run sends to. */
  total: number;
  sent: number;
  failed: number;
  unknown: number;
  /** Messages per second so far in this run. */
  rate: number;
  /** Seconds left at the current pace (undefined when not known yet). */
  secondsLeft?: number;
  /** Seconds a 429 pause has left (global ones). */
  pausedFor?: number;
}

export interface Progress {
  update(s: ProgressSnapshot): void;
  /** A line for the person (a failure, a pause), kept out of the bar's way. */
  line(text: string): void;
  /** Removes the bar. */
  done(): void;
}

export interface ProgressTarget {
  /** stderr-like stream for the bar. */
  write(text: string): void;
  columns?: number;
}

export const silentProgress: Progress = { update: () => undefined, line: () => undefined, done: () => undefined };

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${Math.round(seconds - m * 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** The counts part: `420/1000 sent, 2 failed, 29.1/s, about 20 s left`. */
export function progressText(s: ProgressSnapshot): string {
  const parts = [`${s.sent}/${s.total} sent`];
  if (s.failed) parts.push(`${s.failed} failed`);
  if (s.unknown) parts.push(`${s.unknown} unknown`);
  parts.push(`${s.rate.toFixed(1)}/s`);
  if (s.pausedFor !== undefined && s.pausedFor > 0) parts.push(`paused ${duration(s.pausedFor)} (Telegram's flood wait)`);
  else if (s.secondsLeft !== undefined) parts.push(`about ${duration(s.secondsLeft)} left`);
  return parts.join(', ');
}

/** One terminal line: `broadcast ID [#####.....] 420/1000 sent, ...`, cut to the width. */
export function renderBar(s: ProgressSnapshot, columns: number): string {
  const done = s.sent + s.failed + s.unknown;
  const text = progressText(s);
  const room = columns - text.length - s.id.length - 14;
  const width = Math.max(0, Math.min(30, room));
  const bar = width >= 5 ? `[${'#'.repeat(Math.round((done / Math.max(1, s.total)) * width)).padEnd(width, '.')}] ` : '';
  const line = `broadcast ${s.id} ${bar}${text}`;
  return line.length > columns - 1 ? line.slice(0, Math.max(0, columns - 1)) : line;
}

/** A bar redrawn in place (at most every `everyMs`). */
export function barProgress(target: ProgressTarget, everyMs = 200, now: () => number = Date.now): Progress {
  let last: ProgressSnapshot | undefined;
  let drawnAt = -Infinity;
  let shown = false;
  const draw = (): void => {
    if (!last) return;
    target.write(`\r\x1b[K${renderBar(last, target.columns ?? 80)}`);
    shown = true;
    drawnAt = now();
  };
  const clear = (): void => {
    if (shown) target.write('\r\x1b[K');
    shown = false;
  };
  return {
    update(s) {
      last = s;
      if (now() - drawnAt >= everyMs) draw();
    },
    line(text) {
      clear();
      target.write(text.endsWith('\n') ? text : text + '\n');
      draw();
    },
    done() {
      clear();
    },
  };
}

/** Plain lines through `notice`, one every `everyMs` at most. */
export function noticeProgress(notice: (text: string) => void, everyMs = 10_000, now: () => number = Date.now): Progress {
  let toldAt = now();
  return {
    update(s) {
      if (now() - toldAt < everyMs) return;
      toldAt = now();
      notice(`tgsh: broadcast ${s.id}: ${progressText(s)}`);
    },
    line: (text) => notice(text),
    done: () => undefined,
  };
}
