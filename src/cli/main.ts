// tgsh's entry: flags, then one of the run modes. Ink/React, GramJS and grammY are imported only
// by the code paths that need them, so `tgsh -e help` starts almost as fast as node itself.

import { createInterface } from 'node:readline';
import { parseCli, USAGE, type CliOptions } from './args.js';
import { resolveConfig, type Config } from './config.js';
import { join } from 'node:path';
import { profilePaths } from '../session/paths.js';
import { hasTelegramCredentials } from '../session/telegram.js';
import { ExitCode } from './exit-codes.js';
import { execLines, runLines, type Sink } from './line-runner.js';
import { Executor } from '../session/executor.js';
import { Services } from '../session/services.js';
import { commandRegistry } from '../commands/registry.js';
import type { RunMode } from '../commands/types.js';
import { version } from '../util/version.js';

const stdoutSink: Sink = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};

export async function main(argv: string[]): Promise<void> {
  // A reader that went away (`tgsh ... | head -1`) is not an error worth a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });

  if (argv[0] === 'sandbox') {
    const { sandboxCommand } = await import('./sandbox-command.js');
    process.exitCode = await sandboxCommand(argv.slice(1));
    return;
  }
  const parsed = parseCli(argv);
  if (!parsed.ok) return usageError(parsed.error);
  const cli = parsed.options;
  if (cli.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (cli.version) {
    process.stdout.write(`tgsh ${version()}\n`);
    return;
  }
  if (cli.positionals.length > 0) {
    const hint = cli.positionals[0] === 'sandbox' ? " ('tgsh sandbox serve' takes the sandbox first)" : ' (commands go in -e or on stdin)';
    return usageError(`unexpected argument '${cli.positionals[0]!.slice(0, 64)}'${hint}`);
  }
  const resolved = resolveConfig(cli, process.env, process.stdout.isTTY === true);
  if (!resolved.ok) return usageError(resolved.error);
  let config = resolved.config;

  const mode: RunMode = cli.exec.length > 0 ? 'exec' : process.stdin.isTTY && process.stdout.isTTY && !cli.plain ? 'interactive' : 'pipe';
  if (mode === 'interactive') {
    // A newcomer with nothing configured lands on the offline sandbox (in its own profile).
    if (!config.sandbox && !hasTelegramCredentials(config, profilePaths(config.profileDir))) {
      const profile = cli.profile ?? process.env.TGSH_PROFILE ?? 'sandbox';
      config = { ...config, sandbox: true, profile, profileDir: join(config.configDir, 'profiles', profile) };
    }
    config = { ...config, sandboxBanner: false };
    const { runInteractive } = await import('../repl/run.js');
    process.exitCode = await runInteractive(config);
    return;
  }
  process.exitCode = await runScript(config, cli, mode);
}

async function runScript(config: Config, cli: CliOptions, mode: RunMode): Promise<number> {
  const services = new Services(config);
  const notice = (text: string): void => {
    if (!config.quiet) process.stderr.write(text.endsWith('\n') ? text : text + '\n');
  };
  const executor = new Executor({ config, services, registry: commandRegistry(), mode, notice });
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);

  let lines: AsyncIterable<string> | Iterable<string>;
  let rl: ReturnType<typeof createInterface> | undefined;
  if (mode === 'exec') lines = execLines(cli.exec);
  else {
    rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
    lines = rl;
    // Ctrl-C must also end a read that is waiting for input.
    abort.signal.addEventListener('abort', () => rl?.close(), { once: true });
  }
  const style = { json: config.json, color: config.color, tty: process.stdout.isTTY === true };
  let outcome;
  try {
    outcome = await runLines(lines, executor, style, stdoutSink, abort.signal);
  } finally {
    rl?.close();
    process.stdin.destroy();
    await services.close();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
  if (abort.signal.aborted) return ExitCode.INTERRUPTED;
  return outcome.exitCode;
}

function usageError(message: string): void {
  process.stderr.write(`tgsh: ${message}\nTry 'tgsh --help' for the options.\n`);
  process.exitCode = ExitCode.USAGE;
}
