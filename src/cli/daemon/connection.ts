// One client of the daemon: its lines run one at a time, in order, by an Executor of its own (its
// notices, its abort signal: aborted when the client goes away); its answers are written whole,
// so frames never interleave. Different connections run side by side on the one Services.
//
// A client that resets mid-answer (pytg does, every time) only ends its own connection; one that
// half-closes after its lines (`nc -N`) gets every answer before the daemon closes its side.

import type { Socket } from 'node:net';
import type { Config } from '../../core/config.js';
import { ErrorCode } from '../../core/errors.js';
import { scrubSecrets } from '../../core/secret.js';
import { Executor } from '../../commands/executor.js';
import { commandRegistry } from '../../commands/registry.js';
import { fail } from '../../commands/result.js';
import type { Result } from '../../commands/types.js';
import type { Services } from '../../session/services.js';
import { LineReader, MAX_LINE_BYTES, type LineItem } from './line-reader.js';
import { framedFormat, parseHello, privateFormat, privateLine, type WireFormat } from './protocol.js';

export interface ConnectionDeps {
  services: Services;
  config: Config;
  /** The daemon's status log (already scrubbed of secrets by the caller's log function). */
  log(text: string): void;
  /** `private`: the profile's socket, where tgsh -e and piped tgsh hand their lines over. */
  protocol: 'framed' | 'private';
  onClosed(c: Connection): void;
}

/** Lines held before reading pauses (a client far ahead of its answers). */
const HIGH_WATER = 256;
/** Bytes of unread events a main_session client may hold before events to it are dropped. */
const EVENT_BACKLOG = 8 * 1024 * 1024;
/** `main_session` alone on its line (modifiers before it are allowed, as pytg may add one). */
const MAIN_SESSION = /^\s*(?:\[[^\]]*\]\s*)*main_session\s*$/;

export class Connection {
  private readonly reader: LineReader;
  private readonly queue: LineItem[] = [];
  private readonly abort = new AbortController();
  private readonly inputEnd = new AbortController();
  private format: WireFormat | undefined;
  private executor: Executor | undefined;
  private running = false;
  private inputDone = false;
  private closed = false;
  /** Stopping: no new line is started. */
  private stopping = false;
  private unsubscribe: (() => void) | undefined;
  private droppedEvents = 0;
  private idle: (() => void) | undefined;
  readonly done: Promise<void>;

  constructor(
    private readonly socket: Socket,
    private readonly d: ConnectionDeps,
  ) {
    this.reader = new LineReader(d.protocol === 'framed', d.protocol === 'framed' ? MAX_LINE_BYTES : 64 * MAX_LINE_BYTES);
    if (d.protocol === 'framed') this.begin(framedFormat(d.config.json), d.config, 'daemon', { isTTY: false });
    this.done = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('error', () => socket.destroy()); // a reset: 'close' follows
    socket.on('close', () => this.onClose());
  }

  private begin(format: WireFormat, config: Config, mode: 'daemon' | 'pipe' | 'exec', terminal: { isTTY: boolean; columns?: number }): void {
    this.format = format;
    this.executor = new Executor({
      config,
      services: this.d.services,
      registry: commandRegistry(),
      mode,
      notice: (t) => this.notice(t),
      terminal,
      emit: (r) => this.write(format.answer(r)),
      // A handed-over -e run ends its input at once: its listen runs until the time or Ctrl-C.
      inputEnded: mode === 'exec' ? undefined : this.inputEnd.signal,
    });
  }

  private notice(text: string): void {
    const clean = scrubSecrets(text, this.d.services.secrets()).replace(/\n$/, '');
    if (this.format?.notice) this.write(this.format.notice(clean));
    else this.d.log(clean);
  }

  private onData(chunk: Buffer): void {
    if (this.stopping) return;
    this.queue.push(...this.reader.push(chunk));
    if (this.queue.length >= HIGH_WATER) this.socket.pause();
    void this.pump();
  }

  private onEnd(): void {
    this.inputDone = true;
    this.inputEnd.abort();
    if (!this.stopping) this.queue.push(...this.reader.end());
    void this.pump();
  }

  private onClose(): void {
    this.closed = true;
    this.queue.length = 0;
    this.abort.abort();
    this.inputEnd.abort();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.idle?.();
    this.d.onClosed(this);
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (!this.closed && !this.stopping) {
        const item = this.queue.shift();
        if (!item) break;
        if (this.queue.length < HIGH_WATER / 4 && this.socket.isPaused() && !this.inputDone) this.socket.resume();
        const go = await this.one(item);
        if (!go) {
          this.finish();
          return;
        }
        // An answer not yet taken by the client holds the next line back (and so its reading).
        if (this.socket.writableNeedDrain && !this.closed) await new Promise<void>((r) => this.waitDrain(r));
      }
    } finally {
      this.running = false;
      this.idle?.();
    }
    if (this.inputDone && this.queue.length === 0 && !this.closed) this.finish();
  }

  private waitDrain(resolve: () => void): void {
    const done = (): void => {
      this.socket.off('drain', done);
      this.socket.off('close', done);
      resolve();
    };
    this.socket.on('drain', done);
    this.socket.on('close', done);
  }

  /** Runs one item; false when the connection should end (quit, safe_quit, a bad hello). */
  private async one(item: LineItem): Promise<boolean> {
    if (!this.format) return this.hello(item);
    if (item.kind === 'bad') {
      this.write(this.format.answer(fail(ErrorCode.PARSE, item.error)));
      return true;
    }
    if (MAIN_SESSION.test(item.text)) {
      this.mainSession();
      return true;
    }
    const results: Result[] = await this.executor!.run(item.text, this.abort.signal);
    for (const r of results) this.write(this.format.answer(r));
    return !results.some((r) => r.kind === 'quit');
  }

  private hello(item: LineItem): boolean {
    const h = item.kind === 'line' ? parseHello(item.text) : undefined;
    if (!h) {
      this.d.log('private socket: a client that is not tgsh was turned away');
      return false;
    }
    const config = { ...this.d.config, json: h.json, color: h.color, quiet: h.quiet };
    this.begin(privateFormat(h), config, h.mode, { isTTY: h.tty, columns: h.columns });
    this.write(privateLine({ pid: process.pid }));
    return true;
  }

  /** This connection receives incoming events from now on (every connection that asks does). */
  private mainSession(): void {
    if (this.unsubscribe) return;
    const format = this.format!;
    this.unsubscribe = this.d.services.events.subscribe((e) => {
      if (this.closed) return;
      // A subscriber that does not read is not allowed to grow the daemon's memory without end.
      if (this.socket.writableLength > EVENT_BACKLOG) {
        if (this.droppedEvents++ === 0) this.d.log('main_session: a client is not reading its events; dropping them until it does');
        return;
      }
      this.droppedEvents = 0;
      this.write(format.event(e));
    });
  }

  private write(bytes: Buffer): void {
    if (this.closed || this.socket.destroyed || !this.socket.writable) return;
    this.socket.write(bytes);
  }

  /** Ends our side once every answer is written (the client may still be reading). */
  private finish(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.queue.length = 0;
    if (!this.closed) this.socket.end();
    // A client that never closes its side must not hold the daemon: it is let go after a while.
    setTimeout(() => this.socket.destroy(), 5000).unref();
  }

  /**
   * The daemon is stopping: no new line is started; the running one has `graceMs` to finish, then
   * is cancelled (its abort signal); then the connection is closed.
   */
  async stop(graceMs: number, reason: string): Promise<void> {
    this.stopping = true;
    this.socket.pause();
    this.queue.length = 0;
    if (this.running) {
      const idle = new Promise<void>((r) => (this.idle = r));
      const timer = setTimeout(() => this.abort.abort(), graceMs);
      await Promise.race([idle, new Promise((r) => setTimeout(r, graceMs + 2000))]);
      clearTimeout(timer);
    }
    if (this.d.protocol === 'private' && this.format) this.write(privateLine({ stop: reason }));
    this.finish();
    await Promise.race([this.done, new Promise((r) => setTimeout(r, 1000))]);
    this.socket.destroy();
  }
}
