// A world file checked before anything starts (`--world FILE`, `sandbox serve --world FILE`): read,
// parsed and validated, so that a bad one is one usage error naming the file and the bad fields,
// not a failure of the first command that needs the sandbox. Loaded only when a world file is
// given (the validator brings the world model with it: tens of kB that start-up must not pay).

import { parseWorld, WorldValidationError } from './world/validate.js';
import { readJsonFile } from '../core/json.js';

export type WorldFileCheck =
  | { ok: true }
  /** `error` lists every problem on its own line (for the terminal); `line` is the same in one line (for a FAIL answer). */
  | { ok: false; error: string; line: string };

const MAX_LISTED = 20;

/** Reads and validates a world file; `flag` names it in the error (`--world /tmp/w.json: ...`). */
export function checkWorldFile(path: string, flag = '--world'): WorldFileCheck {
  const name = `${flag} ${path}`;
  const bad = (why: string): WorldFileCheck => ({ ok: false, error: `${name}: ${why}`, line: `${name}: ${why}` });
  const read = readJsonFile(path);
  if (!read.ok) return bad(read.problem);
  let data;
  try {
    data = parseWorld(read.value);
  } catch (e) {
    if (!(e instanceof WorldValidationError)) throw e;
    const p = e.problems;
    if (p.length === 1) return bad(`not a valid sandbox world: ${p[0]}`);
    const shown = p.slice(0, MAX_LISTED);
    const more = p.length > MAX_LISTED ? ` ... and ${p.length - MAX_LISTED} more` : '';
    return {
      ok: false,
      error: `${name}: not a valid sandbox world (${p.length} problems):${shown.map((x) => `\n  - ${x}`).join('')}${more ? `\n ${more}` : ''}`,
      line: `${name}: not a valid sandbox world (${p.length} problems): ${shown.join('; ')}${more}`,
    };
  }
  if (data.bots.length === 0) return bad('the world has no bot: add one under "bots"');
  return { ok: true };
}
