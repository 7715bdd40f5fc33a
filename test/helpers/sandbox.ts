// A sandbox (world + MTProto DC + Bot API server on 127.0.0.1) and a tgsh session pointed at it
// through the same flags a user would give (--dc, --rsa-key, --bot-api-root, --bot-token,
// --api-id, --api-hash): the real resolver and sender talk to the real servers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCli } from '../../src/cli/args.js';
import { resolveConfig, type Config } from '../../src/cli/config.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/sandbox.js';
import { Services } from '../../src/session/services.js';
import { Executor } from '../../src/session/executor.js';
import { commandRegistry } from '../../src/commands/registry.js';
import { formatResult } from '../../src/output/format.js';
import type { Result } from '../../src/commands/result.js';
import type { RunMode } from '../../src/commands/types.js';

export interface SandboxSession {
  sandbox: Sandbox;
  home: string;
  config: Config;
  services: Services;
  executor: Executor;
  notices: string[];
  /** The flags that point a tgsh process at this sandbox (for spawning the binary). */
  flags: string[];
  run(line: string): Promise<Result[]>;
  /** The answers to one line as text (stdout part) */
  text(line: string): Promise<string>;
  /** The answers to one line as parsed JSON values. */
  json(line: string): Promise<unknown[]>;
  /** A second session (another Services, same home and sandbox): a new tgsh process, in effect. */
  reopen(extraArgs?: string[]): Promise<SandboxSession>;
  close(): Promise<void>;
}

export interface SessionOptions extends SandboxOptions {
  /** Extra tgsh flags (e.g. --max-wait 0). */
  args?: string[];
  mode?: RunMode;
  sandbox?: Sandbox;
  home?: string;
}

export async function sandboxSession(opts: SessionOptions = {}): Promise<SandboxSession> {
  const sandbox = opts.sandbox ?? (await startSandbox(opts));
  const home = opts.home ?? mkdtempSync(join(tmpdir(), 'tgsh-sbx-'));
  const keyFile = join(home, 'sandbox-rsa.pem');
  writeFileSync(keyFile, sandbox.connection.rsa_key_pem);
  const c = sandbox.connection;
  const flags = ['--dc', c.dc, '--rsa-key', keyFile, '--bot-api-root', c.bot_api_root, '--bot-token', c.bot_token, '--api-id', String(c.api_id), '--api-hash', c.api_hash];
  const cli = parseCli([...flags, '--config-dir', home, ...(opts.args ?? [])]);
  if (!cli.ok) throw new Error(cli.error);
  const resolved = resolveConfig(cli.options, {}, false);
  if (!resolved.ok) throw new Error(resolved.error);
  const config = resolved.config;
  const services = new Services(config);
  const notices: string[] = [];
  const executor = new Executor({ config, services, registry: commandRegistry(), mode: opts.mode ?? 'pipe', notice: (t) => notices.push(t) });
  const style = { json: false, color: false, tty: false };
  const session: SandboxSession = {
    sandbox,
    home,
    config,
    services,
    executor,
    notices,
    flags,
    run: (line) => executor.run(line),
    async text(line) {
      const rs = await executor.run(line);
      return rs.map((r) => formatResult(r, style).stdout).join('');
    },
    async json(line) {
      const rs = await executor.run(line);
      return rs.map((r) => JSON.parse(formatResult(r, { ...style, json: true }).stdout));
    },
    reopen: (extraArgs) => sandboxSession({ ...opts, sandbox, home, args: extraArgs ?? opts.args }),
    async close() {
      await services.close();
      if (!opts.sandbox) {
        await sandbox.close();
        if (!opts.home) rmSync(home, { recursive: true, force: true });
      }
    },
  };
  return session;
}
