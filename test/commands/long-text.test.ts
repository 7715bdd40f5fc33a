// A cap on the messages one text becomes: msg and send_text refuse locally (FAIL 22, nothing
// sent) a text of more than MAX_PARTS parts, saying its size and that [force] (or --force) sends
// it anyway, as [xN]'s cap keeps a typo from flooding a chat. Up to the cap, texts split as before.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxSession, type SandboxSession } from '../helpers/sandbox.js';
import { MAX_PARTS, TEXT_LIMIT } from '../../src/telegram/botapi/split.js';

const ALICE = 200000001;
const CAROL = 200000003;

let s: SandboxSession | undefined;
let dir: string | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const sendCalls = (): number => s!.sandbox.botapi.stats.requests.sendMessage ?? 0;

describe('the parts cap', () => {
  it('is 20 parts', () => {
    expect(MAX_PARTS).toBe(20);
  });

  it('msg: a 1,000,000-character text is refused locally with its size and the override', async () => {
    s = await sandboxSession();
    await s.text('sync');
    const before = sendCalls();
    const [r] = await s.run(`msg ${ALICE} ${'word '.repeat(200_000).trim()}`);
    expect(r).toMatchObject({ kind: 'fail', code: 22 });
    const f = r as { error: string; hint: string };
    expect(f.error).toBe(
      'the text has 999,999 characters and would go as 245 messages, more than the 20 tgsh sends for one text (about 80,000 characters): not sent',
    );
    expect(f.hint).toContain('[force]');
    expect(sendCalls()).toBe(before);
    expect(s.sandbox.world.received(ALICE)).toEqual([]);
  });

  it('msg: [force] and --force lift the cap (Telegram then decides); 20 parts are not capped', async () => {
    s = await sandboxSession();
    const long = 'x'.repeat(TEXT_LIMIT * MAX_PARTS + 1); // 21 parts
    // Carol never started the bot: Telegram refuses the first part, so the cap was passed.
    for (const line of [`[force] msg ${CAROL} ${long}`, `msg --force ${CAROL} ${long}`]) {
      const [r] = await s.run(line);
      expect(r, line).toMatchObject({ kind: 'fail', code: 71, error: expect.stringContaining('has not started the bot') });
    }
    const [capped] = await s.run(`msg ${CAROL} ${long}`);
    expect(capped).toMatchObject({ kind: 'fail', code: 22, error: expect.stringContaining('would go as 21 messages') });
    const [twenty] = await s.run(`msg ${CAROL} ${'x'.repeat(TEXT_LIMIT * MAX_PARTS)}`);
    expect(twenty).toMatchObject({ kind: 'fail', code: 71 });
  });

  it('send_text: the same cap and override', async () => {
    s = await sandboxSession();
    dir = mkdtempSync(join(tmpdir(), 'tgsh-long-'));
    const file = join(dir, 'log.txt');
    writeFileSync(file, 'line of a log\n'.repeat(10_000));
    const before = sendCalls();
    const [r] = await s.run(`send_text ${CAROL} ${file}`);
    expect(r).toMatchObject({ kind: 'fail', code: 22, error: expect.stringMatching(/^'.*log\.txt' has 140,000 characters and would go as 35 messages/), hint: expect.stringContaining('[force]') });
    expect(sendCalls()).toBe(before);
    const [forced] = await s.run(`[force] send_text ${CAROL} ${file}`);
    expect(forced).toMatchObject({ kind: 'fail', code: 71 });
  });
});
