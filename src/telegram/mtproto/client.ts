// tgsh's GramJS client factory. It handles GramJS's traps: connect() dials port 80 whatever the
// session says (a connection class forces host:port); StringSession.save() throws for ports
// above 32767 (the session stores 443, the connection class supplies the real port); the
// server's RSA key must be registered by fingerprint; the client logs to stdout (logger: none, or
// stderr); invoke() has no timeout; connectionRetries defaults to Infinity; FLOOD_WAIT is slept
// silently below floodSleepThreshold (tgsh: 0); a session the server forgot (-404) hangs connect();
// destroy() during connect() does not stop the retry loop; Nagle stays on (40 ms stalls); the
// StringSession grows by one entity row per result.
//
// Load this module with a dynamic import(): it pulls GramJS in (about 180 ms).

import { TelegramClient, type Api } from 'telegram';
import { FloodError, RPCError } from 'telegram/errors/index.js';
import { Logger, LogLevel } from 'telegram/extensions/Logger.js';
import { StringSession } from 'telegram/sessions/index.js';
import { connectionClass, type MtprotoTransport } from './connection.js';
import { MtprotoAuthKeyUnknownError, MtprotoConnectError, MtprotoError, MtprotoRpcError, MtprotoTimeoutError } from './errors.js';
import { trustServerKey } from './rsa.js';
import { TgshStringSession } from './session.js';

export type MtprotoClient = TelegramClient;

export interface MtprotoEndpoint {
  host: string;
  port: number;
  /** The server's RSA public key (PEM, PKCS#1 or SPKI); registered with GramJS by fingerprint. */
  rsaPublicKeyPem?: string;
  /** Data centre id for a new session (default 2, the sandbox's). */
  dcId?: number;
}

export type MtprotoLogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug';

export interface CreateMtprotoClientOptions {
  /** Where to connect; absent: Telegram itself (the session's data centre, or GramJS's default). */
  endpoint?: MtprotoEndpoint;
  /** A string from saveSession(); absent or '': a new auth key is created on connect. */
  session?: string;
  apiId: number;
  apiHash: string;
  /** Bound on connect() and default bound on invokeWithTimeout() (ms). Default 10000. */
  timeoutMs?: number;
  /** Connection attempts (initial and on reconnect). Default 2. */
  connectionRetries?: number;
  /** Pause between connection attempts (ms). Default 500. */
  retryDelayMs?: number;
  /** Default 'full' (GramJS's own default in Node). */
  transport?: MtprotoTransport;
  /** FLOOD_WAIT of at most this many seconds is slept silently by GramJS. Default 0: never. */
  floodSleepThreshold?: number;
  /** GramJS's log, written to stderr. Default 'none'. */
  logLevel?: MtprotoLogLevel;
  /** Where GramJS's log lines go when logLevel is not 'none' (a debug aid). */
  log?: (line: string) => void;
  /** false: create without connecting (call connectClient). Default true. */
  connect?: boolean;
  deviceModel?: string;
  appVersion?: string;
}

/** The port written into saved sessions: StringSession holds a signed 16-bit port. */
const SESSION_PORT = 443;
const DEFAULT_TIMEOUT_MS = 10_000;

interface ClientState {
  timeoutMs: number;
  destroyed: boolean;
  authKeyUnknown: boolean;
  waiters: Set<(e: Error) => void>;
}

const states = new WeakMap<TelegramClient, ClientState>();

/** GramJS's log lines, sent where the caller says (never stdout: it carries the answers). */
class SinkLogger extends Logger {
  constructor(
    level: LogLevel,
    private readonly sink: (line: string) => void,
  ) {
    super(level);
  }

  override log(level: LogLevel, message: string): void {
    this.sink(`[gramjs] ${level}: ${message}`);
  }
}

function makeLogger(level: MtprotoLogLevel, sink: (line: string) => void = () => {}): Logger {
  if (level === 'none') return new Logger(LogLevel.NONE);
  const map: Record<Exclude<MtprotoLogLevel, 'none'>, LogLevel> = {
    error: LogLevel.ERROR,
    warn: LogLevel.WARN,
    info: LogLevel.INFO,
    debug: LogLevel.DEBUG,
  };
  return new SinkLogger(map[level], sink);
}

export async function createMtprotoClient(options: CreateMtprotoClientOptions): Promise<MtprotoClient> {
  const endpoint = options.endpoint;
  if (endpoint?.rsaPublicKeyPem) trustServerKey(endpoint.rsaPublicKeyPem);
  const session = new TgshStringSession(options.session ?? '');
  if (endpoint) session.setDC(session.dcId || endpoint.dcId || 2, endpoint.host, SESSION_PORT);
  const state: ClientState = { timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, destroyed: false, authKeyUnknown: false, waiters: new Set() };
  const hooks = {
    onAuthKeyUnknown() {
      state.authKeyUnknown = true;
      const err = new MtprotoAuthKeyUnknownError();
      for (const w of [...state.waiters]) w(err);
    },
    isDestroyed: () => state.destroyed,
  };
  const retries = Math.max(1, options.connectionRetries ?? 2);
  const client = new TelegramClient(session, options.apiId, options.apiHash, {
    connection: connectionClass(options.transport ?? 'full', endpoint, hooks),
    baseLogger: makeLogger(options.logLevel ?? 'none', options.log),
    connectionRetries: retries,
    reconnectRetries: retries,
    retryDelay: options.retryDelayMs ?? 500,
    floodSleepThreshold: options.floodSleepThreshold ?? 0,
    autoReconnect: true,
    useWSS: false,
    deviceModel: options.deviceModel ?? 'tgsh',
    systemVersion: process.platform,
    appVersion: options.appVersion ?? '0.1.0',
    langCode: 'en',
    systemLangCode: 'en',
  });
  states.set(client, state);
  if (options.connect !== false) await connectClient(client);
  return client;
}

/** Races p against the client's timeout and a -404 from the server. */
async function bounded<T>(client: TelegramClient, p: Promise<T>, operation: string, timeoutMs?: number): Promise<T> {
  const state = states.get(client);
  const ms = timeoutMs ?? state?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (state?.authKeyUnknown) throw new MtprotoAuthKeyUnknownError();
  let timer: NodeJS.Timeout | undefined;
  let waiter: ((e: Error) => void) | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new MtprotoTimeoutError(operation, ms)), ms);
        if (state) {
          waiter = reject;
          state.waiters.add(waiter);
        }
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
    if (state && waiter) state.waiters.delete(waiter);
  }
}

/** Connects (new auth key if the session has none), bounded; destroys the client on failure. */
export async function connectClient(client: MtprotoClient, timeoutMs?: number): Promise<void> {
  try {
    const ok = await bounded(client, client.connect(), 'connect', timeoutMs);
    if (!ok) throw new MtprotoConnectError('cannot connect to the Telegram server');
  } catch (e) {
    await destroyClient(client);
    throw toMtprotoError(e, 'connect');
  }
}

/** client.invoke with a time bound; errors come back as MtprotoRpcError / MtprotoTimeoutError. */
export async function invokeWithTimeout<R extends Api.AnyRequest>(client: MtprotoClient, request: R, timeoutMs?: number): Promise<R['__response']> {
  const method = (request as { className?: string }).className ?? 'invoke';
  try {
    return await bounded(client, client.invoke(request), method, timeoutMs);
  } catch (e) {
    throw toMtprotoError(e, method);
  }
}

/** GramJS's errors as tgsh's: RPC errors keep Telegram's code and message (FLOOD_WAIT_X with X). */
export function toMtprotoError(e: unknown, method?: string): Error {
  if (e instanceof MtprotoError) return e;
  if (e instanceof FloodError) {
    const seconds = Number((e as { seconds?: number }).seconds ?? 0);
    return new MtprotoRpcError(420, `FLOOD_WAIT_${seconds}`, seconds, method);
  }
  if (e instanceof RPCError) {
    const msg = e.errorMessage ?? e.message;
    const wait = /_(\d+)$/.exec(msg);
    return new MtprotoRpcError(Number(e.code ?? 0), msg, wait ? Number(wait[1]) : undefined, method);
  }
  if (e instanceof Error) {
    if (/disconnected|Not connected|reconnection retries/i.test(e.message)) return new MtprotoConnectError(e.message);
    return e;
  }
  return new MtprotoConnectError(String(e));
}

/**
 * The session as a string for createMtprotoClient({ session }): GramJS's StringSession format
 * (version '1', dc, address, port, auth key), with a port that always fits its 16 bits (the
 * connection class supplies the real one). '' when there is no auth key yet.
 */
export function saveSession(client: MtprotoClient): string {
  const s = client.session;
  const key = s.getAuthKey()?.getKey();
  if (!key || !s.serverAddress) return '';
  const address = Buffer.from(s.serverAddress);
  const head = Buffer.alloc(3);
  head.writeUInt8(s.dcId & 0xff, 0);
  head.writeInt16BE(address.length, 1);
  const port = Buffer.alloc(2);
  port.writeInt16BE(s.port && s.port <= 32767 ? s.port : SESSION_PORT, 0);
  return '1' + StringSession.encode(Buffer.concat([head, address, port, key]));
}

/** Closes the client for good (sockets, ping loop, connection retries in progress); never throws. */
export async function destroyClient(client: MtprotoClient): Promise<void> {
  const state = states.get(client);
  if (state) state.destroyed = true;
  try {
    await client.destroy();
  } catch {
    // already closed
  }
}
