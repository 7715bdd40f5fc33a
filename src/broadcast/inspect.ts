// `broadcast --status ID` and `--list`: what the journals say, without sending anything. A
// broadcast is `running` while a live process holds its lock.

import { existsSync, readdirSync } from 'node:fs';
import { ErrorCode } from '../core/errors.js';
import { printable } from '../core/text.js';
import { isBroadcastId } from './id.js';
import { journalFile, readJournal, type JournalContents } from './journal.js';
import { lockFile, lockHolder } from './lock.js';
import { refused, type BroadcastAnswer, type BroadcastRefusal, type ListedBroadcast } from './report.js';
import { countStatuses } from './types.js';

/** Where the journals are, and the profile they belong to (for the refusal texts). */
export interface JournalPlace {
  journals: string;
  profile: string;
}

const LIST_HINT = "'broadcast --list' shows the broadcasts of this profile";

export function badId(id: string): BroadcastRefusal | undefined {
  if (isBroadcastId(id)) return undefined;
  return refused(ErrorCode.BAD_ARGUMENT, `'${printable(id)}' is not a broadcast id (they look like 20261101-120301-k3f9)`, LIST_HINT);
}

export function noJournal(at: JournalPlace, id: string): BroadcastRefusal | undefined {
  if (existsSync(journalFile(at.journals, id))) return undefined;
  return refused(ErrorCode.NO_SUCH_FILE, `no broadcast ${id} in profile ${at.profile}`, LIST_HINT);
}

function stateOf(dir: string, id: string, c: JournalContents): string {
  const holder = lockHolder(lockFile(dir, id));
  if (holder !== undefined) return `running (process ${holder})`;
  const counts = countStatuses(c.states);
  if (c.lastEnd === 'done') return counts.pending > 0 ? 'stopped' : 'finished';
  if (c.lastEnd) return `stopped (${c.lastEnd})`;
  return 'interrupted';
}

export function broadcastStatus(at: JournalPlace, id: string): BroadcastAnswer {
  const refusal = badId(id) ?? noJournal(at, id);
  if (refusal) return refusal;
  const c = readJournal(journalFile(at.journals, id));
  return { kind: 'status', status: { id, created: c.header.created, text: c.header.message.text, states: c.states, state: stateOf(at.journals, id, c) } };
}

export function listBroadcasts(at: JournalPlace): BroadcastAnswer {
  const dir = at.journals;
  const ids = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jsonl')).map((f) => f.slice(0, -'.jsonl'.length)).filter(isBroadcastId).sort() : [];
  const broadcasts: ListedBroadcast[] = [];
  for (const id of ids) {
    let c: JournalContents;
    try {
      c = readJournal(journalFile(dir, id));
    } catch (e) {
      broadcasts.push({ id, damaged: e instanceof Error ? e.message : String(e) });
      continue;
    }
    const preview = c.header.message.text.replace(/\s+/g, ' ').slice(0, 40);
    broadcasts.push({ id, state: stateOf(dir, id, c), created: c.header.created, counts: countStatuses(c.states), preview });
  }
  return { kind: 'list', broadcasts };
}
