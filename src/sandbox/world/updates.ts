// One bot's pending updates, with Telegram's getUpdates semantics: increasing update_id, kept until
// confirmed by a getUpdates whose offset is higher than their id; a negative offset keeps only the
// last -offset updates. Push and confirm are O(1) amortised, so 100,000 pending updates are cheap.

import type { BotApiUpdate, UpdateKind } from './botapi-types.js';

interface Entry {
  kind: UpdateKind;
  update: BotApiUpdate;
}

export class UpdateQueue {
  private entries: Entry[] = [];
  private head = 0;
  private next: number;
  private readonly listeners = new Set<() => void>();

  constructor(firstUpdateId = 1) {
    this.next = firstUpdateId;
  }

  /** Appends an update and wakes long polls. */
  push<K extends UpdateKind>(kind: K, payload: NonNullable<BotApiUpdate[K]>): BotApiUpdate {
    const update = { update_id: this.next++, [kind]: payload } as BotApiUpdate;
    this.entries.push({ kind, update });
    this.notify();
    return update;
  }

  /** Appends many updates of one kind, waking long polls once. */
  pushMany<K extends UpdateKind>(kind: K, payloads: Iterable<NonNullable<BotApiUpdate[K]>>): number {
    let n = 0;
    for (const p of payloads) {
      this.entries.push({ kind, update: { update_id: this.next++, [kind]: p } });
      n++;
    }
    if (n) this.notify();
    return n;
  }

  /** Number of unconfirmed updates. */
  get pending(): number {
    return this.entries.length - this.head;
  }

  /**
   * Numbers the next updates from `first` on (Telegram's fresh, random ids after a week without
   * updates). Only when nothing is pending: ids stay increasing within the queue.
   */
  restartIds(first: number): boolean {
    if (this.pending > 0) return false;
    this.next = first;
    return true;
  }

  /** The update_id the next update will get. */
  get nextUpdateId(): number {
    return this.next;
  }

  /**
   * Confirms (forgets) updates as getUpdates' `offset` does: a positive offset forgets every
   * update with a lower id; a negative one forgets all but the last -offset; 0 forgets nothing.
   */
  confirm(offset: number): void {
    if (!Number.isFinite(offset) || offset === 0) return;
    const len = this.entries.length;
    if (offset < 0) {
      this.head = Math.max(this.head, len - Math.min(len, Math.floor(-offset)));
    } else if (len > this.head && this.entries[len - 1].update.update_id < offset) {
      this.head = len;
    } else {
      // Ids are increasing: binary search for the first id >= offset.
      let lo = this.head;
      let hi = len;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.entries[mid].update.update_id < offset) lo = mid + 1;
        else hi = mid;
      }
      this.head = lo;
    }
    this.compact();
  }

  /** Up to `limit` unconfirmed updates, oldest first, of the kinds in `allowed` (all when absent). */
  peek(limit: number, allowed?: ReadonlySet<string>): BotApiUpdate[] {
    const out: BotApiUpdate[] = [];
    for (let i = this.head; i < this.entries.length && out.length < limit; i++) {
      const e = this.entries[i];
      if (!allowed || allowed.has(e.kind)) out.push(e.update);
    }
    return out;
  }

  /** Every unconfirmed update (a copy of the list). */
  all(): BotApiUpdate[] {
    return this.entries.slice(this.head).map((e) => e.update);
  }

  /** Forgets every pending update (deleteWebhook / setWebhook with drop_pending_updates). */
  clear(): void {
    this.entries = [];
    this.head = 0;
  }

  /** Calls fn after each push until the returned function is called. */
  onPush(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private notify(): void {
    for (const fn of [...this.listeners]) fn();
  }

  private compact(): void {
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
