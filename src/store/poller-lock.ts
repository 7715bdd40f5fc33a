// File locks that say which process polls a bot's updates (`<store file>.poller-<bot id>`, through
// lock.ts: stale after a crash, recovered at once when its owner died). Used by the file backends
// (conf, sqlite); the PostgreSQL backend uses an advisory lock instead.
//
// The holder records who it is in `<store file>.poller-<bot id>.holder.json` (pid, host, mode,
// since), written after taking the lock and removed before releasing it, so that another process
// refused the lock can say who polls. The note is only believed while the lock exists and, on
// this machine, while its pid runs: a holder killed with SIGKILL leaves a note nobody reports.

import { hostname } from 'node:os';
import type { PollerClaim, PollerHolder } from './backend.js';
import type { LockOptions, Release } from './lock.js';

export class PollerLocks {
  private readonly held = new Map<number, { release: Release; note: string }>();

  constructor(
    private readonly file: string,
    private readonly opts: LockOptions = {},
  ) {}

  private lockFile(botId: number): string {
    return `${this.file}.poller-${botId}`;
  }

  private noteFile(botId: number): string {
    return `${this.lockFile(botId)}.holder.json`;
  }

  holds(botId: number): boolean {
    return this.held.has(botId);
  }

  async tryAcquire(botId: number, claim?: PollerClaim): Promise<boolean> {
    if (this.held.has(botId)) return true;
    const { tryAcquireLock } = await import('./lock.js');
    const release = await tryAcquireLock(this.lockFile(botId), this.opts);
    if (!release) return false;
    const note = this.noteFile(botId);
    this.held.set(botId, { release, note });
    const fs = await import('node:fs');
    const me: PollerHolder = { pid: process.pid, host: hostname(), mode: claim?.mode ?? 'tgsh', since: Date.now() };
    const tmp = `${note}.tmp-${process.pid}`;
    try {
      fs.writeFileSync(tmp, JSON.stringify(me), { mode: 0o600 });
      fs.renameSync(tmp, note);
    } catch {
      // Without the note the others still see the lock's owner (its pid), only not the mode.
      fs.rmSync(tmp, { force: true });
    }
    return true;
  }

  async release(botId: number): Promise<void> {
    const h = this.held.get(botId);
    if (!h) return;
    this.held.delete(botId);
    const fs = await import('node:fs');
    // Only our own note: a process that took over a lock we lost (stalled) wrote its own.
    try {
      const n = JSON.parse(fs.readFileSync(h.note, 'utf8')) as Partial<PollerHolder>;
      if (n.pid === process.pid && n.host === hostname()) fs.rmSync(h.note, { force: true });
    } catch {
      // gone or unreadable
    }
    await h.release();
  }

  async releaseAll(): Promise<void> {
    for (const id of [...this.held.keys()]) await this.release(id);
  }

  /** Who holds the lock of `botId` now (its note; else its lock's owner note), or undefined. */
  async holder(botId: number): Promise<PollerHolder | undefined> {
    const [fs, { lockDirOf, lockOwners, processAlive }] = await Promise.all([import('node:fs'), import('./lock.js')]);
    const lock = this.lockFile(botId);
    if (!fs.existsSync(lockDirOf(lock))) return undefined;
    const here = hostname();
    const alive = (h: { pid: number; host: string }): boolean => h.host !== here || processAlive(h.pid);
    try {
      const n = JSON.parse(fs.readFileSync(this.noteFile(botId), 'utf8')) as Partial<PollerHolder>;
      if (typeof n.pid === 'number' && typeof n.host === 'string' && alive({ pid: n.pid, host: n.host })) {
        return { pid: n.pid, host: n.host, mode: typeof n.mode === 'string' ? n.mode : undefined, since: typeof n.since === 'number' ? n.since : undefined };
      }
    } catch {
      // no note (an older tgsh, or written just now): the owner notes still name the pid
    }
    const owner = lockOwners(lock).find((o) => o.pid !== process.pid || !o.here);
    return owner ? { pid: owner.pid, host: owner.here ? here : owner.host } : undefined;
  }
}
