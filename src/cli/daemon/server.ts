// The daemon: its listeners (the profile's private socket always; -S and -P when given), the
// connections they accept, and the live poll that feeds main_session subscribers. One Services for
// the whole process: one store in memory, one MTProto link, one bot sender and limiter, one
// getUpdates loop. Stopping: no new connection, every connection finishes or cancels its running
// line (Connection.stop), then the caller closes the Services (which flushes the store).

import type { Server, Socket } from 'node:net';
import { MAX_SOCKET_PATH } from '../config.js';
import type { Config, DaemonConfig } from '../../core/config.js';
import type { Services } from '../../session/services.js';
import { startLiveEvents } from '../../session/live.js';
import { Connection } from './connection.js';
import { listenTcp, listenUnix } from './listeners.js';
import { privateSocketPath } from './paths.js';

export interface RunningDaemon {
  /** What it listens on, for the status line (`127.0.0.1:4458`, `/run/tgsh.sock`). */
  readonly addresses: string[];
  /** The TCP port actually bound (for -P 0). */
  readonly tcpPort?: number;
  readonly connections: number;
  /** Stops accepting, lets each running line finish within graceMs (then cancels it), closes every connection. */
  stop(graceMs: number, reason: string): Promise<void>;
}

export interface DaemonDeps {
  config: Config & { daemon: DaemonConfig };
  services: Services;
  readonly log: (text: string) => void;
}

export async function startDaemon(d: DaemonDeps): Promise<RunningDaemon> {
  const { config, services, log } = d;
  const dc = config.daemon;
  const connections = new Set<Connection>();
  const servers: Server[] = [];
  const addresses: string[] = [];
  let tcpPort: number | undefined;
  let stopping = false;

  const accept =
    (protocol: 'framed' | 'private') =>
    (socket: Socket): void => {
      if (stopping) {
        socket.destroy();
        return;
      }
      const c = new Connection(socket, { services, config, log, protocol, onClosed: (x) => connections.delete(x) });
      connections.add(c);
    };

  try {
    const priv = privateSocketPath(config.profileDir);
    if (Buffer.byteLength(priv) <= MAX_SOCKET_PATH) {
      servers.push(await listenUnix(priv, `profile '${config.profile}'`, accept('private')));
    } else log(`tgsh: the profile folder's path is too long for a unix socket: tgsh -e and pipes will not hand their lines to this daemon`);
    if (dc.unixSocket !== undefined) {
      servers.push(await listenUnix(dc.unixSocket, `-S ${dc.unixSocket}`, accept('framed')));
      addresses.push(dc.unixSocket);
    }
    if (dc.tcpPort !== undefined) {
      const s = await listenTcp(dc.tcpPort, dc.anyInterface, accept('framed'));
      servers.push(s);
      const a = s.address();
      tcpPort = typeof a === 'object' && a ? a.port : dc.tcpPort;
      addresses.push(dc.anyInterface ? `*:${tcpPort}` : `127.0.0.1:${tcpPort}`);
    }
  } catch (e) {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    throw e;
  }

  // Incoming messages and consent changes for main_session subscribers; the store and the consent
  // ledger are fed whether anyone subscribed or not. Without a bot this resolves quietly.
  startLiveEvents(services, log).catch((e: unknown) => log(`tgsh: live events are off: ${e instanceof Error ? e.message : String(e)}`));

  return {
    addresses,
    tcpPort,
    get connections() {
      return connections.size;
    },
    async stop(graceMs, reason) {
      stopping = true;
      const closed = servers.map((s) => new Promise((r) => s.close(r)));
      await Promise.all([...connections].map((c) => c.stop(graceMs, reason)));
      await Promise.all(closed);
    },
  };
}
