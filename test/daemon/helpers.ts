// The built binary as a daemon, and clients that speak to it as telegram-cli's real clients did
// (written from the reference: pytg's Sender and Receiver, telegram-history-dump, nc).
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, cleanEnv } from '../helpers/cli.js';
import { FrameReader } from '../../src/cli/daemon/framing.js';

export interface Daemon {
  child: ChildProcess;
  home: string;
  port?: number;
  /** The stderr so far. */
  stderr(): string;
  stdout(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const homes: string[] = [];
const running: Daemon[] = [];

/** Kills what a test left running and removes its folders (call from afterEach). */
export async function cleanup(): Promise<void> {
  for (const d of running.splice(0)) if (d.child.exitCode === null && d.child.signalCode === null) await d.stop('SIGKILL');
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
}

export function newHome(): string {
  const h = mkdtempSync(join(tmpdir(), 'tgsh-daemon-'));
  homes.push(h);
  return h;
}

/**
 * Starts `tgsh ARGS` (a daemon) and waits until it serves: its `serving` status line on stderr
 * (without -d), or `ready()` (with -d) returning true.
 */
export async function startDaemon(args: string[], o: { home?: string; input?: string; ready?: () => Promise<boolean> } = {}): Promise<Daemon> {
  const home = o.home ?? newHome();
  const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(home), stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stdin!.on('error', () => {});
  if (o.input !== undefined) child.stdin!.end(o.input);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const d: Daemon = {
    child,
    home,
    stderr: () => err,
    stdout: () => out,
    exited,
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      return exited;
    },
  };
  running.push(d);
  const until = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the daemon exited ${child.exitCode}: ${err}`);
    const m = /serving profile .*?(?:127\.0\.0\.1|\*):(\d+)/.exec(err);
    if (m) d.port = Number(m[1]);
    if (o.ready ? await o.ready() : /serving profile/.test(err)) break;
    if (Date.now() > until) throw new Error(`the daemon did not start: ${err}`);
    await sleep(25);
  }
  return d;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A client of telegram-cli's framed protocol: raw bytes out, whole frames in. */
export class FramedClient {
  readonly socket: Socket;
  private readonly reader = new FrameReader();
  readonly frames: string[] = [];
  private waiting: (() => void) | undefined;
  readonly raw: Buffer[] = [];
  closed = false;
  readonly connected: Promise<void>;

  constructor(where: { port: number } | { path: string }) {
    this.socket = 'port' in where ? connect({ port: where.port, host: '127.0.0.1' }) : connect({ path: where.path });
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('data', (d: Buffer) => {
      this.raw.push(d);
      this.frames.push(...this.reader.push(d));
      this.waiting?.();
    });
    this.socket.on('error', () => {});
    this.socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
  }

  static async open(where: { port: number } | { path: string }): Promise<FramedClient> {
    const c = new FramedClient(where);
    await c.connected;
    return c;
  }

  send(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** The next n payloads (fails when the connection closes first or nothing comes in time). */
  async next(n = 1, ms = 20_000): Promise<string[]> {
    const until = Date.now() + ms;
    while (this.frames.length < n) {
      if (this.closed) throw new Error(`closed after ${this.frames.length} of ${n} frames`);
      if (Date.now() > until) throw new Error(`timed out after ${this.frames.length} of ${n} frames`);
      await new Promise<void>((r) => {
        this.waiting = r;
        setTimeout(r, 100);
      });
    }
    return this.frames.splice(0, n);
  }

  /** Every byte received so far, as one buffer. */
  bytes(): Buffer {
    return Buffer.concat(this.raw);
  }

  /** Resolves once the daemon has closed the connection. */
  async untilClosed(ms = 20_000): Promise<void> {
    const until = Date.now() + ms;
    while (!this.closed) {
      if (Date.now() > until) throw new Error('the daemon did not close the connection');
      await sleep(20);
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Bytes of `ANSWER n\n` + payload + `\n`, built by hand (not with the code under test). */
export function expectedFrame(payload: string): string {
  return `ANSWER ${Buffer.byteLength(payload)}\n${payload}\n`;
}

/**
 * pytg's Sender, as it does it on the wire: a new connection per command, `cmd args\n` with a
 * trailing space when there are none, the header read byte by byte, then n-1 payload bytes, then
 * the connection closed with bytes unread (a reset for the server). Returns the payload it read.
 */
export function pytgSend(port: number, command: string, args: string[] = [], text?: string): Promise<string> {
  const quoted = text === undefined ? [] : [`'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`];
  const line = `[disable_preview] ${command} ${[...args, ...quoted].join(' ')}\n`;
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' });
    let buf = Buffer.alloc(0);
    let need: number | undefined;
    let headLen = 0;
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('pytg: read timed out'));
    }, 10_000);
    s.on('connect', () => s.write(line));
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (need === undefined) {
        const nl = buf.indexOf(0x0a);
        if (nl < 0) return;
        const m = /^ANSWER (\d+)$/.exec(buf.subarray(0, nl).toString('latin1'));
        if (!m) return reject(new Error(`pytg: bad header ${buf.subarray(0, nl).toString()}`));
        need = Number(m[1]) - 1; // pytg reads one byte less than announced
        headLen = nl + 1;
      }
      if (buf.length - headLen >= need) {
        clearTimeout(timer);
        const payload = buf.subarray(headLen, headLen + need).toString('utf8');
        s.resetAndDestroy(); // bytes unread: an RST, as pytg's close does
        resolve(payload);
      }
    });
  });
}

/** pytg's Receiver: its own connection sends main_session and reads framed JSON events forever. */
export class PytgReceiver {
  readonly events: Array<Record<string, unknown>> = [];
  private readonly client: FramedClient;
  private constructor(port: number) {
    this.client = new FramedClient({ port });
  }

  static async open(port: number): Promise<PytgReceiver> {
    const r = new PytgReceiver(port);
    await r.client.connected;
    r.client.send('main_session\n');
    return r;
  }

  /** Waits for n more events, checking each as pytg does (a JSON document; `$` string ids; from, to, out). */
  async take(n: number): Promise<Array<Record<string, unknown>>> {
    const payloads = await this.client.next(n);
    const out = payloads.map((p) => {
      if (!p.endsWith('\n')) throw new Error('pytg: a payload must end in a newline');
      const e = JSON.parse(p) as Record<string, unknown>;
      if (e.event === 'message') {
        for (const k of ['from', 'to', 'out']) if (!(k in e)) throw new Error(`pytg: a message without '${k}'`);
        for (const peer of [e.from, e.to] as Array<{ id: unknown }>) {
          if (typeof peer.id !== 'string' || !peer.id.startsWith('$')) throw new Error('pytg: a peer id that is not a $ string');
        }
      }
      return e;
    });
    this.events.push(...out);
    return out;
  }

  /** Events until `n` of them pass `keep` (the sandbox's seeded updates may come first), the kept ones. */
  async takeWhere(n: number, keep: (e: Record<string, unknown>) => boolean): Promise<Array<Record<string, unknown>>> {
    const out: Array<Record<string, unknown>> = [];
    while (out.length < n) out.push(...(await this.take(1)).filter(keep));
    return out;
  }

  get closed(): boolean {
    return this.client.closed;
  }

  close(): void {
    this.client.close();
  }
}

/**
 * telegram-history-dump's way: one persistent connection; per command, read the header line,
 * exactly one JSON line, then the blank line.
 */
export class HistoryDumpClient {
  private buf = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake?.();
    });
  }

  static open(port: number): Promise<HistoryDumpClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1' });
      s.once('connect', () => resolve(new HistoryDumpClient(s)));
      s.once('error', reject);
    });
  }

  private async readLine(): Promise<string> {
    const until = Date.now() + 20_000;
    for (;;) {
      const nl = this.buf.indexOf(0x0a);
      if (nl >= 0) {
        const line = this.buf.subarray(0, nl).toString('utf8');
        this.buf = this.buf.subarray(nl + 1);
        return line;
      }
      if (Date.now() > until) throw new Error('history-dump: timed out');
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 100);
      });
    }
  }

  async command(line: string): Promise<unknown> {
    this.socket.write(line + '\n');
    const head = await this.readLine();
    if (!/^ANSWER \d+$/.test(head)) throw new Error(`history-dump: expected a header, got ${head}`);
    const json = JSON.parse(await this.readLine()) as unknown;
    const blank = await this.readLine();
    if (blank !== '') throw new Error(`history-dump: expected the blank line, got ${blank}`);
    return json;
  }

  close(): void {
    this.socket.destroy();
  }
}
