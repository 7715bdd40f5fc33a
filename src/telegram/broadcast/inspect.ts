// `broadcast --status ID` and `--list`: what the journals say, without sending anything. A
// broadcast is `running` while a live process holds its lock.

import { existsSync, readdirSync } from 'node:fs';
import { ErrorCode } from '../../core/errors.js';
import { fail } from '../../commands/result.js';
import type { Result, CommandContext } from '../../commands/types.js';
import type { JsonValue } from '../../core/json.js';
import { printable } from '../../commands/parse.js';
import { isBroadcastId } from './id.js';
import { journalFile, readJournal, type JournalContents } from './journal.js';
import { lockFile, lockHolder } from './lock.js';
import { countsText, statusResult } from './report.js';
import { countStatuses } from './types.js';

export function badId(id: string): Result | undefined {
  if (isBroadcastId(id)) return undefined;
  return fail(ErrorCode.BAD_ARGUMENT, `'${printable(id)}' is not a broadcast id (they look like 20261101-120301-k3f9)`, { hint: "'broadcast --list' shows the broadcasts of this profile" });
}

export function noJournal(ctx: CommandContext, id: string): Result | undefined {
  if (existsSync(journalFile(ctx.services.paths.journals, id))) return undefined;
  return fail(ErrorCode.NO_SUCH_FILE, `no broadcast ${id} in profile ${ctx.config.profile}`, { hint: "'broadcast --list' shows the broadcasts of this profile" });
}

function stateOf(ctx: CommandContext, id: string, c: JournalContents): string {
  const holder = lockHolder(lockFile(ctx.services.paths.journals, id));
  if (holder !== undefined) return `running (process ${holder})`;
  const counts = countStatuses(c.states);
  if (c.lastEnd === 'done') return counts.pending > 0 ? 'stopped' : 'finished';
  if (c.lastEnd) return `stopped (${c.lastEnd})`;
  return 'interrupted';
}

export function broadcastStatus(ctx: CommandContext, id: string): Result {
  const refusal = badId(id) ?? noJournal(ctx, id);
  if (refusal) return refusal;
  const c = readJournal(journalFile(ctx.services.paths.journals, id));
  return statusResult({ id, created: c.header.created, text: c.header.message.text, states: c.states, state: stateOf(ctx, id, c) });
}

export function listBroadcasts(ctx: CommandContext): Result {
  const dir = ctx.services.paths.journals;
  const ids = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jsonl')).map((f) => f.slice(0, -'.jsonl'.length)).filter(isBroadcastId).sort() : [];
  const rows: Array<{ id: string; state: string; counts: string; text: string; json: JsonValue }> = [];
  for (const id of ids) {
    let c: JournalContents;
    try {
      c = readJournal(journalFile(dir, id));
    } catch (e) {
      rows.push({ id, state: 'damaged', counts: '', text: e instanceof Error ? e.message : String(e), json: { broadcast_id: id, state: 'damaged' } });
      continue;
    }
    const state = stateOf(ctx, id, c);
    const counts = countStatuses(c.states);
    const preview = c.header.message.text.replace(/\s+/g, ' ').slice(0, 40);
    rows.push({ id, state, counts: countsText(counts), text: preview, json: { broadcast_id: id, state, created: new Date(c.header.created).toISOString(), ...counts } });
  }
  const text = rows.length === 0 ? 'no broadcasts in this profile' : rows.map((r) => `${r.id}  ${r.state}: ${r.counts}  ${JSON.stringify(r.text)}`).join('\n');
  return { kind: 'text', text, json: rows.map((r) => r.json) };
}
