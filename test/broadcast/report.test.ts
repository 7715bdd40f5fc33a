// The broadcast report: the --resend-unknown hint is one command to copy, and the rate is given
// only when it says something (at least 2 sent over at least 1 s of sending), else null in JSON.
import { afterEach, describe, expect, it } from 'vitest';
import { broadcastRate } from '../../src/broadcast/report.js';
import { broadcastResult } from '../../src/commands/broadcast-report.js';
import type { RecipientState } from '../../src/broadcast/types.js';
import { formatResult } from '../../src/output/format.js';
import { sandboxSession, type SandboxSession } from '../helpers/sandbox.js';

const ALICE = 200000001;
const style = { json: false, color: false, tty: false };

let s: SandboxSession | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('broadcast report', () => {
  it("the hint quotes the whole command: 'broadcast --resume ID --resend-unknown'", () => {
    const states: RecipientState[] = [
      { peer: '@a', chatId: 1, status: 'sent', messageId: 7 },
      ...[2, 3, 4, 5, 6].map((i): RecipientState => ({ peer: `@u${i}`, chatId: i, status: 'unknown', error: 'maybe' })),
    ];
    const r = broadcastResult({ id: '20261101-120301-k3f9', states, seconds: 3, rate: undefined });
    const hint = formatResult(r, style).stderr;
    expect(hint).toContain("'broadcast --resume 20261101-120301-k3f9 --resend-unknown' sends to the 5 unknown again");
    expect(hint).not.toContain("' --resend-unknown");
  });

  it('rate: messages per second of sending, none for one send or under a second', () => {
    expect(broadcastRate(1, 5)).toBeUndefined();
    expect(broadcastRate(0, 5)).toBeUndefined();
    expect(broadcastRate(30, 0.4)).toBeUndefined();
    expect(broadcastRate(60, 2)).toBe(30);

    const states: RecipientState[] = [{ peer: '@a', chatId: 1, status: 'sent', messageId: 7 }];
    const none = broadcastResult({ id: 'X', states, seconds: 0.2, rate: broadcastRate(1, 0.1), floodWaitSeconds: 0 });
    expect(JSON.parse(formatResult(none, { ...style, json: true }).stdout)).toMatchObject({ result: 'SUCCESS', sent: 1, rate: null });
    expect(formatResult(none, style).stdout).toBe('broadcast X: 1 sent, 0 failed, 0 skipped, 0 unknown (of 1) in 0.2 s\n');

    const many = Array.from({ length: 60 }, (_, i): RecipientState => ({ peer: `@u${i}`, chatId: i + 1, status: 'sent', messageId: i }));
    const some = broadcastResult({ id: 'X', states: many, seconds: 2.5, rate: broadcastRate(60, 2), floodWaitSeconds: 0.5 });
    expect(JSON.parse(formatResult(some, { ...style, json: true }).stdout)).toMatchObject({ rate: 30, flood_wait_seconds: 0.5 });
    expect(formatResult(some, style).stdout).toContain('in 2.5 s (30.0 messages/s, 0.5 s of it in Telegram\'s flood waits)');

    // Flood waits are told even when the rate is not.
    const waited = broadcastResult({ id: 'X', states, seconds: 3, rate: undefined, floodWaitSeconds: 2 });
    expect(formatResult(waited, style).stdout).toContain("in 3.0 s (2.0 s of it in Telegram's flood waits)");
  });

  it('a flood stop says which wait stopped it, with retry_after (error 420, exit status 5)', () => {
    const states: RecipientState[] = [
      { peer: '@a', chatId: 1, status: 'sent', messageId: 7 },
      { peer: '@b', chatId: 2, status: 'pending' },
    ];
    const long = formatResult(broadcastResult({ id: 'X', states, seconds: 1, rate: undefined, stop: { kind: 'flood', retryAfter: 60 } }), style);
    expect(long.stdout).toContain('broadcast X stopped: Telegram asks to wait 60 s, longer than --max-wait');
    expect(long.stderr).toContain("run 'broadcast --resume X' in 60 s");
    const again = broadcastResult({ id: 'X', states, seconds: 1, rate: undefined, stop: { kind: 'flood', retryAfter: 2, waits: 5 } });
    const text = formatResult(again, style);
    expect(text.stdout).toContain('broadcast X stopped: Telegram answered 429 to one recipient 6 times (the last asked to wait 2 s); 1 sent');
    expect(text.stderr).toContain("Telegram is limiting this bot: run 'broadcast --resume X' in a few minutes");
    expect(JSON.parse(formatResult(again, { ...style, json: true }).stdout)).toMatchObject({ result: 'FAIL', error_code: 420, retry_after: 2, sent: 1, pending: 1 });
  });

  it('a broadcast to one recipient reports rate null, not 0', async () => {
    s = await sandboxSession();
    await s.text('sync');
    const [r] = await s.json(`broadcast ${ALICE} hello`);
    expect(r).toMatchObject({ result: 'SUCCESS', sent: 1, rate: null });
  });
});
