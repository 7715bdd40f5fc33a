import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { foldStates, JOURNAL_FORMAT, JournalWriter, journalFile, readJournal, type JournalHeader } from '../../src/broadcast/journal.js';
import { BroadcastLock, lockFile } from '../../src/broadcast/lock.js';
import { isBroadcastId, newBroadcastId } from '../../src/broadcast/id.js';
import { TgshError } from '../../src/core/errors.js';

let home: string;
let dir: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'tgsh-journal-'));
  dir = join(home, 'broadcasts');
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function header(id = '20261101-120000-abcd', n = 3): JournalHeader {
  return {
    format: JOURNAL_FORMAT,
    version: 1,
    id,
    created: 1_790_000_000_000,
    message: { text: 'hello' },
    recipients: Array.from({ length: n }, (_, i) => ({ peer: `@u${i}`, chatId: 1000 + i, cls: 'private' as const, status: 'pending' as const })),
  };
}

describe('broadcast journal', () => {
  it('is created private (file 0600, folder 0700) with the plan as its first line', async () => {
    const w = await JournalWriter.create(dir, header());
    await w.close();
    const file = journalFile(dir, '20261101-120000-abcd');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const c = readJournal(file);
    expect(c.header.message.text).toBe('hello');
    expect(c.states.map((s) => s.status)).toEqual(['pending', 'pending', 'pending']);
    await expect(JournalWriter.create(dir, header())).rejects.toThrow(/EEXIST/);
  });

  it('folds records into states; a sending without an outcome is unknown', async () => {
    const w = await JournalWriter.create(dir, header(undefined, 5));
    w.record({ s: 'run', t: 1, pid: 1 });
    await w.sending(0);
    w.record({ i: 0, s: 'sent', m: 11 });
    await w.sending(1);
    w.record({ i: 1, s: 'failed', r: 'blocked', e: 'has blocked the bot', c: 403 });
    await w.sending(2); // killed here: no outcome
    await w.sending(3);
    w.record({ i: 3, s: 'pending', why: 'retry_after 2' });
    await w.sending(4);
    w.record({ i: 4, s: 'unknown', e: 'connection dropped' });
    await w.close();
    const c = readJournal(journalFile(dir, header().id));
    expect(c.states.map((s) => s.status)).toEqual(['sent', 'failed', 'unknown', 'pending', 'unknown']);
    expect(c.states[0]!.messageId).toBe(11);
    expect(c.states[1]).toMatchObject({ reason: 'blocked', code: 403 });
    expect(c.states[2]).toMatchObject({ reason: 'interrupted' });
    expect(c.runs).toBe(1);
    expect(c.lastEnd).toBeUndefined();
  });

  it('a sending again after pending, then sent, is sent; a group migration changes the chat id', () => {
    const states = foldStates(header().recipients, [
      { i: 0, s: 'sending' },
      { i: 0, s: 'pending' },
      { i: 0, s: 'sending' },
      { i: 0, s: 'sent', m: 5 },
      { i: 1, s: 'chat', chat: -1001 },
      { i: 1, s: 'sending' },
    ]);
    expect(states[0]).toMatchObject({ status: 'sent', messageId: 5 });
    expect(states[1]).toMatchObject({ status: 'unknown', chatId: -1001, cls: 'group' });
    expect(states[2]!.status).toBe('pending');
  });

  it('a torn last line is ignored, and cut off before the next run appends', async () => {
    const w = await JournalWriter.create(dir, header());
    await w.sending(0);
    w.record({ i: 0, s: 'sent', m: 1 });
    await w.close();
    const file = journalFile(dir, header().id);
    appendFileSync(file, '{"i":1,"s":"sen'); // killed in the middle of a write
    const c = readJournal(file);
    expect(c.tornBytes).toBe(15);
    expect(c.states.map((s) => s.status)).toEqual(['sent', 'pending', 'pending']);
    const again = await JournalWriter.reopen(file, c.validBytes);
    await again.sending(1);
    again.record({ i: 1, s: 'sent', m: 2 });
    await again.close();
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.every((l) => l === '' || JSON.parse(l))).toBeTruthy();
    expect(readJournal(file).states.map((s) => s.status)).toEqual(['sent', 'sent', 'pending']);
  });

  it('`sending` is on disk, and synced, before sending() resolves; outcomes are written at once', async () => {
    const events: string[] = [];
    const file = journalFile(dir, header().id);
    const w = await JournalWriter.create(dir, header(), {
      sync: async (fh) => {
        // Whatever is synced has been written already.
        events.push(`sync:${readFileSync(file, 'utf8').trim().split('\n').length}`);
        await fh.datasync();
      },
    });
    events.length = 0;
    const p = w.sending(0);
    events.push(`written:${readFileSync(file, 'utf8').includes('"i":0,"s":"sending"')}`);
    await p;
    events.push('resolved');
    w.record({ i: 0, s: 'sent', m: 9 });
    events.push(`outcome:${readFileSync(file, 'utf8').includes('"m":9')}`);
    await w.close();
    expect(events).toEqual(['sync:2', 'written:true', 'resolved', 'outcome:true', 'sync:3']);
  });

  it('a journal cut off before its header was written, or that is not one, is refused', () => {
    mkdirSync(dir, { recursive: true });
    const file = journalFile(dir, 'x');
    writeFileSync(file, '{"format":"tgsh-broadcast"');
    expect(() => readJournal(file)).toThrow(/no header/);
    writeFileSync(file, '{"format":"other"}\n');
    expect(() => readJournal(file)).toThrow(/not a broadcast header/);
    expect(() => readJournal(join(dir, 'missing.jsonl'))).toThrow(TgshError);
  });
});

describe('broadcast ids and locks', () => {
  it('ids are sortable, typeable and safe as file names', () => {
    const id = newBroadcastId(Date.UTC(2026, 10, 1, 12, 3, 1));
    expect(id).toMatch(/^20261101-120301-[a-z0-9]{4}$/);
    expect(isBroadcastId(id)).toBe(true);
    expect(isBroadcastId('../etc/passwd')).toBe(false);
  });

  it('one process at a time; a lock left by a dead process is taken over', () => {
    mkdirSync(dir, { recursive: true });
    const lock = BroadcastLock.acquire(dir, 'b1');
    expect(() => BroadcastLock.acquire(dir, 'b1')).toThrow(/already running in this tgsh/);
    lock.release();
    writeFileSync(lockFile(dir, 'b1'), '999999999\n'); // no such process
    const taken = BroadcastLock.acquire(dir, 'b1');
    expect(readFileSync(lockFile(dir, 'b1'), 'utf8').trim()).toBe(String(process.pid));
    taken.release();
    writeFileSync(lockFile(dir, 'b2'), `${process.ppid}\n`); // alive
    expect(() => BroadcastLock.acquire(dir, 'b2')).toThrow(new RegExp(`running in process ${process.ppid}`));
  });
});
