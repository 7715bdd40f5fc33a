// The write-ahead journal of getUpdates: each batch is appended before the
// getUpdates that confirms it to Telegram, so an update Telegram forgets is always on disk,
// in the peer store or here. The store is flushed about once a second and the journal emptied
// after each flush; a tgsh that died in between finds the batches here and applies the ones the
// store's offset does not cover (never twice: the offset is written with the peers they taught).
//
// Why not flush the store per batch: a flush rewrites and fsyncs the whole store under its lock
// (3.5 ms with 3 peers, 9 ms with 1,000, far more at 100k), once per 100 updates.
//
// Only what the store learns is kept: ids, names, chats, members, dates, /start and /stop. Message
// texts, captions, media and button data are left out (they are other people's words).

import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

const DROPPED = new Set([
  'caption',
  'entities',
  'caption_entities',
  'photo',
  'document',
  'sticker',
  'video',
  'audio',
  'voice',
  'animation',
  'video_note',
  'contact',
  'location',
  'venue',
  'poll',
  'dice',
  'reply_markup',
  'link_preview_options',
  'data',
  'query',
  'game_short_name',
  'pinned_message',
]);

function slimmer(key: string, value: unknown): unknown {
  if (DROPPED.has(key)) return undefined;
  if (key === 'text' && typeof value === 'string') {
    if (/^\/(start|stop)\b/.test(value)) return value;
    return value.startsWith('/') ? value.split(/\s/, 1)[0] : undefined;
  }
  return value;
}

/** Updates as JSON with only what the store learns from them. */
export function slimJson(updates: readonly unknown[]): string {
  return JSON.stringify(updates, slimmer);
}

export class UpdateJournal {
  private empty: boolean | undefined;

  constructor(readonly file: string) {}

  /**
   * Appends a batch. Written, not synced: it survives tgsh dying (the kernel holds it); what an
   * operating-system crash could take is at most the second of updates since the last store
   * flush (the store's own writes are synced).
   */
  append(batch: readonly unknown[]): void {
    if (batch.length === 0) return;
    const fd = openSync(this.file, 'a', 0o600);
    try {
      writeSync(fd, slimJson(batch) + '\n');
    } finally {
      closeSync(fd);
    }
    this.empty = false;
  }

  /** Every journaled update, oldest first (a line cut short by a crash is skipped). */
  read(): unknown[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        this.empty = true;
        return [];
      }
      throw e;
    }
    const out: unknown[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        const batch = JSON.parse(line) as unknown;
        if (Array.isArray(batch)) out.push(...(batch as unknown[]));
      } catch {
        // the last line of a tgsh killed while writing it: that batch was never confirmed
      }
    }
    this.empty = out.length === 0;
    return out;
  }

  /** Empties the journal (after a store flush that holds every journaled update). */
  clear(): void {
    if (this.empty === true) return;
    try {
      unlinkSync(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    this.empty = true;
  }
}
