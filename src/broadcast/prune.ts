// Broadcast journals list who was sent what: `purge` removes the ones last written more than its
// N days ago, as it removes inactive people (a broadcast untouched that long is not resumed).
// A journal whose broadcast is running is kept whatever its age.

import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { isBroadcastId } from './id.js';
import { journalFile } from './journal.js';
import { lockFile, lockHolder } from './lock.js';

const DAY_MS = 24 * 3600_000;

/** The ids of the journals in `dir` last written over `days` days ago, removed unless `dryRun`. */
export function pruneJournals(dir: string, days: number, opts: { dryRun?: boolean; now?: number } = {}): string[] {
  if (!existsSync(dir)) return [];
  const before = (opts.now ?? Date.now()) - days * DAY_MS;
  const ids = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => f.slice(0, -'.jsonl'.length))
    .filter(isBroadcastId)
    .sort();
  const stale: string[] = [];
  for (const id of ids) {
    let written: number;
    try {
      written = statSync(journalFile(dir, id)).mtimeMs;
    } catch {
      continue; // removed meanwhile
    }
    if (written >= before || lockHolder(lockFile(dir, id)) !== undefined) continue;
    stale.push(id);
    if (!opts.dryRun) {
      rmSync(journalFile(dir, id), { force: true });
      rmSync(lockFile(dir, id), { force: true });
    }
  }
  return stale;
}
