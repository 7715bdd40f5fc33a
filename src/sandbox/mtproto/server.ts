// The offline Telegram data centre: an MTProto 2.0 server over TCP, backed by the sandbox world.

import { createServer, type Server, type Socket } from 'node:net';
import type { World } from '../world/world.js';
import { AuthKeyStore } from './authkeys.js';
import { ServerConnection, type ConnectionDeps } from './connection.js';
import { loadServerRsaKey } from './crypto.js';
import { FaultsImpl, type MtprotoFaults } from './faults.js';
import { SrpVerifiers } from './srp.js';
import { StatsImpl, type MtprotoStats } from './stats.js';
import { startPushing } from './push.js';
import { updatesForLayer } from './layers/index.js';

export interface MtprotoServerOptions {
  world: World;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** The server's RSA-2048 private key (PEM, PKCS#1 or PKCS#8); generated when absent. */
  rsaPrivateKeyPem?: string;
  /** The data centre id help.getConfig reports (this_dc). Default 2. */
  dcId?: number;
  /**
   * Bits of each prime factor of the key exchange's pq (16 to 31). Default 24: GramJS factorises
   * that in ~12 ms; Telegram-sized 31-bit factors cost it ~200 ms. GramJS's Pollard rho sometimes
   * returns p = 1 (about 1 in 250 at 16 bits, 1 in 1000 at 20, none in 600 at 24): the server then
   * refuses p, q and closes the connection, and GramJS retries on a new one.
   */
  pqPrimeBits?: number;
  /** true: protocol events to stderr; a function: to it. Nothing is ever written to stdout. */
  debug?: boolean | ((line: string) => void);
}

export interface MtprotoServer {
  readonly host: string;
  readonly port: number;
  readonly dcId: number;
  readonly world: World;
  /** The server's RSA public key, PKCS#1 PEM (`-----BEGIN RSA PUBLIC KEY-----`). */
  readonly rsaPublicKeyPem: string;
  /** Its fingerprint: low 64 bits of SHA-1 over the TL-serialised (n, e), signed. */
  readonly fingerprint: bigint;
  readonly faults: MtprotoFaults;
  readonly stats: MtprotoStats;
  /** True when the server holds exactly this auth key (same bytes, same length). */
  knowsAuthKey(key: Buffer): boolean;
  /** Forgets every auth key, as a data centre that lost its sessions: clients get -404. */
  forgetAuthKeys(): void;
  /** True when an auth key of this data centre is logged in as that user (not a bot). */
  isLoggedIn(userId: number): boolean;
  /** Closes the listener and every connection, cancels pending timers. */
  close(): Promise<void>;
}

class MtprotoServerImpl implements MtprotoServer {
  readonly faults: FaultsImpl;
  readonly stats = new StatsImpl();
  readonly rsaPublicKeyPem: string;
  readonly fingerprint: bigint;
  host = '';
  port = 0;
  private readonly authKeys = new AuthKeyStore();
  private readonly connections = new Set<ServerConnection>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly deps: ConnectionDeps;
  private closing?: Promise<void>;
  private readonly stopPushing: () => void;
  private readonly scheduler: NodeJS.Timeout;

  constructor(
    private readonly server: Server,
    readonly world: World,
    readonly dcId: number,
    options: MtprotoServerOptions,
  ) {
    const rsa = loadServerRsaKey(options.rsaPrivateKeyPem);
    this.rsaPublicKeyPem = rsa.publicKeyPem;
    this.fingerprint = rsa.fingerprint;
    this.faults = new FaultsImpl(() => this.dropAll(), (userId) => this.dropUser(userId));
    const debug = options.debug;
    const log = typeof debug === 'function' ? debug : debug ? (line: string) => process.stderr.write(`[mtproto] ${line}\n`) : () => {};
    // The port is known once listening; deps read it when a method asks.
    const endpointNow = (): { host: string; port: number; dcId: number } => ({ host: this.host, port: this.port, dcId: this.dcId });
    this.deps = {
      world,
      get endpoint() {
        return endpointNow();
      },
      verifiers: new SrpVerifiers(),
      stats: this.stats,
      faults: this.faults,
      authKeys: this.authKeys,
      rsa,
      pqPrimeBits: Math.max(16, Math.min(31, options.pqPrimeBits ?? 24)),
      later: (ms, fn) => {
        const t = setTimeout(() => {
          this.timers.delete(t);
          fn();
        }, ms);
        this.timers.add(t);
      },
      log,
      onKeyCreated: () => {
        this.stats.keyExchanges++;
      },
      onTransport: (name) => this.stats.countTransport(name),
      onClosed: (conn) => {
        this.connections.delete(conn);
        this.stats.openConnections = this.connections.size;
      },
    };
    this.stopPushing = startPushing({ world, authKeys: this.authKeys, dcId, encode: updatesForLayer, log });
    // Scheduled messages go out when their time comes, pushed like any other message.
    this.scheduler = setInterval(() => world.accounts.releaseDue(), 1000);
    this.scheduler.unref();
  }

  accept(socket: Socket): void {
    if (this.closing || this.faults.refusing) {
      socket.destroy();
      return;
    }
    const conn = new ServerConnection(this.deps, socket);
    this.connections.add(conn);
    this.stats.connectionsAccepted++;
    this.stats.openConnections = this.connections.size;
  }

  knowsAuthKey(key: Buffer): boolean {
    return this.authKeys.knows(key);
  }

  forgetAuthKeys(): void {
    this.authKeys.clear();
  }

  isLoggedIn(userId: number): boolean {
    for (const key of this.authKeys.values()) if (key.login?.userId === userId && !key.login.bot) return true;
    return false;
  }

  private dropAll(): void {
    for (const c of [...this.connections]) c.close();
  }

  /** Closes the connections that sessions logged in as the user last spoke on. */
  private dropUser(userId: number): number {
    const mine = new Set<unknown>();
    for (const key of this.authKeys.values()) {
      if (key.login?.userId !== userId) continue;
      for (const s of key.sessions.values()) if (s.outlet) mine.add(s.outlet);
    }
    let n = 0;
    for (const c of [...this.connections]) {
      if (mine.has(c) && !c.closed) {
        c.close();
        n++;
      }
    }
    return n;
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
      clearInterval(this.scheduler);
      this.stopPushing();
      this.server.close(() => resolve());
      this.dropAll();
    });
    return this.closing;
  }
}

export async function startMtprotoServer(options: MtprotoServerOptions): Promise<MtprotoServer> {
  const server = createServer();
  const impl = new MtprotoServerImpl(server, options.world, options.dcId ?? 2, options);
  server.on('connection', (socket) => impl.accept(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the MTProto server has no TCP address');
  impl.host = options.host ?? '127.0.0.1';
  impl.port = address.port;
  return impl;
}
