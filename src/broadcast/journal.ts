// A broadcast's journal: one append-only file of JSON lines per broadcast id. The first line is
// the plan (message and recipients, in input order); each later line is one event of one
// recipient. The rule that makes a SIGKILL at any instant harmless: `sending` is written and
// fsync'd before the request leaves, the outcome after the answer. A recipient whose last record
// is `sending` was maybe sent and maybe not: it becomes `unknown` and is never sent again on its
// own. A torn last line (killed mid-write) is ignored and cut off before anything is appended.

import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync, chmodSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, TgshError } from '../core/errors.js';
import type { BroadcastMessage, PlannedRecipient, RecipientState } from './types.js';

export const JOURNAL_FORMAT = 'tgsh-broadcast';
export const JOURNAL_VERSION = 1;

export interface JournalHeader {
  format: typeof JOURNAL_FORMAT;
  version: number;
  id: string;
  /** Unix ms. */
  created: number;
  message: BroadcastMessage;
  recipients: PlannedRecipient[];
  /** The sending bot's id: only that bot resumes it (another one's chats and consent differ). */
  bot?: number;
}

/** One line after the header. `i` is the recipient's index in the header's list. */
export type JournalRecord =
  | { i: number; s: 'sending' }
  | { i: number; s: 'sent'; m: number }
  | { i: number; s: 'failed'; r: string; e: string; c?: number; link?: string }
  /** Not delivered (a 429, a refused connection, stopped before the request left): send again. */
  | { i: number; s: 'pending'; why?: string }
  /** The request may have reached Telegram, and its answer is lost. */
  | { i: number; s: 'unknown'; e: string }
  /** The group became a supergroup: its new chat id. */
  | { i: number; s: 'chat'; chat: number }
  /** A run (the first, or a --resume) began / ended. */
  | { s: 'run'; t: number; pid: number; resend_unknown?: boolean }
  | { s: 'end'; t: number; why: string };

export const INTERRUPTED_ERROR = 'tgsh stopped after the request left and before its answer was recorded: the message may or may not have arrived';

export function journalFile(dir: string, id: string): string {
  return join(dir, `${id}.jsonl`);
}

// ---- reading ----------------------------------------------------------------------------------

export interface JournalContents {
  file: string;
  header: JournalHeader;
  states: RecipientState[];
  /** Bytes of whole lines; anything after them is a torn last line. */
  validBytes: number;
  tornBytes: number;
  /** How a run last ended (`done`, `flood`, `interrupted`...), undefined when it never said. */
  lastEnd?: string;
  runs: number;
  /** Unix ms of the last run's start. */
  lastRunAt?: number;
}

function bad(file: string, why: string): TgshError {
  return new TgshError(ErrorCode.PARSE, `${file} is not a tgsh broadcast journal: ${why}`, { hint: 'the journal is damaged; its recipients can not be resumed safely' });
}

/** Reads a journal and folds its records into each recipient's state. */
export function readJournal(file: string): JournalContents {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new TgshError(ErrorCode.NO_SUCH_FILE, `no broadcast journal ${file}`, { hint: "'broadcast --list' shows the broadcasts of this profile" });
    throw new TgshError(ErrorCode.NO_SUCH_FILE, `cannot read ${file}: ${code ?? (e as Error).message}`);
  }
  const lastNl = buf.lastIndexOf(0x0a);
  const validBytes = lastNl + 1;
  const lines = buf.subarray(0, validBytes).toString('utf8').split('\n');
  lines.pop(); // after the last newline
  if (lines.length === 0) throw bad(file, 'it has no header (it was cut off while being created)');
  let header: JournalHeader;
  try {
    header = JSON.parse(lines[0]) as JournalHeader;
  } catch {
    throw bad(file, 'the first line is not JSON');
  }
  if (header?.format !== JOURNAL_FORMAT || !Array.isArray(header.recipients) || typeof header.message?.text !== 'string') throw bad(file, 'the first line is not a broadcast header');
  if (typeof header.version !== 'number' || header.version > JOURNAL_VERSION) throw bad(file, `it was written by a newer tgsh (journal version ${String(header.version)})`);
  const records: JournalRecord[] = [];
  for (let n = 1; n < lines.length; n++) {
    try {
      records.push(JSON.parse(lines[n]) as JournalRecord);
    } catch {
      // A damaged line in the middle: skipping it can only turn a recipient into `unknown`
      // (its outcome lost), never into `pending`, because `sending` lines are awaited.
    }
  }
  const out: JournalContents = { file, header, states: foldStates(header.recipients, records), validBytes, tornBytes: buf.length - validBytes, runs: 0 };
  for (const r of records) {
    if (r.s === 'run') {
      out.runs++;
      out.lastRunAt = r.t;
      out.lastEnd = undefined;
    } else if (r.s === 'end') out.lastEnd = r.why;
  }
  return out;
}

/** Each recipient's state after these records; a trailing `sending` becomes `unknown`. */
export function foldStates(planned: readonly PlannedRecipient[], records: readonly JournalRecord[]): RecipientState[] {
  const states: RecipientState[] = planned.map((p) => ({ ...p }));
  const inFlight = new Set<number>();
  for (const r of records) {
    if (!('i' in r)) continue;
    const st = states[r.i];
    if (!st) continue;
    switch (r.s) {
      case 'sending':
        inFlight.add(r.i);
        continue;
      case 'sent':
        Object.assign(st, { status: 'sent', messageId: r.m, reason: undefined, error: undefined, code: undefined });
        break;
      case 'failed':
        Object.assign(st, { status: 'failed', reason: r.r, error: r.e, code: r.c, startLink: r.link });
        break;
      case 'pending':
        Object.assign(st, { status: 'pending', reason: undefined, error: undefined, code: undefined });
        break;
      case 'unknown':
        Object.assign(st, { status: 'unknown', reason: 'network', error: r.e });
        break;
      case 'chat':
        Object.assign(st, { chatId: r.chat, cls: 'group' });
        continue;
    }
    inFlight.delete(r.i);
  }
  for (const i of inFlight) Object.assign(states[i], { status: 'unknown', reason: 'interrupted', error: INTERRUPTED_ERROR });
  return states;
}

// ---- writing ----------------------------------------------------------------------------------

export interface JournalWriterOptions {
  /** Makes written lines durable (default: the file handle's datasync). Tests watch the order. */
  sync?: (fh: FileHandle) => Promise<void>;
}

function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

function journalWriteError(file: string, e: unknown): TgshError {
  const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  return new TgshError(ErrorCode.INTERNAL, `cannot write the broadcast journal ${file}: ${code}`, {
    hint: 'free some disk space or fix the permissions, then resume the broadcast',
  });
}

/**
 * Appends records. Lines are written with one synchronous write each (so they land whole and in
 * call order, and a SIGKILL right after keeps them); only `sending` waits for the disk (fsync),
 * because it alone must be durable before something happens outside (the request).
 */
export class JournalWriter {
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly fh: FileHandle,
    private readonly sync: (fh: FileHandle) => Promise<void>,
  ) {}

  /** A new journal (the file must not exist): writes the header and makes it durable. */
  static async create(dir: string, header: JournalHeader, opts: JournalWriterOptions = {}): Promise<JournalWriter> {
    const file = journalFile(dir, header.id);
    let fh: FileHandle;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      chmodSync(dir, 0o700);
      fh = await open(file, 'wx', 0o600);
    } catch (e) {
      throw journalWriteError(file, e);
    }
    const w = new JournalWriter(file, fh, opts.sync ?? ((h) => h.datasync()));
    try {
      writeAll(fh.fd, JSON.stringify(header) + '\n');
      await w.sync(fh);
      syncDir(dir);
    } catch (e) {
      await fh.close().catch(() => undefined);
      throw journalWriteError(file, e);
    }
    return w;
  }

  /** An existing journal, for --resume: a torn last line (after validBytes) is cut off first. */
  static async reopen(file: string, validBytes: number, opts: JournalWriterOptions = {}): Promise<JournalWriter> {
    let fh: FileHandle;
    try {
      fh = await open(file, 'r+');
      await fh.truncate(validBytes);
      await fh.close();
      fh = await open(file, 'a', 0o600);
    } catch (e) {
      throw journalWriteError(file, e);
    }
    return new JournalWriter(file, fh, opts.sync ?? ((h) => h.datasync()));
  }

  /** Records that the request for recipient i is about to leave; resolves once it is on disk. */
  async sending(i: number): Promise<void> {
    this.record({ i, s: 'sending' });
    try {
      await this.sync(this.fh);
    } catch (e) {
      throw journalWriteError(this.file, e);
    }
  }

  /** Appends one record (written at once; durable against a killed process, synced later). */
  record(rec: JournalRecord): void {
    if (this.closed) throw new Error('the broadcast journal is closed');
    try {
      writeAll(this.fh.fd, JSON.stringify(rec) + '\n');
    } catch (e) {
      throw journalWriteError(this.file, e);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.sync(this.fh);
    } finally {
      await this.fh.close();
    }
  }
}

/** Makes a new file's directory entry durable (best effort: not every platform can fsync a folder). */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows and some file systems refuse; the file's own fsync still holds its content.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
