// The interactive shell's entry (reached from cli/main.ts through a dynamic import, so ink and
// react load only here). Builds the services and the controller, renders the Ink app, and makes
// sure the terminal is given back on every way out: exit, quit, Ctrl-D, Ctrl-C twice, SIGTERM,
// SIGHUP, an uncaught exception or unhandled rejection (printed after the terminal is restored,
// exit status 70), or a render error inside Ink.
//
// Start-up: loading ink and react is most of the time to the first prompt. So the banner and a
// plain `> ` are written first and the terminal goes to raw mode at once (keys typed meanwhile
// wait in the terminal's buffer, none lost, Ctrl-C included); once Ink is loaded that provisional
// prompt line is erased and Ink draws the live one in its place.

import type { Config } from '../core/config.js';
import { Services } from '../session/services.js';
import { commandRegistry } from '../commands/registry.js';
import { paintFor } from '../output/colors.js';
import { scrubSecrets } from '../core/secret.js';
import { PROMPT, ShellController, bannerText } from './controller.js';

/** Exit status for a crash (EX_SOFTWARE). */
export const CRASH_STATUS = 70;
const CLOSE_TIMEOUT_MS = 5000;

/**
 * Something served beside the shell on its Services (the socket daemon, `tgsh -P` on a terminal):
 * started before the terminal is taken (a failure is the caller's to report), stopped before the
 * Services close. `notice` writes to the shell's transcript.
 */
export type Beside = (services: Services, notice: (text: string) => void) => Promise<() => Promise<void>>;

export async function runInteractive(config: Config, beside?: Beside): Promise<number> {
  const { stdin, stdout, stderr } = process;
  let controller: ShellController | undefined;
  const services = new Services(config, (t) => controller?.notice(t));
  const stopBeside = beside ? await beside(services, (t) => controller?.notice(t)) : undefined;
  let crashed: unknown;
  let settle!: (code: number) => void;
  const ended = new Promise<number>((resolve) => (settle = resolve));

  const crash = (err: unknown): void => {
    if (crashed === undefined) crashed = err ?? new Error('unknown error');
    settle(CRASH_STATUS);
  };
  const onSignal = (code: number) => (): void => {
    controller?.terminate(code);
    settle(code);
  };
  const onSigint = (): void => {
    if (controller) controller.interrupt();
    else settle(130); // still loading: nothing to clear, so exit
  };
  // Ctrl-Z (raw mode reads it as a key): the terminal goes back to the outer shell as it was,
  // then the process stops as on a cooked terminal's Ctrl-Z. SIGCONT (fg) takes the terminal again.
  const suspend = (): void => {
    restoreTerminal();
    try {
      process.kill(process.pid, 'SIGTSTP');
    } catch {
      onSigcont(); // no job control here (Windows): carry on
    }
  };
  const onSigcont = (): void => {
    if (!controller || controller.isDone) return;
    setRawMode(true);
    stdout.write('\x1b[?25l'); // the prompt draws its own cursor
    controller.resumed();
  };
  const onSigterm = onSignal(143);
  const onSighup = onSignal(129);
  // The terminal went away (EIO/EPIPE): nothing can be shown any more; close and exit.
  const onStreamError = (): void => onSighup();
  // Every handler this run installs, removed again on the way out.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const handlers: Array<[NodeJS.EventEmitter, string, (...args: any[]) => void]> = [
    [process, 'uncaughtException', crash],
    [process, 'unhandledRejection', crash],
    [process, 'SIGINT', onSigint],
    [process, 'SIGTERM', onSigterm],
    [process, 'SIGHUP', onSighup],
    [process, 'SIGCONT', onSigcont],
    [stdin, 'error', onStreamError],
    [stdout, 'error', onStreamError],
  ];
  for (const [emitter, event, fn] of handlers) emitter.on(event, fn);

  // The provisional prompt (see the top of this file).
  // `\r` + erase-line first: keys typed before raw mode were echoed by the terminal on this line.
  setRawMode(true);
  const banner = bannerText(config.sandbox).replace(/\n/g, '\r\n');
  stdout.write('\r\x1b[K' + (config.quiet ? '' : paintFor(config.color).dim(banner) + '\r\n') + PROMPT);

  let app: { unmount(): void; waitUntilExit(): Promise<unknown> } | undefined;
  let code: number;
  try {
    const loaded = await Promise.race([loadInk(), ended]);
    if (typeof loaded === 'number') throw new Settled();
    const { render, createElement, ShellApp } = loaded;
    controller = new ShellController({ config, services, registry: commandRegistry(), banner: false, suspend });
    void controller.exited.then(settle);
    stdout.write('\r\x1b[2K'); // erase the provisional prompt; Ink draws on this line
    app = render(createElement(ShellApp, { controller, color: config.color }), { stdin, stdout, stderr, exitOnCtrlC: false, patchConsole: true });
    warmUpStore(services, controller);
    startLive(services, controller);
    // Ink unmounting on its own means a render error (or something unmounted it): exit too.
    app.waitUntilExit().then(
      () => settle(0),
      (err: unknown) => crash(err),
    );
    code = await ended;
  } catch (err) {
    if (!(err instanceof Settled)) crash(err);
    code = await ended;
  }

  // ---- the way out, whatever the reason
  if (controller && !controller.isDone) controller.terminate(code);
  try {
    app?.unmount();
    await withTimeout(app?.waitUntilExit(), 1000);
  } catch {
    // a crashed Ink may not unmount cleanly; the terminal is restored below regardless
  }
  if (!app) stdout.write('\r\n'); // leave the provisional prompt's line
  restoreTerminal();
  if (crashed !== undefined) {
    const text = crashed instanceof Error ? (crashed.stack ?? crashed.message) : typeof crashed === 'string' ? crashed : JSON.stringify(crashed);
    stderr.write(`tgsh: crashed (a bug in tgsh; please report it): ${scrubSecrets(text, services.secrets())}\n`);
  }
  try {
    await withTimeout(stopBeside?.(), CLOSE_TIMEOUT_MS);
    await withTimeout(services.close(), CLOSE_TIMEOUT_MS);
  } catch {
    // Closing reports its own failures.
  }
  for (const [emitter, event, fn] of handlers) emitter.off(event, fn);
  stdin.pause();
  stdin.unref();
  // Whatever a library left running must not keep a shell that was told to exit alive.
  setTimeout(() => process.exit(code), 2000).unref();
  return code;
}

/**
 * Opens the peer store in the background once the prompt is live, so that Tab can complete peers
 * (Services.peerCompletions answers from an open store only), and starts the sandbox when the
 * shell runs on it. A store failure is left to the first command that needs the store.
 */
function warmUpStore(services: Services, controller: ShellController): void {
  setTimeout(() => {
    if (controller.isDone) return;
    const notice = (text: string): void => controller.notice(text);
    services
      .store(notice)
      .then((store) => store.startAutoFlush()) // long-running: changes reach the disk at least once a second
      .catch(() => {});
    // The sandbox's servers start now rather than at the first command that needs them.
    if (services.config.sandbox) services.telegram(notice).catch((e: unknown) => notice(`tgsh: the sandbox did not start: ${e instanceof Error ? e.message : String(e)}`));
  }, 0).unref();
}

/**
 * Live messages: a background long poll prints incoming messages above the prompt (when a bot is
 * configured; grammY loads only then). services.close() stops it.
 */
function startLive(services: Services, controller: ShellController): void {
  setTimeout(() => {
    if (controller.isDone) return;
    import('./live.js')
      .then((m) => m.startLiveMessages(services, controller))
      .catch((e: unknown) => {
        controller.notice(`tgsh: live messages are off: ${scrubSecrets(e instanceof Error ? e.message : String(e), services.secrets())}`);
      });
  }, 0).unref();
}

/** The shell ended (a signal) before Ink had loaded. */
class Settled extends Error {}

function setRawMode(on: boolean): void {
  try {
    if (process.stdin.isTTY) process.stdin.setRawMode(on);
  } catch {
    // stdin is gone (terminal closed)
  }
}

/** Puts the terminal back the way a shell expects it: cooked mode, cursor visible. */
export function restoreTerminal(): void {
  setRawMode(false);
  try {
    if (process.stdout.isTTY) process.stdout.write('\x1b[?25h');
  } catch {
    // stdout is gone
  }
}

/**
 * Loads ink, react and the app, with two environment variables adjusted for the import only:
 * NODE_ENV (react otherwise loads its development build: slower, and meant for development) and
 * CI (ink, loaded under CI=true, renders no live prompt; this is a person at a terminal).
 */
async function loadInk(): Promise<typeof import('./ui.js')> {
  const env = process.env;
  const saved = { NODE_ENV: env.NODE_ENV, CI: env.CI, CONTINUOUS_INTEGRATION: env.CONTINUOUS_INTEGRATION };
  env.NODE_ENV ??= 'production';
  delete env.CI;
  delete env.CONTINUOUS_INTEGRATION;
  try {
    return await import('./ui.js');
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
  }
}

function withTimeout<T>(p: Promise<T> | undefined, ms: number): Promise<T | undefined> {
  if (!p) return Promise.resolve(undefined);
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
