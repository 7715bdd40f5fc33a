// The scheduler with a fake sender (no HTTP) and a fast limiter policy: the order of events, the
// journal, 429s, floods, stops. Times are only checked as lower bounds (waits honoured), never as
// upper bounds.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SendLimiter } from '../../src/telegram/botapi/limiter.js';
import type { SendFailure, SendOutcome } from '../../src/telegram/botapi/send.js';
import { decide } from '../../src/broadcast/decide.js';
import { JOURNAL_FORMAT, JournalWriter, readJournal } from '../../src/broadcast/journal.js';
import { BroadcastScheduler, type BroadcastJob, type SchedulerOptions } from '../../src/broadcast/scheduler.js';

const FAST = { globalPerSecond: 2000, privatePerSecond: 1, privateBurst: 3, groupPerMinute: 20, marginMs: 0 };

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'tgsh-sched-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function jobs(n: number): BroadcastJob[] {
  return Array.from({ length: n }, (_, i) => ({ index: i, chatId: 5000 + i, cls: 'private' as const }));
}

const ok = (messageId: number): SendOutcome => ({ ok: true, chatId: 0, messageId, date: 0, message: {} as never, chatType: 'private', attempts: 1, waitedMs: 0 });
const failure = (reason: SendFailure['reason'], more: Partial<SendFailure> = {}): SendFailure => ({
  ok: false,
  chatId: 0,
  reason,
  code: reason === 'flood' ? 429 : reason === 'network' ? 0 : reason === 'unauthorized' ? 401 : 403,
  description: reason,
  delivered: 'no',
  attempts: 1,
  waitedMs: 0,
  ...more,
});

interface Call {
  index: number;
  at: number;
  /** The journal held `sending` for this recipient when the request left. */
  journaled: boolean;
}

async function run(n: number, answer: (job: BroadcastJob, nth: number) => SendOutcome | Promise<SendOutcome>, more: Partial<SchedulerOptions> = {}) {
  const recipients = jobs(n).map((j) => ({ peer: `c${j.chatId}`, chatId: j.chatId, cls: j.cls, status: 'pending' as const }));
  const journal = await JournalWriter.create(home, { format: JOURNAL_FORMAT, version: 1, id: 'test', created: 0, message: { text: 't' }, recipients });
  const file = journal.file;
  const calls: Call[] = [];
  const pauses: Array<[number, string]> = [];
  const counts = new Map<number, number>();
  const scheduler = new BroadcastScheduler(jobs(n), {
    send: async (job) => {
      const nth = (counts.get(job.index) ?? 0) + 1;
      counts.set(job.index, nth);
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      const sending = JSON.stringify({ i: job.index, s: 'sending' });
      calls.push({ index: job.index, at: Date.now(), journaled: lines.filter((l) => l === sending).length === nth });
      await new Promise((r) => setImmediate(r));
      return answer(job, nth);
    },
    journal,
    limiter: new SendLimiter(FAST),
    maxWaitSeconds: 10,
    signal: new AbortController().signal,
    onPause: (s, scope) => pauses.push([s, scope]),
    ...more,
  });
  const result = await scheduler.run();
  await journal.close();
  return { result, calls, pauses, states: readJournal(file).states };
}

describe('broadcast scheduler', () => {
  it('sends each recipient once, in input order, each journaled as sending before it leaves', async () => {
    const { result, calls, states } = await run(25, (job) => ok(100 + job.index));
    expect(calls.map((c) => c.index)).toEqual([...Array(25).keys()]);
    expect(calls.every((c) => c.journaled)).toBe(true);
    expect(states.every((s, i) => s.status === 'sent' && s.messageId === 100 + i)).toBe(true);
    expect(result.stop).toBeUndefined();
    expect(result.stats).toMatchObject({ requests: 25, tooMany: 0, globalPauses: 0 });
  });

  it("sends a 429'd recipient again after retry_after, and not before; the others go on meanwhile", async () => {
    const { calls, pauses, states, result } = await run(6, (job, nth) => (job.index === 1 && nth === 1 ? failure('flood', { retryAfter: 1 }) : ok(job.index)));
    expect(pauses).toEqual([[1, 'chat']]);
    const [first, second] = calls.filter((c) => c.index === 1);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
    expect(calls.findIndex((c) => c === second)).toBe(calls.length - 1);
    expect(states.every((s) => s.status === 'sent')).toBe(true);
    expect(result.stats.tooMany).toBe(1);
  });

  it('two 429s in a row from different chats pause every send (a flood over the bot)', async () => {
    let flooded: number | undefined;
    const { calls, pauses, result, states } = await run(8, (job, nth) => {
      if (nth === 1 && (job.index === 0 || job.index === 1)) {
        flooded = Date.now();
        return failure('flood', { retryAfter: 1 });
      }
      return ok(job.index);
    });
    expect(pauses.map(([, scope]) => scope)).toEqual(['chat', 'global']);
    expect(result.stats.globalPauses).toBe(1);
    // Nothing at all left during the pause.
    const after = calls.filter((c) => c.at > flooded!);
    expect(after.length).toBe(8);
    expect(after[0]!.at - flooded!).toBeGreaterThanOrEqual(950);
    expect(states.every((s) => s.status === 'sent')).toBe(true);
  });

  it('a retry_after beyond max-wait stops the broadcast; the rest stays pending', async () => {
    const { calls, result, states } = await run(10, (job) => (job.index === 3 ? failure('flood', { retryAfter: 60 }) : ok(job.index)), { maxWaitSeconds: 5 });
    expect(result.stop).toEqual({ kind: 'flood', retryAfter: 60 });
    expect(calls.length).toBeLessThan(10);
    expect(states[3]!.status).toBe('pending');
    expect(states.filter((s) => s.status === 'pending').length).toBe(10 - calls.length + 1);
  });

  it('one recipient refused with 429 again and again: 5 waits, then the broadcast stops (resumable), not retries forever', async () => {
    const { calls, result, states } = await run(3, (job) => (job.index === 0 ? failure('flood', { retryAfter: 1 }) : ok(job.index)));
    expect(result.stop).toEqual({ kind: 'flood', retryAfter: 1, waits: 5 });
    expect(calls.filter((c) => c.index === 0).length).toBe(6);
    expect(states.map((s) => s.status)).toEqual(['pending', 'sent', 'sent']);
  });

  it('a refused token stops at once: nothing more is sent', async () => {
    const { calls, result, states } = await run(10, () => failure('unauthorized'));
    expect(result.stop?.kind).toBe('fatal');
    expect(calls.length).toBeLessThanOrEqual(2);
    expect(states.every((s) => s.status === 'pending')).toBe(true);
  });

  it('a network failure that may have delivered is unknown; three in a row stop the broadcast', async () => {
    const { result, states, calls } = await run(10, () => failure('network', { delivered: 'unknown', description: 'connection dropped' }));
    expect(result.stop?.kind).toBe('network');
    expect(states.slice(0, 3).map((s) => s.status)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(calls.length).toBe(3);
    expect(states.filter((s) => s.status === 'pending').length).toBe(7);
  });

  it('a request that surely never left is sent again', async () => {
    const { states, calls } = await run(3, (job, nth) => (job.index === 0 && nth === 1 ? failure('network', { delivered: 'no' }) : ok(job.index)));
    expect(calls.map((c) => c.index)).toEqual([0, 1, 2, 0]);
    expect(states.every((s) => s.status === 'sent')).toBe(true);
  });

  it('a group that became a supergroup is sent to at its new id', async () => {
    const seen: number[] = [];
    const { states } = await run(2, (job, nth) => {
      seen.push(job.chatId);
      return job.index === 0 && nth === 1 ? failure('migrated', { code: 400, migrateToChatId: -1009 }) : ok(job.index);
    });
    expect(seen).toEqual([5000, 5001, -1009]);
    expect(states[0]).toMatchObject({ status: 'sent', chatId: -1009, cls: 'group' });
  });

  it('Ctrl-C stops new sends; requests in flight are answered and recorded', async () => {
    const abort = new AbortController();
    const { result, states } = await run(
      40,
      (job) => {
        if (job.index === 4) abort.abort();
        return ok(job.index);
      },
      { signal: abort.signal },
    );
    expect(result.stop).toEqual({ kind: 'aborted' });
    const sent = states.filter((s) => s.status === 'sent').length;
    expect(sent).toBeGreaterThanOrEqual(5);
    expect(states.slice(sent).every((s) => s.status === 'pending')).toBe(true);
  });

  it('a chat still paused does not hold up the others', async () => {
    const limiter = new SendLimiter(FAST);
    limiter.penalize(5000, 1);
    const { calls } = await run(5, (job) => ok(job.index), { limiter });
    expect(calls.map((c) => c.index)).toEqual([1, 2, 3, 4, 0]);
  });
});

describe('what an outcome means for a broadcast', () => {
  it('decides', () => {
    expect(decide(ok(5), 10, 0)).toEqual({ kind: 'sent', messageId: 5 });
    expect(decide(failure('blocked'), 10, 0).kind).toBe('failed');
    expect(decide(failure('not_started'), 10, 0).kind).toBe('failed');
    expect(decide(failure('flood', { retryAfter: 3 }), 10, 0)).toMatchObject({ kind: 'retry', afterMs: 3000, retryAfter: 3 });
    expect(decide(failure('flood', { retryAfter: 30 }), 10, 0)).toMatchObject({ kind: 'stop', stop: { kind: 'flood', retryAfter: 30 } });
    expect(decide(failure('flood', { retryAfter: 1 }), 0, 0)).toMatchObject({ kind: 'stop' });
    expect(decide(failure('flood', { retryAfter: 3 }), 10, 0, 4)).toMatchObject({ kind: 'retry' });
    expect(decide(failure('flood', { retryAfter: 3 }), 10, 0, 5)).toMatchObject({ kind: 'stop', stop: { kind: 'flood', retryAfter: 3, waits: 5 } });
    expect(decide(failure('bad_markup'), 10, 0)).toMatchObject({ kind: 'stop', stop: { kind: 'fatal' } });
    expect(decide(failure('network', { delivered: 'no' }), 10, 1)).toMatchObject({ kind: 'retry', afterMs: 1000 });
    expect(decide(failure('network', { delivered: 'no' }), 10, 3)).toMatchObject({ kind: 'stop', stop: { kind: 'network' } });
    expect(decide(failure('network', { delivered: 'unknown' }), 10, 1).kind).toBe('unknown');
    expect(decide(failure('server', { delivered: 'unknown' }), 10, 1).kind).toBe('unknown');
    expect(decide(failure('aborted', { delivered: 'no' }), 10, 0).kind).toBe('retry');
  });
});
