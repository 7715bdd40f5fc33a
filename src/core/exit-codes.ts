// Exit statuses of pipe and exec modes (documented in the README and `tgsh --help`).

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
  /** tgsh itself failed (a crash it could not turn into an answer; sysexits' EX_SOFTWARE). */
  INTERNAL: 70,
  /** Interrupted (Ctrl-C / SIGINT). */
  INTERRUPTED: 130,
} as const;
