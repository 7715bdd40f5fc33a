// The shell mounted with ink-testing-library: the real controller, Executor and registry; only
// the completion source (peerCompletions) and extra test commands are doubles.
import { createElement } from 'react';
import { render } from 'ink-testing-library';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { Config } from '../../src/core/config.js';
import { BUILTIN_COMMANDS, Registry } from '../../src/commands/registry.js';
import type { CommandSpec } from '../../src/commands/types.js';
import { Services } from '../../src/session/services.js';
import { ShellController, type ShellOptions } from '../../src/repl/controller.js';
import { ShellApp } from '../../src/repl/app.js';

export function testConfig(home: string, more: Partial<Config> = {}): Config {
  return {
    profile: 'default',
    configDir: home,
    profileDir: join(home, 'profiles', 'default'),
    json: false,
    color: false,
    quiet: false,
    waitDialogs: false,
    sandbox: false,
    maxWaitSeconds: 10,
    ...more,
  };
}

/** Services whose completion source is a fixed list (what the peer store will feed). */
export class PeerListServices extends Services {
  constructor(
    config: Config,
    private readonly peers: string[] = [],
  ) {
    super(config);
  }

  override peerCompletions(prefix: string): string[] {
    return this.peers.filter((p) => p.toLowerCase().startsWith(prefix.toLowerCase()));
  }
}

export const tick = (ms = 15): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Mounted {
  controller: ShellController;
  home: string;
  /** The whole screen so far (transcript and live part), without colour codes. */
  frame(): string;
  /** The prompt line (the last line of the frame). */
  promptLine(): string;
  write(data: string): void;
  /** Types text, waits a tick, presses Enter (the pitfalls' recipe). */
  type(line: string): Promise<void>;
  waitFor(test: string | RegExp | ((frame: string) => boolean), timeoutMs?: number): Promise<string>;
  unmount(): void;
}

export interface MountOptions {
  config?: Partial<Config>;
  commands?: CommandSpec[];
  peers?: string[];
  home?: string;
  controller?: Partial<ShellOptions>;
}

export async function mountShell(o: MountOptions = {}): Promise<Mounted> {
  const home = o.home ?? mkdtempSync(join(tmpdir(), 'tgsh-repl-'));
  const config = testConfig(home, o.config);
  const services = new PeerListServices(config, o.peers);
  // A test double replaces the built-in command of the same name (msg, send_file...).
  const doubles = new Set((o.commands ?? []).map((c) => c.name));
  const registry = new Registry([...BUILTIN_COMMANDS.filter((c) => !doubles.has(c.name)), ...(o.commands ?? [])]);
  const controller = new ShellController({ config, services, registry, spinnerDelayMs: 0, ...o.controller });
  const ink = render(createElement(ShellApp, { controller, color: config.color }));
  const frame = (): string => stripVTControlCharacters(ink.lastFrame() ?? '');
  await tick(); // effects (raw mode, the input listener) run after the first render
  const waitFor: Mounted['waitFor'] = async (test, timeoutMs = 3000) => {
    const ok = typeof test === 'string' ? (f: string) => f.includes(test) : test instanceof RegExp ? (f: string) => test.test(f) : test;
    const until = Date.now() + timeoutMs;
    for (;;) {
      const f = frame();
      if (ok(f)) return f;
      if (Date.now() > until) throw new Error(`timed out waiting for ${String(test)}; screen:\n${f}`);
      await tick(5);
    }
  };
  return {
    controller,
    home,
    frame,
    promptLine: () => frame().trimEnd().split('\n').at(-1) ?? '',
    write: (d) => ink.stdin.write(d),
    async type(line) {
      ink.stdin.write(line);
      await tick();
      ink.stdin.write('\r');
      await tick();
    },
    waitFor,
    unmount() {
      ink.unmount();
      if (!o.home) rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A promise with its resolve function, for commands that wait on the test. */
export function deferred<T = void>(): { promise: Promise<T>; resolve(v: T): void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lines of the frame in order, for "a comes before b" checks. */
export function indexOfLine(frame: string, line: string): number {
  return frame.split('\n').findIndex((l) => l.trimEnd() === line);
}
