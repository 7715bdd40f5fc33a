// A clock for the send limiter whose sleeps pass at once: tests see how long tgsh would wait.
import type { LimiterClock } from '../../src/telegram/botapi/limiter.js';

export function virtualClock(): LimiterClock & { slept: number } {
  let t = 1_000_000;
  const c = {
    slept: 0,
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
      c.slept += ms;
    },
  };
  return c;
}
