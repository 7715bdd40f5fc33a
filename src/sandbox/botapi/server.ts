// The sandbox's Bot API server: node:http on 127.0.0.1 (an ephemeral port by default), serving
// `/bot<token>/<method>` over a World the way api.telegram.org does, for the unmodified grammY
// client. It never prints anything, and never a token: the optional debug log names only methods.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { World } from '../world/world.js';
import { ApiError, Errors } from './errors.js';
import { Faults } from './faults.js';
import { SendLimiter } from './limits.js';
import { Described, METHODS_BY_LOWER, type MethodContext, type Poll } from './methods.js';
import { readParams } from './params.js';

export interface BotApiServerOptions {
  world: World;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** true: one line per request on stderr (method, status, time; never the token); or a sink. */
  debug?: boolean | ((line: string) => void);
  /** Largest request body accepted (default 60 MB; Telegram takes 50 MB documents). */
  maxBodyBytes?: number;
}

export interface BotApiStats {
  /** Requests by method name (canonical case; unknown methods as sent, lower-cased). */
  requests: Record<string, number>;
  /** Every request, answered or not. */
  total: number;
  /** Answers by HTTP status. */
  statuses: Record<number, number>;
  /** 429 answers sent. */
  tooManyRequests: number;
}

export interface BotApiServer {
  /** e.g. `http://127.0.0.1:41234` (no trailing slash: grammY refuses one). */
  readonly apiRoot: string;
  readonly host: string;
  readonly port: number;
  readonly world: World;
  readonly faults: Faults;
  readonly stats: BotApiStats;
  /** Number of getUpdates long polls waiting now. */
  activePolls(): number;
  /** Stops listening, ends long polls and destroys every connection (keep-alive ones too). */
  close(): Promise<void>;
}

const PATH = /^\/bot([^/]+)\/(?:test\/)?([^/?]*)\/?$/;

export async function startBotApiServer(opts: BotApiServerOptions): Promise<BotApiServer> {
  const { world } = opts;
  const host = opts.host ?? '127.0.0.1';
  const maxBody = opts.maxBodyBytes ?? 60 * 1024 * 1024;
  const log =
    opts.debug === true
      ? (line: string) => process.stderr.write(`[sandbox botapi] ${line}\n`)
      : typeof opts.debug === 'function'
        ? opts.debug
        : undefined;
  const limiter = new SendLimiter(world.limits);
  const polls = new Map<number, Poll>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const stats: BotApiStats = {
    requests: {},
    total: 0,
    statuses: {},
    get tooManyRequests() {
      return limiter.refused;
    },
  };
  let closed = false;

  const server = createServer({ keepAliveTimeout: 5000 });
  const destroyAll = () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  const faults = new Faults(destroyAll);

  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_err, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const readBody = (req: IncomingMessage) =>
    new Promise<Buffer | undefined>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooBig = false;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBody) tooBig = true;
        else chunks.push(c);
      });
      req.on('end', () => resolve(tooBig ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
      req.on('error', reject);
    });

  const send = (res: ServerResponse, status: number, body: string, contentType = 'application/json') => {
    if (res.headersSent || res.destroyed) return;
    stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const sendError = (res: ServerResponse, e: ApiError) => {
    const out: Record<string, unknown> = { ok: false, error_code: e.code, description: e.description };
    if (e.parameters) out.parameters = e.parameters;
    send(res, e.code, JSON.stringify(out));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    stats.total++;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? '' : url.slice(q + 1);
    const m = PATH.exec(path);
    const asked = m?.[2] ?? '';
    const entry = METHODS_BY_LOWER.get(asked.toLowerCase());
    const methodName = entry?.name ?? (asked.toLowerCase() || '(none)');
    stats.requests[methodName] = (stats.requests[methodName] ?? 0) + 1;
    const done = (status: number | string) => log?.(`${methodName} ${status} ${Date.now() - started}ms`);

    const fault = faults.take(asked || '(none)');
    if (fault.delayMs > 0) await sleep(fault.delayMs);
    if (closed) {
      req.socket.destroy();
      return;
    }
    if (fault.terminal?.kind === 'drop') {
      req.socket.destroy();
      done('dropped');
      return;
    }
    const body = await readBody(req);
    if (fault.terminal?.kind === 'http') {
      send(res, fault.terminal.status, fault.terminal.body, fault.terminal.contentType);
      done(fault.terminal.status);
      return;
    }
    if (!m) {
      sendError(res, Errors.notFound());
      done(404);
      return;
    }
    let token: string;
    try {
      token = decodeURIComponent(m[1]);
    } catch {
      token = '';
    }
    const bot = world.botByToken(token);
    if (!bot) {
      sendError(res, Errors.unauthorized());
      done(401);
      return;
    }
    if (!entry) {
      sendError(res, Errors.notFound());
      done(404);
      return;
    }
    if (body === undefined) {
      sendError(res, new ApiError(413, 'Request Entity Too Large'));
      done(413);
      return;
    }
    try {
      const ctx: MethodContext = {
        world,
        bot,
        params: readParams(query, req.headers['content-type'], body),
        limiter,
        polls,
        onClientGone: (fn) =>
          res.on('close', () => {
            if (!res.writableFinished) fn();
          }),
      };
      const value = await entry.fn(ctx);
      if (fault.answerDelayMs > 0) await sleep(fault.answerDelayMs);
      const out: Record<string, unknown> =
        value instanceof Described ? { ok: true, result: value.result, description: value.description } : { ok: true, result: value };
      send(res, 200, JSON.stringify(out));
      done(200);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      sendError(res, e);
      done(e.code);
    }
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      if (e instanceof ApiError) {
        sendError(res, e);
        log?.(`error ${e.code}`);
      } else {
        log?.(`internal error: ${e instanceof Error ? e.name : 'unknown'}`);
        sendError(res, new ApiError(500, 'Internal Server Error'));
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;

  return {
    apiRoot: `http://${hostInUrl}:${port}`,
    host,
    port,
    world,
    faults,
    stats,
    activePolls: () => polls.size,
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        for (const p of [...polls.values()]) p.finish([]);
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
        destroyAll();
      }),
  };
}
