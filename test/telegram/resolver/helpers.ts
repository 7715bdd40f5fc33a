// A tgsh session on a sandbox with the flags a person would give, minus what a test leaves out
// (the bot token, for user accounts), optionally interactive with scripted answers to `ask`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCli } from '../../../src/cli/args.js';
import { resolveConfig, type Config } from '../../../src/cli/config.js';
import { commandRegistry } from '../../../src/commands/registry.js';
import type { Result } from '../../../src/commands/result.js';
import type { RunMode } from '../../../src/commands/types.js';
import { formatResult } from '../../../src/output/format.js';
import type { Sandbox } from '../../../src/sandbox/sandbox.js';
import { Executor } from '../../../src/session/executor.js';
import { Services } from '../../../src/session/services.js';

export interface Asked {
  question: string;
  hidden: boolean;
}

export interface TestShell {
  home: string;
  config: Config;
  services: Services;
  notices: string[];
  /** The questions `ask` got, in order. */
  asked: Asked[];
  /** Flags for spawning the binary on the same sandbox and home. */
  flags: string[];
  run(line: string, signal?: AbortSignal): Promise<Result[]>;
  text(line: string): Promise<string>;
  json(line: string): Promise<unknown[]>;
  close(): Promise<void>;
}

export interface ShellOptions {
  /** Leave out --bot-token. */
  noBot?: boolean;
  /** Leave out --api-id and --api-hash (no MTProto: the Bot API only). */
  noApi?: boolean;
  args?: string[];
  mode?: RunMode;
  /** Answers for `ask`, in order (interactive mode only); undefined: no `ask` at all. */
  answers?: string[];
  home?: string;
}

export function testShell(sandbox: Sandbox, o: ShellOptions = {}): TestShell {
  const home = o.home ?? mkdtempSync(join(tmpdir(), 'tgsh-res-'));
  const keyFile = join(home, 'sandbox-rsa.pem');
  writeFileSync(keyFile, sandbox.connection.rsa_key_pem);
  const c = sandbox.connection;
  const flags = ['--dc', c.dc, '--rsa-key', keyFile, '--bot-api-root', c.bot_api_root];
  if (!o.noApi) flags.push('--api-id', String(c.api_id), '--api-hash', c.api_hash);
  if (!o.noBot) flags.push('--bot-token', c.bot_token);
  const cli = parseCli([...flags, '--config-dir', home, ...(o.args ?? [])]);
  if (!cli.ok) throw new Error(cli.error);
  const resolved = resolveConfig(cli.options, {}, false);
  if (!resolved.ok) throw new Error(resolved.error);
  const config = resolved.config;
  const services = new Services(config);
  const notices: string[] = [];
  const asked: Asked[] = [];
  const answers = [...(o.answers ?? [])];
  const ask = o.answers
    ? async (question: string, opts?: { hidden?: boolean }): Promise<string> => {
        asked.push({ question, hidden: opts?.hidden === true });
        const a = answers.shift();
        if (a === undefined) throw new Error(`no scripted answer for '${question}'`);
        return a;
      }
    : undefined;
  const executor = new Executor({ config, services, registry: commandRegistry(), mode: o.mode ?? (o.answers ? 'interactive' : 'pipe'), notice: (t) => notices.push(t), ask });
  const style = { json: false, color: false, tty: false };
  return {
    home,
    config,
    services,
    notices,
    asked,
    flags: [...flags, '--config-dir', home],
    run: (line, signal) => executor.run(line, signal),
    async text(line) {
      return (await executor.run(line)).map((r) => formatResult(r, style).stdout).join('');
    },
    async json(line) {
      return (await executor.run(line)).map((r) => JSON.parse(formatResult(r, { ...style, json: true }).stdout) as unknown);
    },
    async close() {
      await services.close();
      if (!o.home) rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` is true (no fixed sleeps); throws after `ms`. */
export async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
