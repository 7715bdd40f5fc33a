// One line in, its answers out: parse, run (N times with [xN]), flush the store, and turn every
// failure (including a command that throws) into a FAIL result. Nothing escapes this function.

import { NO_TERMINAL, type ProgressSink, type TerminalFacts } from '../core/io.js';
import { parseLine, type ParseOptions } from './parse.js';
import { fail } from './result.js';
import type { Result, CommandContext, CommandRegistry, RunMode } from './types.js';
import type { Config } from '../core/config.js';
import type { Services } from '../session/services.js';
import { failResultOf } from './fail-result.js';

export interface ExecutorOptions {
  config: Config;
  services: Services;
  registry: CommandRegistry;
  mode: RunMode;
  readonly notice: (text: string) => void;
  ask?: CommandContext['ask'];
  parse?: ParseOptions;
  /** This client's terminal; not a TTY when absent. */
  terminal?: TerminalFacts;
  progress?: ProgressSink;
  emit?: CommandContext['emit'];
  inputEnded?: AbortSignal;
}

export class Executor {
  constructor(private readonly o: ExecutorOptions) {}

  /** The answers to one line: none for blank lines and comments, usually one, N for [xN]. */
  async run(line: string, signal: AbortSignal = new AbortController().signal): Promise<Result[]> {
    // Print names of the open peer store tell a peer from text in repeated peer arguments.
    const parsed = parseLine(line, this.o.registry, this.o.parse ?? { isKnownPeer: (t) => this.o.services.isKnownPeer?.(t) ?? false });
    if (parsed.kind === 'skip') return [];
    if (parsed.kind === 'error') return [parsed.result];
    const ctx: CommandContext = {
      config: this.o.config,
      modifiers: parsed.modifiers,
      mode: this.o.mode,
      services: this.o.services,
      registry: this.o.registry,
      notice: this.o.notice,
      ask: this.o.ask,
      signal,
      terminal: this.o.terminal ?? NO_TERMINAL,
      progress: this.o.progress,
      emit: this.o.emit,
      inputEnded: this.o.inputEnded,
    };
    const results: Result[] = [];
    const times = parsed.modifiers.times ?? 1;
    for (let i = 0; i < times; i++) {
      const r = await this.runOnce(() => parsed.spec.run(ctx, parsed.input));
      results.push(...r);
      if (r.some((x) => x.kind === 'fail' || x.kind === 'quit') || signal.aborted) break;
    }
    return results;
  }

  private async runOnce(fn: () => Promise<Result | Result[]> | Result | Result[]): Promise<Result[]> {
    let out: Result[];
    try {
      const r = await fn();
      out = (Array.isArray(r) ? r : [r]).map((x) => this.scoped(x));
    } catch (e) {
      out = [this.failureOf(e)];
    }
    try {
      // A command reports success only once its changes are on disk.
      await this.o.services.afterCommand();
    } catch (e) {
      const f = this.failureOf(e);
      out = [fail(f.code, `changes were not saved: ${f.error}`, { hint: f.hint })];
    }
    return out;
  }

  /** Peers as the configured bot sees them: another bot's consent and membership left out. */
  private scoped(r: Result): Result {
    const store = this.o.services.openStore();
    if (!store) return r;
    if (r.kind === 'peer') return { ...r, peer: store.scoped(r.peer) };
    if (r.kind === 'peers') return { ...r, peers: r.peers.map((p) => store.scoped(p)) };
    return r;
  }

  private failureOf(e: unknown): Result & { kind: 'fail' } {
    return failResultOf(e, this.o.services.secrets());
  }
}
