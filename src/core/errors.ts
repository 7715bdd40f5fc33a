// tgsh's error codes and the error a deep layer throws when returning a FAIL result is awkward.
// The executor turns a TgshError into exactly that FAIL result; `failure` picks the exit status.

import type { JsonValue } from './json.js';

/** telegram-cli's error codes, and tgsh's own for what telegram-cli had none. */
export const ErrorCode = {
  NO_SUCH_FILE: 2,
  BAD_ARGUMENT: 22,
  PARSE: 38,
  SERVER: 71,
  /** Not logged in / credentials missing or refused (telegram-cli had no code for this). */
  NOT_LOGGED_IN: 401,
  /** Waiting longer than allowed (FLOOD_WAIT, 429). */
  FLOOD: 420,
  /** A command failed inside tgsh (a bug); the message says what happened. */
  INTERNAL: 500,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Why a failure should change the exit status of a script (see core/exit-codes.ts). */
export type FailureClass = 'auth' | 'flood' | 'usage';

export class TgshError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly more: { hint?: string; failure?: FailureClass; retryAfter?: number; extra?: Record<string, JsonValue> } = {},
  ) {
    super(message);
    this.name = 'TgshError';
  }

  get hint(): string | undefined {
    return this.more.hint;
  }
  get failure(): FailureClass | undefined {
    return this.more.failure;
  }
  get retryAfter(): number | undefined {
    return this.more.retryAfter;
  }
  get extra(): Record<string, JsonValue> | undefined {
    return this.more.extra;
  }
}
