// Exit statuses of pipe and exec modes (documented in the README and `tgsh --help`).

import type { Result } from '../commands/result.js';

export const ExitCode = {
  OK: 0,
  /** At least one command failed. */
  FAILED: 1,
  /** Bad command-line usage. */
  USAGE: 2,
  /** Not logged in, credentials missing or refused. */
  AUTH: 4,
  /** A command stopped on a flood wait longer than --max-wait. */
  FLOOD: 5,
  /** Interrupted (Ctrl-C / SIGINT). */
  INTERRUPTED: 130,
} as const;

const RANK: Record<number, number> = { 0: 0, 1: 1, 5: 2, 4: 3, 2: 4, 130: 5 };

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
