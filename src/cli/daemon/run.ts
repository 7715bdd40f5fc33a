// `tgsh -P PORT`, `-S PATH`, `-d`: the daemon as a run mode. Serves until SIGTERM or SIGINT, then
// stops accepting, lets running lines finish (or cancels them after a few seconds), flushes the
// store and exits 0. Without -d the terminal side goes on as before, beside the sockets: piped or
// -e lines are run and answered on stdout, and the daemon keeps serving after they end.

import type { Config, DaemonConfig } from '../../core/config.js';
import { ExitCode } from '../../core/exit-codes.js';
import { scrubSecrets } from '../../core/secret.js';
import { Services } from '../../session/services.js';
import { ListenError } from './listeners.js';
import { openLog } from './log.js';
import { startDaemon } from './server.js';

/** Seconds a running line gets to finish when the daemon is told to stop. */
export const STOP_GRACE_MS = 3000;

export interface DaemonRunOptions {
  /** The terminal side (pipe or -e lines), run beside the sockets when there is one (no -d). */
  front?: (services: Services) => Promise<unknown>;
}

/** Runs the daemon to its end; resolves with the exit status (2 for a start-up problem such as a live socket). */
export async function runDaemon(config: Config & { daemon: DaemonConfig }, o: DaemonRunOptions = {}): Promise<number> {
  const dc = config.daemon;
  const holder: { services?: Services } = {};
  let log;
  try {
    log = openLog({ file: dc.logFile, detached: dc.detached, secrets: () => holder.services?.secrets() ?? [] });
  } catch (e) {
    process.stderr.write(`tgsh: -L ${dc.logFile}: can not open it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})\nTry 'tgsh --help' for the options.\n`);
    return ExitCode.USAGE;
  }
  const services = new Services(config, log);
  holder.services = services;
  const svc = services;
  const onCrash = (e: unknown): void => {
    const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
    const line = `tgsh: crashed (a bug in tgsh; please report it): ${scrubSecrets(text, svc.secrets())}`;
    log(line);
    if (dc.logFile !== undefined || dc.detached) process.stderr.write(line + '\n');
    process.exit(ExitCode.INTERNAL);
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);

  let daemon;
  try {
    daemon = await startDaemon({ config, services, log });
  } catch (e) {
    await services.close();
    log.close();
    if (!(e instanceof ListenError)) throw e;
    process.stderr.write(`tgsh: ${e.message}\nTry 'tgsh --help' for the options.\n`);
    return ExitCode.USAGE;
  }
  if (dc.anyInterface) {
    process.stderr.write(`tgsh: warning: -P ${daemon.tcpPort} on every interface (--accept-any-tcp): anyone who can reach this port controls the account\n`);
  }
  log(`tgsh: serving profile '${config.profile}'${daemon.addresses.length ? ` on ${daemon.addresses.join(' and ')}` : ''} (pid ${process.pid})`);

  // `on`, not `once`, and never removed: signal-exit (in the store's lock library) raises the
  // signal again once it thinks nobody else listens, which would kill the daemon mid-stop. The
  // stop is bounded (STOP_GRACE_MS and a little), so signals after the first are ignored.
  const stopped = new Promise<string>((resolve) => {
    const on = (sig: NodeJS.Signals) => (): void => resolve(sig);
    process.on('SIGTERM', on('SIGTERM'));
    process.on('SIGINT', on('SIGINT'));
  });
  if (o.front && !dc.detached) void o.front(svc).catch((e: unknown) => log(`tgsh: ${e instanceof Error ? e.message : String(e)}`));
  const why = await stopped;
  log(`tgsh: ${why}: stopping (running commands get ${STOP_GRACE_MS / 1000} s)`);
  await daemon.stop(STOP_GRACE_MS, `the daemon is stopping (${why})`);
  await services.close();
  log('tgsh: stopped');
  log.close();
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  return ExitCode.OK;
}

/**
 * `tgsh -P PORT` (or -S) on a terminal: the interactive shell as today, with the sockets served
 * beside it on the shell's Services; status lines go to -L, else to the shell's transcript.
 * Quitting the shell stops the daemon (running socket lines get STOP_GRACE_MS).
 */
export async function runBesideShell(config: Config & { daemon: DaemonConfig }): Promise<number> {
  const dc = config.daemon;
  const { runInteractive } = await import('../../repl/run.js');
  try {
    return await runInteractive(config, async (services, notice) => {
      const file = dc.logFile !== undefined ? openLog({ file: dc.logFile, detached: true, secrets: () => services.secrets() }) : undefined;
      const log = (t: string): void => (file ? file(t) : notice(scrubSecrets(t, services.secrets())));
      let daemon;
      try {
        daemon = await startDaemon({ config, services, log });
      } catch (e) {
        file?.close();
        throw e;
      }
      if (dc.anyInterface) process.stderr.write(`tgsh: warning: -P ${daemon.tcpPort} on every interface (--accept-any-tcp): anyone who can reach this port controls the account\n`);
      log(`tgsh: serving profile '${config.profile}'${daemon.addresses.length ? ` on ${daemon.addresses.join(' and ')}` : ''} (pid ${process.pid})`);
      return async () => {
        await daemon.stop(STOP_GRACE_MS, 'the shell is closing');
        file?.close();
      };
    });
  } catch (e) {
    if (!(e instanceof ListenError)) throw e;
    process.stderr.write(`tgsh: ${e.message}\nTry 'tgsh --help' for the options.\n`);
    return ExitCode.USAGE;
  }
}
