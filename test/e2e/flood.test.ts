// Flood waits through the built binary: a server that always answers 429 (retry_after within
// --max-wait) makes msg give up after 5 waits and say so truthfully, exit status 5; sync sits out a
// retry_after within --max-wait as sends do, and exits 5 beyond it.
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxSession, type SandboxSession } from '../helpers/sandbox.js';
import { runTgsh } from '../helpers/cli.js';

const ALICE = 200000001;

let s: SandboxSession | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('flood waits, end to end', () => {
  it('msg on a server that always answers 429: gives up after 5 waits, says so, exit 5', async () => {
    s = await sandboxSession();
    s.sandbox.botapi.faults.tooManyRequests('sendMessage', { fraction: 1, retryAfter: 1 });
    const r = await runTgsh([...s.flags, '--max-wait', '100', '-e', `msg ${ALICE} hi`]);
    expect(r.code).toBe(5);
    expect(r.stdout).toMatch(/^FAIL: 420: Telegram still asked to wait 1 s before sending to .+ again after 5 waits \(429: Too Many Requests\); try again later\n$/);
    expect(r.stdout).not.toContain('longer than --max-wait');
    expect(r.stderr).not.toContain('allow the wait with --max-wait');

    const j = await runTgsh([...s.flags, '--json', '--max-wait', '100', '-e', `msg ${ALICE} hi`]);
    expect(j.code).toBe(5);
    expect(JSON.parse(j.stdout)).toMatchObject({ result: 'FAIL', error_code: 420, retry_after: 1, error: expect.stringContaining('after 5 waits') });
    expect(s.sandbox.world.received(ALICE)).toEqual([]);
  }, 30_000);

  it('sync waits a 3 s retry_after under the default --max-wait; fails with exit 5 beyond it', async () => {
    s = await sandboxSession();
    s.sandbox.botapi.faults.tooManyRequests('getUpdates', { fraction: 1, retryAfter: 3, times: 1 });
    const ok = await runTgsh([...s.flags, '-e', 'sync']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^sync: 4 updates/);

    s.sandbox.botapi.faults.tooManyRequests('getUpdates', { fraction: 1, retryAfter: 3, times: 1 });
    const no = await runTgsh([...s.flags, '--max-wait', '2', '-e', 'sync']);
    expect(no.code).toBe(5);
    expect(no.stdout).toBe('FAIL: 420: getUpdates: Telegram asks to wait 3 s (429: Too Many Requests), longer than --max-wait 2\n');
    expect(no.stderr).toContain('--max-wait 3');
  }, 30_000);
});
