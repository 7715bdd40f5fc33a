// `listen [seconds]`: incoming events (the ones a daemon's main_session gets: messages, and
// started/stopped/blocked) as answers, one per event, until the time is up, the input ends (a
// pipe's stdin, a socket's half-close; not with seconds given, nor for -e) or Ctrl-C. Then one
// SUCCESS with the count. `tgsh --json -e listen | jq` works without a daemon.

import { ErrorCode } from '../core/errors.js';
import { startLiveEvents } from '../session/live.js';
import { fail, success } from './result.js';
import type { CommandSpec, Result } from './types.js';

export const listen: CommandSpec = {
  name: 'listen',
  group: 'messages',
  args: [{ name: 'seconds', kind: 'number', optional: true }],
  summary: 'Prints incoming messages and consent changes until the time is up, the input ends or Ctrl-C',
  help: [
    'One answer per event: telegram-cli\'s message line, or with --json its {"event": "message"}',
    'object ({"event": "consent"} when a user starts, stops or blocks the bot). Without seconds it',
    'listens until stdin ends (in a pipe) or Ctrl-C; then one SUCCESS with the number of events.',
  ].join('\n'),
  async run(ctx, { args }): Promise<Result> {
    const seconds = args.seconds as number | undefined;
    if (seconds !== undefined && seconds <= 0) return fail(ErrorCode.BAD_ARGUMENT, 'listen: seconds must be above 0');
    if (ctx.mode === 'interactive') return fail(ErrorCode.BAD_ARGUMENT, 'the shell shows incoming events already', { hint: 'listen is for pipes, -e and the daemon' });
    const emit = ctx.emit;
    if (!emit) return fail(ErrorCode.BAD_ARGUMENT, 'listen can not stream answers here');
    let count = 0;
    const unsubscribe = ctx.services.events.subscribe((event) => {
      count++;
      emit({ kind: 'event', event });
    });
    try {
      const poller = await startLiveEvents(ctx.services, ctx.notice, undefined, ctx.services.config.daemon ? 'daemon' : 'listen');
      if (!poller) return fail(ErrorCode.NOT_LOGGED_IN, 'listen needs a bot: no bot token is configured', { failure: 'auth', hint: 'give --bot-token TOKEN (or TG_BOT_TOKEN), or try --sandbox' });
      await until(ctx.signal, seconds === undefined ? ctx.inputEnded : undefined, seconds);
    } finally {
      unsubscribe();
    }
    return success({ events: count });
  },
};

/** Resolves when either signal aborts or the seconds pass (never rejects). */
function until(a: AbortSignal, b: AbortSignal | undefined, seconds: number | undefined): Promise<void> {
  return new Promise((resolve) => {
    const signals = [a, b].filter((s): s is AbortSignal => s !== undefined);
    if (signals.some((s) => s.aborted)) return resolve();
    let timer: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener('abort', done);
      resolve();
    };
    for (const s of signals) s.addEventListener('abort', done, { once: true });
    if (seconds !== undefined) timer = setTimeout(done, seconds * 1000);
  });
}
