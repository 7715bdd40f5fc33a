// Which exit status a result asks for, and how two combine (the statuses are in core/exit-codes.ts).

import type { Result } from '../commands/types.js';
import { ExitCode } from '../core/exit-codes.js';


const RANK: Record<number, number> = {
  [ExitCode.OK]: 0,
  [ExitCode.FAILED]: 1,
  [ExitCode.FLOOD]: 2,
  [ExitCode.AUTH]: 3,
  [ExitCode.USAGE]: 4,
  [ExitCode.INTERNAL]: 5,
  [ExitCode.INTERRUPTED]: 6,
};

/** The exit status one result asks for. */
export function exitCodeOf(result: Result): number {
  if (result.kind !== 'fail') return ExitCode.OK;
  switch (result.failure) {
    case 'auth':
      return ExitCode.AUTH;
    case 'flood':
      return ExitCode.FLOOD;
    default:
      return ExitCode.FAILED;
  }
}

/** Combines two statuses: the more telling one wins (auth over flood over a plain failure). */
export function worseExit(a: number, b: number): number {
  return (RANK[b] ?? 1) > (RANK[a] ?? 1) ? b : a;
}
