// The FAIL answer an error thrown by a command stands for, with every secret scrubbed from its text.
// A TgshError says what it means; anything else is a bug in tgsh, except a part of tgsh's own
// bundle that is gone: tgsh was rebuilt or reinstalled under the running process (the lazily
// loaded parts are read from dist/ when first used), and only a restart helps.

import { ErrorCode, TgshError } from '../core/errors.js';
import { fail } from './result.js';
import { type FailResult } from './types.js';
import { scrubSecrets, type Secret } from '../core/secret.js';

/** True for "Cannot find module '.../dist/...'": a file of tgsh's own build, gone since start-up. */
function ownFileGone(e: unknown): boolean {
  const err = e as NodeJS.ErrnoException | undefined;
  return err?.code === 'ERR_MODULE_NOT_FOUND' && /[\\/]dist[\\/]/.test(String(err.message));
}

export function failResultOf(e: unknown, secrets: Iterable<Secret | string | undefined>): FailResult {
  const list = [...secrets];
  if (e instanceof TgshError) {
    return fail(e.code, scrubSecrets(e.message, list), { hint: e.hint === undefined ? undefined : scrubSecrets(e.hint, list), failure: e.failure, retryAfter: e.retryAfter, extra: e.extra });
  }
  if (ownFileGone(e)) {
    return fail(ErrorCode.INTERNAL, 'tgsh was rebuilt or updated while this process ran: a part it had not loaded yet is gone', { hint: 'restart tgsh' });
  }
  const message = e instanceof Error ? e.message : String(e);
  return fail(ErrorCode.INTERNAL, `internal error: ${scrubSecrets(message, list)}`, { hint: 'this is a bug in tgsh; please report it with the command that caused it' });
}
