// A cross-process lock around a store file: proper-lockfile's `<file>.lock` directory (atomic
// mkdir, its mtime kept fresh while held, taken over once older than `staleMs`), plus owner notes
// so that a lock left by a process that died (SIGKILL, OOM, a closed terminal) is recovered at
// once instead of after `staleMs`.
//
// Owner notes are empty files named `<file>.lock-owner.<pid>.<n>.<host>`. A process creates its
// note *before* it tries the mkdir and removes it after releasing (or after failing to take) the
// lock, so whoever holds the lock always has a note. A lock with no note of a live process of
// this machine therefore belongs to a dead process: it is renamed away and removed. Notes of
// other machines (a shared folder) are never judged: such a lock is only taken over when stale.

import fs from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { TgshError, ErrorCode } from '../core/errors.js';

export interface LockOptions {
  /** A lock not refreshed for this long is taken over (proper-lockfile; at least 2000). */
  staleMs?: number;
  /** Give up waiting after this long. */
  timeoutMs?: number;
}

export type Release = () => Promise<void>;

// proper-lockfile creates the lock directory with the default mode; ours is 0700 like every
// folder of a profile.
const lockFs = {
  ...fs,
  mkdir: (p: string, cb: (err: NodeJS.ErrnoException | null) => void) => fs.mkdir(p, { mode: 0o700 }, cb),
};

const HOST = hostname().replace(/[^A-Za-z0-9-]/g, '_') || 'host';
let noteSeq = 0;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function lockDirOf(file: string): string {
  return `${file}.lock`;
}

function notePrefix(file: string): string {
  return `${basename(file)}.lock-owner.`;
}

/** Creates this attempt's owner note (an empty file: created whole or not at all). */
function writeNote(file: string): string | undefined {
  const path = join(dirname(file), `${notePrefix(file)}${process.pid}.${noteSeq++}.${HOST}`);
  try {
    fs.closeSync(fs.openSync(path, 'wx', 0o600));
    return path;
  } catch {
    return undefined; // without a note this process's lock is only recovered when stale
  }
}

function removeNote(path: string | undefined): void {
  if (!path) return;
  try {
    fs.unlinkSync(path);
  } catch {
    // already gone
  }
}

interface Note {
  path: string;
  pid: number;
  host: string;
}

function listNotes(file: string): Note[] {
  const prefix = notePrefix(file);
  let names: string[];
  try {
    names = fs.readdirSync(dirname(file));
  } catch {
    return [];
  }
  const out: Note[] = [];
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    const [pid, , host] = n.slice(prefix.length).split('.');
    if (pid === undefined || host === undefined || !/^\d+$/.test(pid)) continue;
    out.push({ path: join(dirname(file), n), pid: Number(pid), host });
  }
  return out;
}

/** Takes the lock on `file` (which need not exist), waiting for other processes as needed. */
export async function acquireLock(file: string, opts: LockOptions = {}): Promise<Release> {
  const staleMs = Math.max(opts.staleMs ?? 10_000, 2000);
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  // Imported here, not at the top: only a write takes the lock, and a read-only run must not pay it.
  const { default: lockfile } = await import('proper-lockfile');
  for (let attempt = 0; ; attempt++) {
    const note = writeNote(file);
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(file, {
        stale: staleMs,
        realpath: false,
        retries: 0,
        fs: lockFs,
        // Lost only when this process stalled for longer than staleMs; its write is then merged
        // like any other (the next flush re-reads), so there is nothing to throw from a timer.
        onCompromised: () => {},
      });
    } catch (e) {
      removeNote(note);
      if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
      if (recoverDeadLock(file)) continue;
      if (Date.now() > deadline) {
        const live = listNotes(file).filter((n) => n.pid !== process.pid || n.host !== HOST);
        const pids = [...new Set(live.map((n) => n.pid))];
        throw new TgshError(ErrorCode.INTERNAL, `the store ${file} is locked by another tgsh process${pids.length ? ` (pid ${pids.join(', ')})` : ''}`, {
          hint: 'wait for it to finish, or stop it; the lock of a process that died is taken over by itself',
        });
      }
      await sleep(Math.min(5 + attempt * 5, 50) + Math.random() * 20);
      continue;
    }
    return async () => {
      try {
        await release();
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ERELEASED') throw e;
      } finally {
        // After the lock: a holder always has its note.
        removeNote(note);
      }
    };
  }
}

/** Takes the lock on `file` when it is free (or held by a dead process); undefined when another live process holds it. */
export async function tryAcquireLock(file: string, opts: LockOptions = {}): Promise<Release | undefined> {
  try {
    return await acquireLock(file, { ...opts, timeoutMs: 0 });
  } catch (e) {
    if (e instanceof TgshError) return undefined;
    throw e;
  }
}

/**
 * The processes whose owner notes are on `file`'s lock, dead ones of this machine left out: the
 * holder among them (and, for an instant, any process trying to take it). `here`: this machine.
 */
export function lockOwners(file: string): Array<{ pid: number; host: string; here: boolean }> {
  return listNotes(file)
    .filter((n) => n.host !== HOST || processAlive(n.pid))
    .map((n) => ({ pid: n.pid, host: n.host, here: n.host === HOST }));
}

/** Removes owner notes of dead processes of this machine (left by a kill between note and lock). */
export function removeDeadNotes(file: string): void {
  for (const n of listNotes(file)) if (n.host === HOST && n.pid !== process.pid && !processAlive(n.pid)) removeNote(n.path);
}

/** True when a process with this pid is running on this machine (a zombie counts as dead). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ...": Z is a zombie (killed, not yet reaped by its parent).
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    return stat.slice(close + 2, close + 3) !== 'Z';
  } catch {
    return true;
  }
}

function identityOf(dir: string): string {
  const st = fs.statSync(dir, { bigint: true });
  return `${st.ino}:${st.birthtimeNs}`;
}

/**
 * When no live process of this machine has an owner note, the lock's holder is dead: removes the
 * lock (renamed away first, so that of several processes recovering it only one removes it) and
 * returns true. Notes of dead processes are removed on the way.
 */
function recoverDeadLock(file: string): boolean {
  const dir = lockDirOf(file);
  let id: string;
  try {
    id = identityOf(dir);
  } catch {
    return true; // released meanwhile: try again at once
  }
  let alive = false;
  for (const n of listNotes(file)) {
    if (n.host !== HOST || n.pid === process.pid || processAlive(n.pid)) alive = true;
    else removeNote(n.path);
  }
  if (alive) return false;
  const aside = `${dir}.dead-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
  try {
    fs.renameSync(dir, aside);
  } catch {
    return true; // someone else recovered it
  }
  let asideId: string | undefined;
  try {
    asideId = identityOf(aside);
  } catch {
    // ignore
  }
  if (asideId !== id) {
    // Not the dead lock after all (recovered and taken again in between): put it back.
    try {
      if (!fs.existsSync(dir)) fs.renameSync(aside, dir);
    } catch {
      // ignore
    }
    return false;
  }
  try {
    fs.rmdirSync(aside);
  } catch {
    // ignore
  }
  return true;
}
