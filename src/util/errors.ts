// An error a command may throw when returning a FAIL result is awkward (deep inside a service).
// The executor turns it into exactly that FAIL result.

import type { FailureClass, JsonValue } from '../commands/result.js';

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
