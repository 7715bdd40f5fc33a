// The two results every command builds: SUCCESS and FAIL (the Result type is in types.ts).

import type { JsonValue } from '../core/json.js';
import type { FailResult, Result } from './types.js';

export function success(extra?: Record<string, JsonValue>): Result {
  return extra ? { kind: 'success', extra } : { kind: 'success' };
}

export function fail(code: number, error: string, more: Partial<Omit<FailResult, 'kind' | 'code' | 'error'>> = {}): FailResult {
  return { kind: 'fail', code, error, ...more };
}

