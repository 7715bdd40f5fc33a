// `tgsh -e` and piped tgsh when a daemon serves the profile: the lines go to the daemon's private
// socket and its answers come back formatted for this process's stdout (its --json, its terminal),
// with their stderr parts and exit statuses, so a script sees what it would without the daemon.
// No GramJS, no store, no poller start here. Resolves undefined when no daemon answers (a socket
// file left by a dead one): the caller then runs the lines itself.

import { connect, type Socket } from 'node:net';
import type { Config } from '../../core/config.js';
import { ExitCode } from '../../core/exit-codes.js';
import { worseExit } from '../exit-codes.js';
import { privateSocketPath } from './paths.js';
import type { Hello, PrivateMessage } from './protocol.js';

export async function forwardToDaemon(config: Config, mode: 'pipe' | 'exec', execLines?: readonly string[]): Promise<number | undefined> {
  const socket = await open(privateSocketPath(config.profileDir));
  if (!socket) return undefined;
  const hello: Hello = {
    tgsh: 1,
    json: config.json,
    color: config.color,
    tty: process.stdout.isTTY === true,
    columns: process.stdout.columns,
    quiet: config.quiet,
    mode,
  };
  socket.write(JSON.stringify(hello) + '\n');
  return new Promise<number | undefined>((resolve) => {
    let greeted = false;
    let code: number = ExitCode.OK;
    let held = '';
    let stopped: string | undefined;
    const onSigint = (): void => {
      socket.destroy();
      finish(ExitCode.INTERRUPTED);
    };
    const finish = (c: number | undefined): void => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
      resolve(c);
    };
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigint);
    const onMessage = (m: PrivateMessage): void => {
      if ('pid' in m) {
        greeted = true;
        send(socket, mode, config.waitDialogs, execLines);
      } else if ('o' in m) {
        if (m.o) process.stdout.write(m.o);
        if (m.e) process.stderr.write(m.e);
        code = worseExit(code, m.x);
      } else if ('n' in m) process.stderr.write(m.n.endsWith('\n') ? m.n : m.n + '\n');
      else if ('stop' in m) stopped = m.stop;
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      held += chunk;
      let nl: number;
      while ((nl = held.indexOf('\n')) >= 0) {
        const line = held.slice(0, nl);
        held = held.slice(nl + 1);
        try {
          onMessage(JSON.parse(line) as PrivateMessage);
        } catch {
          // not ours: ignored
        }
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      if (!greeted) return finish(undefined); // gone before it took anything: run here
      if (stopped) {
        process.stderr.write(`tgsh: ${stopped}: lines not answered were not run\n`);
        return finish(ExitCode.INTERNAL);
      }
      finish(code);
    });
  });
}

function open(path: string): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const s = connect({ path });
    s.once('connect', () => {
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', () => resolve(undefined));
  });
}

function send(socket: Socket, mode: 'pipe' | 'exec', sync: boolean, execLines?: readonly string[]): void {
  if (sync) socket.write('sync\n');
  if (mode === 'exec') {
    socket.end((execLines ?? []).map((l) => l + '\n').join(''));
    return;
  }
  process.stdin.pipe(socket); // ends (half-closes) the socket with stdin
}
