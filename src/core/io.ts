// What one client of a run is connected to: its terminal (if any) and where progress may be drawn.
// Every command gets these from its context, never from `process`: one process (the daemon) serves
// several clients at once, each with its own.

/** The answer stream of one client: is it a terminal, how wide. A socket or a pipe is not a TTY. */
export interface TerminalFacts {
  readonly isTTY: boolean;
  readonly columns?: number;
}

/** Where a long command may draw its progress in place (a TTY's stderr); absent where it may not. */
export interface ProgressSink {
  write(text: string): void;
  readonly columns: number | undefined;
}

export const NO_TERMINAL: TerminalFacts = { isTTY: false };
