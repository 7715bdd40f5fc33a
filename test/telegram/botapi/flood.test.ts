// Flood waits (Bot API 429): one rule for sends and getUpdates (flood.ts). A retry_after within
// --max-wait is sat out, at most MAX_FLOOD_WAITS times for one request; a longer one, or one more
// after that many waits, fails with exit status 5, and the failure says truthfully which it was.
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxSession, type SandboxSession } from '../../helpers/sandbox.js';
import { createBotApi } from '../../../src/telegram/botapi/api.js';
import { SendLimiter } from '../../../src/telegram/botapi/limiter.js';
import { virtualClock } from '../../helpers/clock.js';
import { sendOne, type SendFailure } from '../../../src/telegram/botapi/send.js';
import { explainSendFailure } from '../../../src/telegram/botapi/explain.js';
import { floodVerdict, MAX_FLOOD_WAITS } from '../../../src/telegram/botapi/flood.js';
import { exitCodeOf } from '../../../src/cli/exit-codes.js';
import { Secret } from '../../../src/core/secret.js';
import { SANDBOX_BOT_ID } from '../../../src/sandbox/world/default-world.js';

const ALICE = 200000001;

let s: SandboxSession | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});


describe('floodVerdict', () => {
  it('waits within --max-wait, up to the limit of waits; says why it gives up', () => {
    expect(floodVerdict(3, 10, 0)).toEqual({ wait: true, seconds: 3 });
    expect(floodVerdict(3, 10, MAX_FLOOD_WAITS - 1)).toEqual({ wait: true, seconds: 3 });
    expect(floodVerdict(3, 10, MAX_FLOOD_WAITS)).toEqual({ wait: false, why: 'waits' });
    expect(floodVerdict(30, 10, 0)).toEqual({ wait: false, why: 'max_wait' });
    expect(floodVerdict(3, 0, 0)).toEqual({ wait: false, why: 'max_wait' });
    expect(floodVerdict(undefined, 10, 0)).toEqual({ wait: false, why: 'no_retry_after' });
  });
});

describe('a send that Telegram keeps answering 429', () => {
  it('gives up after 5 waits within --max-wait, and says so (not "longer than --max-wait")', async () => {
    s = await sandboxSession();
    const c = s.sandbox.connection;
    const token = new Secret(c.bot_token);
    const clock = virtualClock();
    const deps = { api: await createBotApi({ token, apiRoot: c.bot_api_root, timeoutSeconds: 5 }), limiter: new SendLimiter(undefined, clock), secrets: [token] };
    s.sandbox.botapi.faults.tooManyRequests('sendMessage', { fraction: 1, retryAfter: 3 });
    const waits: number[] = [];
    const o = (await sendOne(deps, { chatId: ALICE, cls: 'private' }, { kind: 'text', text: 'hi' }, { maxWaitSeconds: 100, onWait: (n) => waits.push(n) })) as SendFailure;
    expect(waits).toEqual([3, 3, 3, 3, 3]);
    expect(o).toMatchObject({ ok: false, reason: 'flood', retryAfter: 3, gaveUp: 'waits', floodWaits: 5, attempts: 6, delivered: 'no' });
    const x = explainSendFailure(o, { name: 'Alice Started', isUser: true, apiRoot: c.bot_api_root, maxWaitSeconds: 100 });
    expect(x.code).toBe(420);
    expect(x.failure).toBe('flood');
    expect(x.retryAfter).toBe(3);
    expect(x.error).toContain('Telegram still asked to wait 3 s before sending to Alice Started again after 5 waits');
    expect(x.error).toContain('try again later');
    expect(x.error).not.toContain('longer than --max-wait');
    expect(x.hint).not.toContain('--max-wait 3');

    // Beyond --max-wait: said so, with the --max-wait that would allow the wait.
    const beyond = explainSendFailure({ ...o, gaveUp: 'max_wait', floodWaits: 0, retryAfter: 30 }, { name: 'Alice Started', isUser: true, apiRoot: c.bot_api_root, maxWaitSeconds: 10 });
    expect(beyond.error).toContain('Telegram asks to wait 30 s before sending to Alice Started again (429: Too Many Requests), longer than --max-wait 10');
    expect(beyond.hint).toContain('--max-wait 30');
  });

  it('msg: the FAIL says how many waits, keeps retry_after in JSON, and exits 5', async () => {
    s = await sandboxSession({ args: ['--max-wait', '100'] });
    s.sandbox.botapi.faults.tooManyRequests('sendMessage', { fraction: 1, retryAfter: 1 });
    const [r] = await s.run(`msg ${ALICE} hi`);
    expect(r).toMatchObject({ kind: 'fail', code: 420, retryAfter: 1, failure: 'flood' });
    expect(exitCodeOf(r!)).toBe(5);
    const f = r as { error: string; hint: string };
    expect(f.error).toMatch(/^Telegram still asked to wait 1 s before sending to .* again after 5 waits \(429: Too Many Requests\); try again later$/);
    expect(f.hint).not.toMatch(/--max-wait/);
    expect(s.notices.filter((n) => n.includes('waiting'))).toHaveLength(5);
    expect(s.sandbox.world.received(ALICE)).toEqual([]);
  }, 20_000);
});

describe('sync and a 429', () => {
  it('waits a retry_after within --max-wait (the default 10), like sends do', async () => {
    s = await sandboxSession();
    s.sandbox.botapi.faults.tooManyRequests('getUpdates', { fraction: 1, retryAfter: 2, times: 1 });
    const started = Date.now();
    const [r] = await s.json('sync');
    expect(r).toMatchObject({ result: 'SUCCESS', updates: 4 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(s.notices.some((n) => /wait 2 s before reading the bot's updates/.test(n))).toBe(true);
    expect(s.sandbox.world.updates(SANDBOX_BOT_ID).pending).toBe(0);
  }, 20_000);

  it('fails at once, exit 5, on a retry_after beyond --max-wait', async () => {
    s = await sandboxSession({ args: ['--max-wait', '2'] });
    s.sandbox.botapi.faults.tooManyRequests('getUpdates', { fraction: 1, retryAfter: 3, times: 1 });
    const started = Date.now();
    const [r] = await s.run('sync');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(r).toMatchObject({ kind: 'fail', code: 420, retryAfter: 3, failure: 'flood' });
    expect(exitCodeOf(r!)).toBe(5);
    expect((r as { error: string }).error).toBe('getUpdates: Telegram asks to wait 3 s (429: Too Many Requests), longer than --max-wait 2');
    expect((r as { hint: string }).hint).toContain('--max-wait 3');
    const [j] = await (async () => {
      s!.sandbox.botapi.faults.tooManyRequests('getUpdates', { fraction: 1, retryAfter: 3, times: 1 });
      return s!.json('sync');
    })();
    expect(j).toMatchObject({ result: 'FAIL', error_code: 420, retry_after: 3 });
  });

  it('gives up after 5 waits, saying so', async () => {
    s = await sandboxSession();
    s.sandbox.botapi.faults.tooManyRequests('getUpdates', { fraction: 1, retryAfter: 3 });
    const poller = await s.services.poller(() => undefined, 'sync');
    const slept: number[] = [];
    const err = await poller.drain({ maxWaitSeconds: 10, sleep: async (ms) => void slept.push(ms) }).then(
      () => undefined,
      (e: unknown) => e as { code: number; message: string; retryAfter?: number; failure?: string },
    );
    expect(slept).toEqual([3000, 3000, 3000, 3000, 3000]);
    expect(err).toMatchObject({ code: 420, retryAfter: 3, failure: 'flood' });
    expect(err!.message).toBe('getUpdates: Telegram still asked to wait 3 s after 5 waits (429: Too Many Requests); try again later');
  });
});
