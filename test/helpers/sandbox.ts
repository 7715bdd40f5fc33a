// A sandbox (world + MTProto DC + Bot API server on 127.0.0.1) and a tgsh session pointed at it
// through the same flags a user would give (--dc, --rsa-key, --bot-api-root, --bot-token,
// --api-id, --api-hash): the real resolver and sender talk to the real servers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCli } from '../../src/cli/args.js';
import { resolveConfig } from '../../src/cli/config.js';
import type { Config } from '../../src/core/config.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/sandbox.js';
import { Services } from '../../src/session/services.js';
import { Executor } from '../../src/commands/executor.js';
import { commandRegistry } from '../../src/commands/registry.js';
import { formatResult } from '../../src/output/format.js';
import type { Result, RunMode } from '../../src/commands/types.js';

export interface Asked {
  question: string;
  hidden: boolean;
}

export interface TgshOptions {
  /** Extra tgsh flags (e.g. --max-wait 0). */
  args?: string[];
  mode?: RunMode;
  /** Leave out --bot-token. */
  noBot?: boolean;
  /** Leave out --api-id and --api-hash (no MTProto: the Bot API only). */
  noApi?: boolean;
  /** Answers for `ask`, in order (interactive mode by default); undefined: no `ask` at all. */
  answers?: string[];
}

/** tgsh's Services and Executor on a sandbox, in a profile folder under `home`. */
export interface Tgsh {
  config: Config;
  services: Services;
  executor: Executor;
  notices: string[];
  /** The questions `ask` got, in order. */
  asked: Asked[];
  /** The flags that point a tgsh process at this sandbox (without --config-dir). */
  flags: string[];
  run(line: string, signal?: AbortSignal): Promise<Result[]>;
  /** The answers to one line as text (their stdout part). */
  text(line: string): Promise<string>;
  /** The answers to one line as parsed JSON values. */
  json(line: string): Promise<unknown[]>;
}

export function tgshOn(sandbox: Sandbox, home: string, o: TgshOptions = {}): Tgsh {
  const keyFile = join(home, 'sandbox-rsa.pem');
  writeFileSync(keyFile, sandbox.connection.rsa_key_pem);
  const c = sandbox.connection;
  const flags = ['--dc', c.dc, '--rsa-key', keyFile, '--bot-api-root', c.bot_api_root];
  if (!o.noBot) flags.push('--bot-token', c.bot_token);
  if (!o.noApi) flags.push('--api-id', String(c.api_id), '--api-hash', c.api_hash);
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
  const mode = o.mode ?? (o.answers ? 'interactive' : 'pipe');
  const executor = new Executor({ config, services, registry: commandRegistry(), mode, notice: (t) => notices.push(t), ask });
  const style = { json: false, color: false, tty: false };
  return {
    config,
    services,
    executor,
    notices,
    asked,
    flags,
    run: (line, signal) => executor.run(line, signal),
    async text(line) {
      return (await executor.run(line)).map((r) => formatResult(r, style).stdout).join('');
    },
    async json(line) {
      return (await executor.run(line)).map((r) => JSON.parse(formatResult(r, { ...style, json: true }).stdout) as unknown);
    },
  };
}

export interface SandboxSession extends Tgsh {
  sandbox: Sandbox;
  home: string;
  /** A second session (another Services, same home and sandbox): a new tgsh process, in effect. */
  reopen(extraArgs?: string[]): Promise<SandboxSession>;
  close(): Promise<void>;
}

export interface SessionOptions extends SandboxOptions, TgshOptions {
  sandbox?: Sandbox;
  home?: string;
}

/** Starts a sandbox (unless one is given) and a tgsh session on it. */
export async function sandboxSession(opts: SessionOptions = {}): Promise<SandboxSession> {
  const sandbox = opts.sandbox ?? (await startSandbox(opts));
  const home = opts.home ?? mkdtempSync(join(tmpdir(), 'tgsh-sbx-'));
  const tgsh = tgshOn(sandbox, home, opts);
  return {
    ...tgsh,
    sandbox,
    home,
    reopen: (extraArgs) => sandboxSession({ ...opts, sandbox, home, args: extraArgs ?? opts.args }),
    async close() {
      await tgsh.services.close();
      if (!opts.sandbox) {
        await sandbox.close();
        if (!opts.home) rmSync(home, { recursive: true, force: true });
      }
    },
  };
}
