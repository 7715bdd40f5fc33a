// tgsh's entry: flags, then one of the run modes. Ink/React, GramJS and grammY are imported only
// by the code paths that need them, so `tgsh -e help` starts almost as fast as node itself.

import { showControls } from '../output/controls.js';
import { readJsonObject } from '../core/json.js';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseCli, USAGE, type CliOptions } from './args.js';
import { checkWorld, resolveConfig } from './config.js';
import { type Config } from '../core/config.js';
import { profilePaths } from '../core/paths.js';
import { hasTelegramCredentials } from '../session/telegram.js';
import { ExitCode } from '../core/exit-codes.js';
import { execLines, runLines, type Sink } from './line-runner.js';
import { Executor } from '../commands/executor.js';
import { Services } from '../session/services.js';
import { commandRegistry } from '../commands/registry.js';
import type { RunMode } from '../commands/types.js';
import { version } from '../core/version.js';
import { scrubSecrets } from '../core/secret.js';
import { existsSync } from 'node:fs';
import { formatResult } from '../output/format.js';
import { privateSocketPath } from './daemon/paths.js';

const stdoutSink: Sink = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};

export async function main(argv: string[]): Promise<void> {
  // A reader that went away (`tgsh ... | head -1`) is not an error worth a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  // A file-size limit (ulimit -f) kills a process that writes past it, without a word. Ignored,
  // the write fails instead (EFBIG, SQLite's "database or disk is full") and is answered as a FAIL.
  process.on('SIGXFSZ', () => {});

  if (argv[0] === 'completion') {
    const { completionCommand } = await import('./completion.js');
    process.exitCode = completionCommand(argv.slice(1));
    return;
  }
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
  if (cli.positionals.length > 0) return usageError(`unexpected argument '${cli.positionals[0].slice(0, 64)}' (commands go in -e or on stdin)`);
  const resolved = resolveConfig(cli, process.env, process.stdout.isTTY === true);
  if (!resolved.ok) return usageError(resolved.error);
  // A --world file is checked whole before anything runs (its model is loaded only then).
  const worldProblem = await checkWorld(resolved.config);
  if (worldProblem) return usageError(worldProblem);
  let config = resolved.config;

  const mode: RunMode = cli.exec.length > 0 ? 'exec' : process.stdin.isTTY && process.stdout.isTTY && !cli.plain ? 'interactive' : 'pipe';
  if (config.daemon) {
    const daemonConfig = { ...config, daemon: config.daemon, color: config.daemon.detached ? false : config.color };
    const { runDaemon, runBesideShell } = await import('./daemon/run.js');
    const front = (services: Services): Promise<number> => runFront(daemonConfig, cli, mode, services, new AbortController().signal);
    const code = mode === 'interactive' && !config.daemon.detached ? await runBesideShell(daemonConfig) : await runDaemon(daemonConfig, { front: mode === 'interactive' ? undefined : front });
    process.exitCode = code;
    setTimeout(() => process.exit(code), 2000).unref();
    return;
  }
  if (mode !== 'interactive' && !config.noDaemon && existsSync(privateSocketPath(config.profileDir))) {
    // A daemon serves this profile: it answers the lines (no GramJS, no store load here).
    const { forwardToDaemon } = await import('./daemon/forward.js');
    const code = await forwardToDaemon(config, mode, mode === 'exec' ? execLines(cli.exec) : undefined);
    if (code !== undefined) {
      process.exitCode = code;
      setTimeout(() => process.exit(code), 2000).unref();
      return;
    }
  }
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
  const code = await runScript(config, cli, mode);
  process.exitCode = code;
  exitOnceWritten(code);
}

/**
 * Everything was closed and answered: the process ends as soon as stdout and stderr have taken
 * their last bytes. Waiting for the event loop to drain would add Node's wait for V8's background
 * work (the optimising compiles a 100-message history starts: ~15 ms) and, should a library still
 * hold a timer or a socket, a script must never hang after its last answer.
 */
function exitOnceWritten(code: number): void {
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
  setTimeout(() => process.exit(code), 2000).unref();
}

async function runScript(config: Config, cli: CliOptions, mode: RunMode): Promise<number> {
  const notice = (text: string): void => {
    if (!config.quiet) process.stderr.write(showControls(text.endsWith('\n') ? text : text + '\n'));
  };
  const services = new Services(config, notice);
  // A crash is reported on one line, with every secret scrubbed (library errors carry request
  // URLs with the bot token), never as Node's raw stack dump.
  const onCrash = (e: unknown): void => {
    const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.stderr.write(`tgsh: crashed (a bug in tgsh; please report it): ${scrubSecrets(text, services.secrets())}\n`);
    process.exit(ExitCode.INTERNAL);
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);
  try {
    return await runFront(config, cli, mode, services, abort.signal);
  } finally {
    await services.close();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  }
}

/** Pipe or -e lines, run in order on `services` and answered on stdout; resolves with the exit status. */
async function runFront(config: Config, cli: CliOptions, mode: RunMode, services: Services, signal: AbortSignal): Promise<number> {
  const notice = (text: string): void => {
    if (!config.quiet) process.stderr.write(showControls(text.endsWith('\n') ? text : text + '\n'));
  };
  const style = { json: config.json, color: config.color, tty: process.stdout.isTTY === true };
  const inputEnded = new AbortController();
  const executor = new Executor({
    config,
    services,
    registry: commandRegistry(),
    mode,
    notice,
    terminal: { isTTY: process.stdout.isTTY === true, columns: process.stdout.columns },
    progress: process.stderr.isTTY ? stderrProgress : undefined,
    emit: (r) => writeAnswer(formatResult(r, style)),
    inputEnded: inputEnded.signal,
  });

  let lines: AsyncIterable<string> | Iterable<string>;
  let rl: ReturnType<typeof createInterface> | undefined;
  if (mode === 'exec') lines = execLines(cli.exec);
  else {
    process.stdin.once('end', () => inputEnded.abort());
    rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
    // The iterator is made now, not when the first line is wanted: readline drops the lines that
    // arrive while nobody iterates (all of a short script, during -W's sync); its iterator keeps them.
    const it = rl[Symbol.asyncIterator]();
    lines = { [Symbol.asyncIterator]: () => it };
    // Ctrl-C must also end a read that is waiting for input.
    signal.addEventListener('abort', () => rl?.close(), { once: true });
  }
  // -W: telegram-cli loaded the dialogs before the -e commands; tgsh reads the bot's updates
  // (sync), whose answer comes first like any other line's. Scripts pass -WRDC by habit: with no
  // bot there is nothing to read, and that is a notice, not a failure.
  if (config.waitDialogs) {
    if (botConfigured(config, services.paths.credentials)) lines = prependLine('sync', lines);
    else notice("tgsh: -W: no bot token (--bot-token), so there are no updates to sync");
  }
  let outcome;
  try {
    outcome = await runLines(lines, executor, style, stdoutSink, signal);
  } finally {
    if (rl) {
      rl.close();
      process.stdin.destroy();
    }
    // -e never reads stdin (nothing asks in exec mode): touching process.stdin would build the stream (~2 ms).
  }
  if (signal.aborted) return ExitCode.INTERRUPTED;
  return outcome.exitCode;
}

function writeAnswer(a: { stdout: string; stderr: string }): void {
  if (a.stdout) stdoutSink.out(a.stdout);
  if (a.stderr) stdoutSink.err(a.stderr);
}

/** A bot token in flags, environment or the profile's credentials, or the sandbox (which has one). */
function botConfigured(config: Config, credentialsFile: string): boolean {
  if (config.sandbox || config.botToken) return true;
  return typeof readJsonObject(credentialsFile)?.bot_token === 'string';
}

async function* prependLine(first: string, rest: AsyncIterable<string> | Iterable<string>): AsyncGenerator<string> {
  yield first;
  yield* rest;
}

function usageError(message: string): void {
  process.stderr.write(`tgsh: ${message}\nTry 'tgsh --help' for the options.\n`);
  process.exitCode = ExitCode.USAGE;
}

/** Progress drawn in place on a terminal's stderr (broadcast's bar). */
const stderrProgress = {
  write: (t: string): void => void process.stderr.write(t),
  get columns(): number | undefined {
    return process.stderr.columns;
  },
};
