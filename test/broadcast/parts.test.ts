// The small parts of broadcast: the --to file, the progress line, the report.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { barProgress, noticeProgress, progressText, renderBar } from '../../src/broadcast/progress.js';
import { readRecipientsFile } from '../../src/broadcast/recipients-file.js';
import { broadcastResult } from '../../src/commands/broadcast-report.js';
import type { RecipientState } from '../../src/broadcast/types.js';
import { formatResult } from '../../src/output/format.js';
import { exitCodeOf } from '../../src/cli/exit-codes.js';

describe('--to FILE', () => {
  it('reads one peer per line in every form; names the bad lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tgsh-to-'));
    try {
      const file = join(dir, 'list');
      writeFileSync(file, '\uFEFF# list\n@alice\r\nuser#5\n-1001234567890\n\nAlice_Smith\n   # indented comment\n');
      expect(readRecipientsFile(file).map((r) => [r.ref.kind, r.label])).toEqual([
        ['username', '@alice'],
        ['typed', 'user#5'],
        ['botapi', '-1001234567890'],
        ['print_name', 'Alice_Smith'],
      ]);
      writeFileSync(file, '@a-b\n@ok\ntwo words\n$zz\n@x-\n');
      expect(() => readRecipientsFile(file)).toThrow(/4 bad lines: line 1: .*; line 3: 'two words' is more than one word.*; and 1 more/);
      writeFileSync(file, '# nobody\n\n');
      expect(() => readRecipientsFile(file)).toThrow(/names no peer/);
      expect(() => readRecipientsFile(join(dir, 'missing'))).toThrow(/no such file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('progress', () => {
  const snap = { id: '20261101-120301-k3f9', total: 1000, sent: 420, failed: 2, unknown: 0, rate: 29.14, secondsLeft: 19.8 };

  it('says sent, failed, rate and time left, and fits the terminal', () => {
    expect(progressText(snap)).toBe('420/1000 sent, 2 failed, 29.1/s, about 20 s left');
    expect(progressText({ ...snap, pausedFor: 3 })).toMatch(/paused 3 s/);
    const line = renderBar(snap, 100);
    expect(line).toMatch(/^broadcast 20261101-120301-k3f9 \[#+\.+\] 420\/1000 sent/);
    expect(line.length).toBeLessThan(100);
    expect(renderBar(snap, 40).length).toBeLessThan(40);
  });

  it('a bar is redrawn in place and lines go above it; notices come now and then', () => {
    let out = '';
    let t = 0;
    const bar = barProgress({ write: (s) => (out += s), columns: 120 }, 200, () => t);
    bar.update(snap);
    bar.update({ ...snap, sent: 421 }); // too soon: not drawn
    bar.line('tgsh: broadcast x: @carol: failed');
    t = 500;
    bar.update({ ...snap, sent: 430 });
    bar.done();
    expect(out.split('\r\x1b[K').filter(Boolean)).toEqual([
      expect.stringContaining('420/1000'),
      'tgsh: broadcast x: @carol: failed\n',
      expect.stringContaining('421/1000'), // redrawn with the latest counts
      expect.stringContaining('430/1000'),
    ]);
    expect(out.endsWith('\r\x1b[K')).toBe(true);

    const notes: string[] = [];
    let n = 0;
    const plain = noticeProgress((s) => notes.push(s), 10_000, () => n);
    plain.update(snap);
    n = 10_000;
    plain.update(snap);
    expect(notes).toEqual(['tgsh: broadcast 20261101-120301-k3f9: 420/1000 sent, 2 failed, 29.1/s, about 20 s left']);
  });
});

describe('report', () => {
  const states: RecipientState[] = [
    { peer: '@a', chatId: 1, status: 'sent', messageId: 7 },
    { peer: '@b', chatId: 2, status: 'skipped', reason: 'blocked', error: 'B has blocked the bot: not sent' },
  ];
  const style = { json: false, color: false, tty: false };

  it('a summary and the recipients not sent to; exit status 0', () => {
    const r = broadcastResult({ id: 'X', states, seconds: 1.2, rate: 0 });
    expect(formatResult(r, style).stdout).toBe('broadcast X: 1 sent, 0 failed, 1 skipped, 0 unknown (of 2) in 1.2 s\n  skipped  @b: B has blocked the bot: not sent\n');
    expect(exitCodeOf(r)).toBe(0);
    const json = JSON.parse(formatResult(r, { ...style, json: true }).stdout);
    expect(json).toMatchObject({ result: 'SUCCESS', broadcast_id: 'X', sent: 1, skipped: 1, recipients: [{ peer: '@a', status: 'sent', message_id: 7 }, { peer: '@b', status: 'skipped' }] });
  });

  it('a failed or unknown recipient fails the line (exit 1); a flood stop exits 5 with retry_after', () => {
    const failed = broadcastResult({ id: 'X', states: [...states, { peer: '@c', status: 'unknown', error: 'maybe' }], seconds: 1, rate: 0 });
    expect(exitCodeOf(failed)).toBe(1);
    expect(formatResult(failed, style).stdout).toMatch(/^FAIL: 71: broadcast X: 1 sent, 0 failed, 1 skipped, 1 unknown \(of 3\) .*@c: maybe\n$/);
    expect(formatResult(failed, style).stderr).toMatch(/--resend-unknown/);
    const flood = broadcastResult({ id: 'X', states, stop: { kind: 'flood', retryAfter: 40 }, seconds: 1, rate: 0 });
    expect(exitCodeOf(flood)).toBe(5);
    expect(JSON.parse(formatResult(flood, { ...style, json: true }).stdout)).toMatchObject({ result: 'FAIL', retry_after: 40, broadcast_id: 'X' });
  });
});
