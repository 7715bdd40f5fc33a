// The interactive shell's state and decisions, in plain TypeScript (no Ink, no React): the line
// being edited, history, completion, the queue of lines typed ahead, the running command, questions
// asked by commands, and the transcript. Ink components render `snapshot()` and forward raw input
// to `feed()`; nothing else decides anything.
//
// Live events: `print(text)` puts a line above the prompt without touching the line being edited.

import { SANDBOX_BANNER } from '../sandbox/banner.js';
import { Executor } from '../commands/executor.js';
import type { Services } from '../session/services.js';
import type { Config } from '../core/config.js';
import type { CommandRegistry, Result } from '../commands/types.js';
import { ErrorCode, TgshError } from '../core/errors.js';
import { fail } from '../commands/result.js';
import { parseLine } from '../commands/parse.js';
import { formatResult, type OutputStyle } from '../output/format.js';
import { paintFor, type Paint } from '../output/colors.js';
import { version as tgshVersion } from '../core/version.js';
import { searchOlder, searchResult, searchView, startSearch, withQuery, type HistorySearch } from './search.js';
import { decodeKeys, type Key } from './keys.js';
import { EMPTY_LINE, edit, insert, type EditLine } from './editor.js';
import { History, HistoryFile } from './history.js';
import { complete, listFiles } from './complete.js';
import { forTerminal } from './text.js';

export const PROMPT = '> ';

export interface TranscriptItem {
  readonly id: number;
  /** Ready to print: sanitized, colours applied, no trailing newline. */
  readonly text: string;
  /**
   * At least the width of the widest line, in columns. The renderer gives the item that much room
   * so that Ink does not break long lines itself: the terminal wraps them softly, and a long JSON
   * answer copies back as one line.
   */
  readonly width: number;
}

/** Everything the screen shows, as one immutable value per change. */
export interface ShellView {
  /** Lines above the prompt (rendered once each, with <Static>). */
  readonly items: readonly TranscriptItem[];
  /** Changes when `items` starts again from empty (long sessions); key <Static> by it. */
  readonly epoch: number;
  readonly prompt: string;
  readonly line: EditLine;
  /** The answer being typed is hidden (a password): show no characters. */
  readonly hidden: boolean;
  /** The command that is running, once it has run long enough to deserve a spinner. */
  readonly running?: string;
  /** Lines typed ahead, waiting for the running command. */
  readonly queued: readonly string[];
  /** Tab found several matches. */
  readonly candidates?: readonly string[];
  /** A one-line hint under the prompt (Ctrl-C again to exit, waiting to exit, ...). */
  readonly hint?: string;
  /** The shell has exited: render nothing live. */
  readonly done: boolean;
}

export interface ShellOptions {
  config: Config;
  services: Services;
  registry: CommandRegistry;
  /** Default: the profile's history file (services.paths.history). */
  history?: History;
  /** File-name completion (default: the file system, relative to the current folder). */
  files?: (prefix: string) => readonly string[];
  /** How long a command runs before the spinner shows (avoids flicker for fast commands). */
  spinnerDelayMs?: number;
  /** <Static> items kept before starting a new epoch. */
  itemsPerEpoch?: number;
  /** Show the banner (default: unless -D). run.ts prints it itself before Ink has loaded. */
  banner?: boolean;
  /** Ctrl-Z: stops the process (run.ts gives the terminal back first); none: Ctrl-Z does nothing. */
  suspend?: () => void;
}

/** The start-up lines (status, not answers); the sandbox says so in its own words. */
export function bannerText(sandbox = false): string {
  const line = `tgsh ${tgshVersion()} — type 'help' for commands, Ctrl-D to exit`;
  return sandbox ? `${line}\n${SANDBOX_BANNER}\ntry: resolve_username example_user, or sandbox users` : line;
}

interface PendingAsk {
  question: string;
  hidden: boolean;
  resolve(answer: string): void;
  reject(err: Error): void;
}

/** What a command's `ask` rejects with when the person presses Ctrl-C (or the shell exits). */
export class AskCancelled extends TgshError {
  constructor(question: string) {
    super(ErrorCode.BAD_ARGUMENT, `cancelled: no answer to '${question.trim().replace(/:$/, '')}'`);
    this.name = 'AskCancelled';
  }
}

const MAX_CANDIDATES = 200;

/** An upper bound of the columns the widest line takes: ASCII 1, anything else 2, colours 0. */
export function widthBound(text: string): number {
  let widest = 1;
  for (const line of text.replace(/\x1b\[[0-9;:]*m/g, '').split('\n')) {
    let w = 0;
    for (const ch of line) w += ch.charCodeAt(0) < 0x7f ? 1 : 2;
    if (w > widest) widest = w;
  }
  return widest;
}

export class ShellController {
  readonly executor: Executor;
  readonly history: History;
  /** Resolves with the exit status once the shell has decided to exit. */
  readonly exited: Promise<number>;

  private readonly paint: Paint;
  private readonly style: OutputStyle;
  private items: TranscriptItem[] = [];
  private epoch = 0;
  private renderedCount = 0;
  private nextId = 1;
  private line: EditLine = EMPTY_LINE;
  private queue: string[] = [];
  private running?: { line: string; abort: AbortController; shown: boolean; timer?: NodeJS.Timeout };
  private pumping = false;
  private asks: PendingAsk[] = [];
  /** The main line, kept while a question is being answered. */
  private savedLine?: EditLine;
  private candidates?: string[];
  private hint?: string;
  /** Ctrl-R's search, while it runs. */
  private search?: HistorySearch;
  /** The last key was Ctrl-C: another one on an empty line exits. */
  private armed = false;
  /** Exit once the queue is empty (Ctrl-D, safe_quit). */
  private closing = false;
  private done = false;
  private resolveExit!: (code: number) => void;
  private listeners = new Set<() => void>();
  private view?: ShellView;

  constructor(private readonly o: ShellOptions) {
    this.paint = paintFor(o.config.color);
    this.style = { json: o.config.json, color: o.config.color, tty: true };
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    this.executor = new Executor({
      config: o.config,
      services: o.services,
      registry: o.registry,
      mode: 'interactive',
      notice: (text) => this.notice(text),
      ask: (question, options) => this.ask(question, options),
    });
    const c = o.config;
    this.history =
      o.history ??
      new History({
        store: new HistoryFile(o.services.paths.history),
        secrets: o.services.secrets(),
        onError: (message) => this.notice(message),
      });
    this.history.load();
    if (o.banner ?? !c.quiet) this.status(bannerText(c.sandbox));
  }

  // ---- for the renderer

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): ShellView => (this.view ??= this.buildView());

  /** The renderer has printed the first `count` items of `epoch` (they may now be dropped). */
  rendered(epoch: number, count: number): void {
    if (epoch === this.epoch && count > this.renderedCount) this.renderedCount = count;
  }

  /** Raw input from the terminal: keys, escape sequences, pastes. */
  feed(chunk: string): void {
    if (this.done) return;
    const keys = decodeKeys(chunk);
    // Several lines in one chunk are a paste: they all go through the queue, in order.
    const pasted = keys.filter((k) => k.name === 'enter').length > 1;
    for (const k of keys) {
      if (this.done) break;
      this.key(k, pasted);
    }
    this.changed();
  }

  // ---- for commands and event sources

  /** A line above the prompt; the line being edited stays as it is. `event` lines obey -D. */
  print(text: string, kind: 'event' | 'status' = 'event'): void {
    if (this.done || (kind === 'event' && this.o.config.quiet)) return;
    if (kind === 'status') this.status(text);
    else this.append(text);
  }

  /** A status line (dim): notices from commands, the banner. */
  notice(text: string): void {
    this.status(text.replace(/\n$/, ''));
  }

  /** Turns the prompt into `question`; resolves with what the person types (rejects on Ctrl-C). */
  ask(question: string, options: { hidden?: boolean } = {}): Promise<string> {
    if (this.done) return Promise.reject(new AskCancelled(question));
    return new Promise<string>((resolve, reject) => {
      this.asks.push({ question, hidden: options.hidden === true, resolve, reject });
      if (this.asks.length === 1) this.beginAsk();
      this.changed();
    });
  }

  // ---- exits

  /** Ctrl-C, or SIGINT from outside. */
  interrupt(): void {
    if (this.done) return;
    this.key({ name: 'ctrl-c' }, false);
    this.changed();
  }

  /**
   * A key while Ctrl-R searches: text and Backspace edit the query, Ctrl-R finds an older match,
   * Ctrl-C puts the line back as it was, Escape takes the match for editing. Any other key takes
   * the match into the line and then acts on it (Enter runs it): returns false for those.
   */
  private searchKey(k: Key): boolean {
    const s = this.search!;
    const lines = this.history.lines;
    switch (k.name) {
      case 'text':
        this.search = withQuery(s, lines, s.query + k.text);
        return true;
      case 'backspace':
        this.search = withQuery(s, lines, Array.from(s.query).slice(0, -1).join(''));
        return true;
      case 'search':
        this.search = searchOlder(s, lines);
        return true;
      case 'ctrl-c':
        this.line = s.saved;
        this.search = undefined;
        return true;
      default:
        this.line = searchResult(s, lines);
        this.search = undefined;
        this.history.reset();
        return k.name === 'escape';
    }
  }

  /** Back from Ctrl-Z (SIGCONT): the prompt is drawn again below what the outer shell printed. */
  resumed(): void {
    if (this.done) return;
    this.hint = 'back in tgsh';
    this.changed();
  }

  /** Exits now (SIGTERM, SIGHUP, a crash): the running command is aborted, queued lines dropped. */
  terminate(code: number): void {
    this.finish(code);
  }

  get isDone(): boolean {
    return this.done;
  }

  // ---- keys

  private key(k: Key, pasted: boolean): void {
    if (k.name !== 'ctrl-c') this.armed = false;
    if (k.name !== 'tab') this.candidates = undefined;
    this.hint = undefined;
    const asking = this.asks[0];
    if (this.closing && !asking && k.name !== 'ctrl-c') return; // waiting to exit: only Ctrl-C counts
    if (this.search) {
      if (asking) this.search = undefined;
      else if (this.searchKey(k)) return;
    }

    switch (k.name) {
      case 'text':
        this.line = insert(this.line, k.text);
        return;
      case 'enter':
        if (asking) this.answer();
        else this.submit(pasted);
        return;
      case 'ctrl-c':
        this.ctrlC();
        return;
      case 'ctrl-d':
        if (this.line.text !== '') this.line = edit(this.line, 'delete');
        else if (asking) this.cancelAsk();
        else this.endOfInput();
        return;
      case 'tab':
        if (!asking) this.tab();
        return;
      case 'up':
      case 'down': {
        if (asking) return;
        const v = k.name === 'up' ? this.history.up(this.line.text) : this.history.down();
        if (v !== undefined) this.line = { text: v, cursor: v.length };
        return;
      }
      case 'suspend':
        this.o.suspend?.();
        return;
      case 'search':
        if (!asking) this.search = startSearch(this.line);
        return;
      case 'escape':
        return;
      default:
        this.line = edit(this.line, k.name);
    }
  }

  private ctrlC(): void {
    if (this.asks[0]) {
      this.cancelAsk();
      return;
    }
    if (this.closing || (this.armed && this.line.text === '')) {
      this.finish(0);
      return;
    }
    if (this.running) {
      this.running.abort.abort();
      if (this.queue.length > 0) this.status(`(${this.queue.length} queued line${this.queue.length === 1 ? '' : 's'} dropped)`);
      this.queue = [];
    }
    this.line = EMPTY_LINE;
    this.history.reset();
    this.armed = true;
    this.hint = 'press Ctrl-C again to exit (or Ctrl-D)';
  }

  private endOfInput(): void {
    if (!this.running && this.queue.length === 0) this.finish(0);
    else this.closing = true;
  }

  private tab(): void {
    const c = complete(this.line.text, this.line.cursor, {
      registry: this.o.registry,
      peers: (prefix) => {
        try {
          return this.o.services.peerCompletions(prefix);
        } catch {
          return [];
        }
      },
      files: this.o.files ?? ((prefix) => listFiles(prefix)),
    });
    this.line = { text: c.text, cursor: c.cursor };
    if (c.candidates) {
      this.candidates = c.candidates.slice(0, MAX_CANDIDATES);
      if (c.candidates.length > MAX_CANDIDATES) this.candidates.push(`(+${c.candidates.length - MAX_CANDIDATES} more)`);
    }
  }

  // ---- lines

  private submit(pasted: boolean): void {
    const text = this.line.text;
    this.line = EMPTY_LINE;
    this.history.add(text);
    // A blank line while something runs means nothing to wait for (idle, it echoes a fresh prompt).
    if (text.trim() === '' && (this.running || this.queue.length > 0)) return;
    // `quit` typed on its own while a command runs exits at once; in a paste it takes its turn.
    if (!pasted && this.running && this.isQuit(text)) {
      this.echo(text);
      this.finish(0);
      return;
    }
    this.queue.push(text);
    void this.pump();
  }

  private isQuit(text: string): boolean {
    const p = parseLine(text, this.o.registry);
    return p.kind === 'command' && p.spec.name === 'quit';
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.done && this.queue.length > 0) await this.runLine(this.queue.shift()!);
    } finally {
      this.pumping = false;
    }
    if (this.closing && !this.done) this.finish(0);
    this.changed();
  }

  private async runLine(line: string): Promise<void> {
    this.echo(line);
    const abort = new AbortController();
    const running: NonNullable<typeof this.running> = { line, abort, shown: false };
    const delay = this.o.spinnerDelayMs ?? 120;
    if (delay <= 0) running.shown = true;
    else
      running.timer = setTimeout(() => {
        running.shown = true;
        this.changed();
      }, delay);
    this.running = running;
    this.changed();
    let results: Result[];
    try {
      results = await this.executor.run(line, abort.signal);
    } catch (e) {
      // The executor never throws; this is a guard, not a path.
      results = [fail(ErrorCode.INTERNAL, `internal error: ${e instanceof Error ? e.message : String(e)}`)];
    } finally {
      clearTimeout(running.timer);
      if (this.running === running) this.running = undefined;
    }
    if (this.done) return;
    for (const r of results) {
      if (r.kind === 'quit') {
        if (r.safe) this.closing = true;
        else this.finish(0);
        break;
      }
      const a = formatResult(r, this.style);
      const text = (a.stdout + a.stderr).replace(/\n$/, '');
      if (text !== '') this.append(text);
    }
    this.changed();
  }

  // ---- questions

  private beginAsk(): void {
    this.savedLine ??= this.line;
    this.line = EMPTY_LINE;
    this.candidates = undefined;
  }

  private promptOf(a: PendingAsk): string {
    return /\s$/.test(a.question) ? a.question : a.question + ' ';
  }

  private answer(): void {
    const a = this.asks.shift()!;
    const text = this.line.text;
    this.status(this.promptOf(a) + (a.hidden ? '' : text));
    this.afterAsk();
    a.resolve(text);
  }

  private cancelAsk(): void {
    const a = this.asks.shift()!;
    this.status(this.promptOf(a) + '^C');
    this.afterAsk();
    a.reject(new AskCancelled(a.question));
  }

  private afterAsk(): void {
    if (this.asks.length > 0) this.line = EMPTY_LINE;
    else {
      this.line = this.savedLine ?? EMPTY_LINE;
      this.savedLine = undefined;
    }
  }

  // ---- transcript

  private echo(line: string): void {
    this.append(PROMPT + line);
  }

  private status(text: string): void {
    this.append(this.paint.dim(forTerminal(text)), true);
  }

  private append(text: string, clean = false): void {
    const perEpoch = this.o.itemsPerEpoch ?? 500;
    if (this.items.length >= perEpoch && this.renderedCount >= this.items.length) {
      this.epoch++;
      this.items = [];
      this.renderedCount = 0;
    }
    const shown = clean ? text : forTerminal(text);
    this.items = [...this.items, { id: this.nextId++, text: shown, width: widthBound(shown) }];
    this.changed();
  }

  private finish(code: number): void {
    if (this.done) return;
    this.done = true;
    if (this.running) {
      this.running.abort.abort();
      clearTimeout(this.running.timer);
    }
    this.queue = [];
    for (const a of this.asks.splice(0)) a.reject(new AskCancelled(a.question));
    this.history.close();
    this.changed();
    this.resolveExit(code);
  }

  // ---- view

  private changed(): void {
    this.view = undefined;
    for (const l of this.listeners) l();
  }

  private buildView(): ShellView {
    const a = this.asks[0];
    let hint = this.hint;
    if (this.closing && !this.done) {
      const n = this.queue.length + (this.running ? 1 : 0);
      hint = `exiting once ${n} pending line${n === 1 ? ' has' : 's have'} finished (Ctrl-C exits now)`;
    }
    const searching = !a && this.search ? searchView(this.search, this.history.lines) : undefined;
    return {
      items: this.items,
      epoch: this.epoch,
      prompt: a ? this.promptOf(a) : (searching?.prompt ?? PROMPT),
      line: searching?.line ?? this.line,
      hidden: a?.hidden ?? false,
      running: this.running?.shown ? this.running.line : undefined,
      queued: [...this.queue],
      candidates: this.candidates,
      hint,
      done: this.done,
    };
  }
}
