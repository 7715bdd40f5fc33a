// File locks that say which process polls a bot's updates (`<store file>.poller-<bot id>`, through
// lock.ts: stale after a crash, recovered at once when its owner died). Used by the file backends
// (conf, sqlite); the PostgreSQL backend uses an advisory lock instead.

import type { LockOptions, Release } from './lock.js';

export class PollerLocks {
  private readonly held = new Map<number, Release>();

  constructor(
    private readonly file: string,
    private readonly opts: LockOptions = {},
  ) {}

  async tryAcquire(botId: number): Promise<boolean> {
    if (this.held.has(botId)) return true;
    const { tryAcquireLock } = await import('./lock.js');
    const release = await tryAcquireLock(`${this.file}.poller-${botId}`, this.opts);
    if (!release) return false;
    this.held.set(botId, release);
    return true;
  }

  async release(botId: number): Promise<void> {
    const release = this.held.get(botId);
    this.held.delete(botId);
    await release?.();
  }

  async releaseAll(): Promise<void> {
    for (const id of [...this.held.keys()]) await this.release(id);
  }
}
