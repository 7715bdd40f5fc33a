// One process at a time per broadcast: two runs of the same journal could each send a recipient
// its message. The lock is a file next to the journal holding the owner's pid; a lock whose
// process is gone (killed) is taken over, so `--resume` right after a SIGKILL works.

import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, TgshError } from '../core/errors.js';

export function lockFile(dir: string, id: string): string {
  return join(dir, `${id}.lock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of a live process holding this lock, or undefined. */
export function lockHolder(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
}

export class BroadcastLock {
  private released = false;

  private constructor(readonly file: string) {}

  /** Takes the lock of broadcast `id`, or throws naming the process that runs it. */
  static acquire(dir: string, id: string): BroadcastLock {
    const file = lockFile(dir, id);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
        return new BroadcastLock(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new TgshError(ErrorCode.INTERNAL, `cannot lock broadcast ${id}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
      }
      const holder = lockHolder(file);
      if (holder !== undefined && holder !== process.pid) {
        throw new TgshError(ErrorCode.BAD_ARGUMENT, `broadcast ${id} is running in process ${holder}`, {
          hint: `wait for it to finish, or stop it first; remove ${file} only if no tgsh is running`,
        });
      }
      if (holder === process.pid) throw new TgshError(ErrorCode.BAD_ARGUMENT, `broadcast ${id} is already running in this tgsh`);
      // Left by a process that is gone: take it over.
      try {
        unlinkSync(file);
      } catch {
        // Another process took it over first; the next attempt says who.
      }
    }
    throw new TgshError(ErrorCode.BAD_ARGUMENT, `broadcast ${id} is being resumed by another process`, { hint: 'wait for it to finish' });
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      unlinkSync(this.file);
    } catch {
      // Already gone.
    }
  }
}
