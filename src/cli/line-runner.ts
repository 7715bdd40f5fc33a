// Pipe and exec modes: lines are run strictly in order, one at a time, and each answer is written
// as soon as it exists (a slow command never holds back the answers before it). Returns the exit
// status the run earned.

import type { Executor } from '../commands/executor.js';
import { formatResult, type OutputStyle } from '../output/format.js';
import { exitCodeOf, worseExit } from './exit-codes.js';
import { ExitCode } from '../core/exit-codes.js';

export interface Sink {
  out(text: string): void;
  err(text: string): void;
}

export interface RunOutcome {
  exitCode: number;
  /** A quit/safe_quit ended the run before the input did. */
  quit: boolean;
  interrupted: boolean;
}

export async function runLines(
  lines: AsyncIterable<string> | Iterable<string>,
  executor: Executor,
  style: OutputStyle,
  sink: Sink,
  signal: AbortSignal,
): Promise<RunOutcome> {
  let exitCode: number = ExitCode.OK;
  for await (const line of lines) {
    if (signal.aborted) break;
    const results = await executor.run(line, signal);
    for (const r of results) {
      const a = formatResult(r, style);
      if (a.stdout) sink.out(a.stdout);
      if (a.stderr) sink.err(a.stderr);
      exitCode = worseExit(exitCode, exitCodeOf(r));
      if (r.kind === 'quit') return { exitCode, quit: true, interrupted: false };
    }
  }
  if (signal.aborted) return { exitCode: ExitCode.INTERRUPTED, quit: false, interrupted: true };
  return { exitCode, quit: false, interrupted: false };
}

/** `-e` values: each may hold several commands separated by newlines. */
export function execLines(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(/\r?\n/));
}
