// `broadcast --to FILE`: one peer per line, in any form the shell takes (@name, user#id, a Bot API
// id, a $permanent id, a print name). Blank lines and lines starting with # are skipped. A line
// that is not a peer stops the broadcast before anything is sent: a list is fixed more easily
// than a half-sent broadcast.

import { readFileSync } from 'node:fs';
import { ErrorCode, TgshError } from '../core/errors.js';
import { printable } from '../core/text.js';
import { parsePeerRef } from '../peers/ref.js';
import type { RecipientInput } from './plan.js';

/** How many bad lines are named in the failure. */
const SHOWN = 3;

export function readRecipientsFile(path: string): RecipientInput[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TgshError(ErrorCode.NO_SUCH_FILE, `cannot read --to ${printable(path)}: ${code === 'ENOENT' ? 'no such file' : (code ?? (e as Error).message)}`, {
      hint: 'give a file with one peer per line (@name, user#id, a chat id)',
    });
  }
  const out: RecipientInput[] = [];
  const bad: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, n) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (/\s/.test(line)) {
      bad.push(`line ${n + 1}: '${printable(line, 40)}' is more than one word (one peer per line)`);
      return;
    }
    const r = parsePeerRef(line);
    if (!r.ok) bad.push(`line ${n + 1}: ${r.error}`);
    else out.push({ ref: r.ref, label: line });
  });
  if (bad.length > 0) {
    const more = bad.length > SHOWN ? `; and ${bad.length - SHOWN} more` : '';
    throw new TgshError(ErrorCode.BAD_ARGUMENT, `--to ${printable(path)}: ${bad.length} bad line${bad.length > 1 ? 's' : ''}: ${bad.slice(0, SHOWN).join('; ')}${more}`, {
      hint: 'nothing was sent; fix the lines (or start them with # to skip them) and run broadcast again',
    });
  }
  if (out.length === 0) {
    throw new TgshError(ErrorCode.BAD_ARGUMENT, `--to ${printable(path)} names no peer`, { hint: 'one peer per line; blank lines and # comments are skipped' });
  }
  return out;
}
