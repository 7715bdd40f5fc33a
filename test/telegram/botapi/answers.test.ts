// A Bot API server that answers `{"ok": true}` with a result of the wrong shape (a self-hosted or
// odd server): one clear failure naming the server and the method, never a TypeError reported as
// a bug in tgsh. A send answered so may have been delivered: msg says so, broadcast counts it
// unknown (never resent on its own).
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxSession, type SandboxSession } from '../../helpers/sandbox.js';

const ALICE = 200000001;
const EXAMPLE = 191322468;

let s: SandboxSession | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const okWith = (result: unknown, times = 1): { status: number; body: string; contentType: string; times: number } => ({
  status: 200,
  body: JSON.stringify({ ok: true, result }),
  contentType: 'application/json',
  times,
});

describe('unexpected answer shapes', () => {
  it('sendMessage answered `true`: msg fails once, clearly, as maybe sent', async () => {
    s = await sandboxSession();
    const root = s.sandbox.connection.bot_api_root;
    s.sandbox.botapi.faults.failNext('sendMessage', okWith(true));
    const [r] = await s.run(`msg ${ALICE} hi`);
    expect(r).toMatchObject({ kind: 'fail', code: 71 });
    const f = r as { error: string; hint?: string };
    expect(f.error).toBe(`the Bot API at ${root} gave an unexpected answer to sendMessage (the message may or may not have been sent)`);
    expect(f.hint).not.toMatch(/bug/);
    // The same through the JSON form, and for a photo's answer.
    s.sandbox.botapi.faults.failNext('sendMessage', okWith({ message_id: 'x' }));
    const [j] = await s.json(`msg ${ALICE} hi`);
    expect(j).toMatchObject({ result: 'FAIL', error_code: 71, error: expect.stringContaining('unexpected answer to sendMessage') });
  });

  it('getUpdates answered with an object, not a list: sync fails clearly and confirms nothing', async () => {
    s = await sandboxSession();
    const root = s.sandbox.connection.bot_api_root;
    s.sandbox.botapi.faults.failNext('getUpdates', okWith({ update_id: 1 }));
    const [r] = await s.run('sync');
    expect(r).toMatchObject({ kind: 'fail', code: 71, error: `the Bot API at ${root} gave an unexpected answer to getUpdates` });
    s.sandbox.botapi.faults.failNext('getUpdates', okWith([{ no_id: true }]));
    const [r2] = await s.run('sync');
    expect(r2).toMatchObject({ kind: 'fail', error: `the Bot API at ${root} gave an unexpected answer to getUpdates` });
    // Nothing was lost: the next sync reads the seeded updates.
    expect(await s.json('sync')).toMatchObject([{ result: 'SUCCESS', updates: 4 }]);
  });

  it('getMe answered `true`: start_link fails clearly', async () => {
    s = await sandboxSession();
    const root = s.sandbox.connection.bot_api_root;
    s.sandbox.botapi.faults.failNext('getMe', okWith(true));
    const [r] = await s.run('start_link');
    expect(r).toMatchObject({ kind: 'fail', code: 71, error: `the Bot API at ${root} gave an unexpected answer to getMe` });
    // Not kept: the next getMe is asked again.
    expect(await s.text('start_link')).toBe('https://t.me/tgsh_sandbox_bot\n');
  });

  it('broadcast: a recipient whose send got an unexpected answer is unknown, not sent again on its own', async () => {
    s = await sandboxSession();
    await s.text('sync');
    s.sandbox.botapi.faults.failNext('sendMessage', okWith(true));
    const [r] = await s.json(`broadcast ${ALICE} ${EXAMPLE} hello all`);
    const rep = r as { result: string; unknown: number; sent: number; recipients: Array<{ peer: string; status: string; error?: string }> };
    expect(rep).toMatchObject({ result: 'FAIL', unknown: 1, sent: 1 });
    const unknown = rep.recipients.find((x) => x.status === 'unknown')!;
    expect(unknown.error).toContain('gave an unexpected answer to sendMessage');
    expect(s.sandbox.botapi.stats.requests.sendMessage).toBe(2);
  });
});
