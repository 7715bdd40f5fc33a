// Where the daemon listens: TCP on 127.0.0.1 (every interface with --accept-any-tcp), unix sockets
// made 0600 (-S, and the profile's private one). A socket file left by a dead tgsh is replaced; a
// live one is a usage error naming the process that serves it.

import { connect, createServer, type Server, type Socket } from 'node:net';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';

/** A start-up problem worth a usage error (exit 2), not a crash. */
export class ListenError extends Error {}

export type OnSocket = (socket: Socket) => void;

function listen(server: Server, options: { port?: number; host?: string; path?: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    server.listen(options, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function serverFor(onSocket: OnSocket): Server {
  // allowHalfOpen: a client that shuts its writing side (`nc -N`) still gets every answer.
  const server = createServer({ allowHalfOpen: true, noDelay: true }, onSocket);
  server.on('error', () => {}); // after listening, an accept error must not bring the daemon down
  return server;
}

/** -P: 127.0.0.1:port, or every interface (IPv6 and IPv4 where the system has both). */
export async function listenTcp(port: number, anyInterface: boolean, onSocket: OnSocket): Promise<Server> {
  const server = serverFor(onSocket);
  try {
    if (!anyInterface) await listen(server, { port, host: '127.0.0.1' });
    else {
      try {
        await listen(server, { port, host: '::' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAFNOSUPPORT' && (e as NodeJS.ErrnoException).code !== 'EADDRNOTAVAIL') throw e;
        await listen(server, { port, host: '0.0.0.0' });
      }
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new ListenError(`-P ${port}: the port is in use by another program`);
    if (code === 'EACCES') throw new ListenError(`-P ${port}: not allowed to listen on that port`);
    throw e;
  }
  return server;
}

/** A unix socket at `path`, mode 0600. `what` names it in errors (`-S /run/x.sock`, `profile 'default'`). */
export async function listenUnix(path: string, what: string, onSocket: OnSocket): Promise<Server> {
  await clearStale(path, what);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const server = serverFor(onSocket);
  // The umask makes the socket 0600 from its first moment (a chmod after would leave a window).
  const old = process.umask(0o177);
  try {
    await listen(server, { path });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'ENOENT' || code === 'EROFS') throw new ListenError(`${what}: can not make a socket there (${code})`);
    if (code === 'EADDRINUSE') throw new ListenError(`${what} is already served by another process`);
    throw e;
  } finally {
    process.umask(old);
  }
  chmodSync(path, 0o600);
  return server;
}

async function clearStale(path: string, what: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return; // nothing there
  }
  if (!isSocket) throw new ListenError(`${what}: ${path} exists and is not a socket`);
  if (await answers(path)) {
    const pid = pidOfSocket(path);
    throw new ListenError(`${what} is already served by ${pid ? `pid ${pid}` : 'another process'}`);
  }
  try {
    unlinkSync(path);
  } catch {
    // gone meanwhile
  }
}

/** True when something accepts connections on the unix socket at `path`. */
export function answers(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ path });
    const timer = setTimeout(() => done(true), timeoutMs); // accepting slowly is still alive
    const done = (alive: boolean): void => {
      clearTimeout(timer);
      s.destroy();
      resolve(alive);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * The process holding the unix socket at `path` (Linux: /proc/net/unix names its inode, and a
 * process's fd links name the inodes it holds); undefined where that can not be found out.
 */
export function pidOfSocket(path: string): number | undefined {
  try {
    const inodes = new Set<string>();
    for (const line of readFileSync('/proc/net/unix', 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length >= 8 && cols[7] === path) inodes.add(cols[6]);
    }
    if (inodes.size === 0) return undefined;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue; // another user's process
      }
      for (const fd of fds) {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
          if (m && inodes.has(m[1])) return Number(pid);
        } catch {
          // closed meanwhile
        }
      }
    }
  } catch {
    // not Linux
  }
  return undefined;
}
