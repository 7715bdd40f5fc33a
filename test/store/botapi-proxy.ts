// A recording proxy in front of the sandbox's Bot API server, for the poller tests: tgsh processes
// are pointed at it with --bot-api-root. It logs each getUpdates (the offset it carried, the update
// ids it was served) and can hold one request back until released, so a test can stop a poller
// exactly between two batches. The sandbox itself is untouched.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface GetUpdatesCall {
  /** The offset the request carried (undefined: none). */
  offset: number | undefined;
  /** The update ids the answer carried ([] for an empty answer or a refusal). */
  ids: number[];
  /** Answered (false: the client went away first, or it was held and dropped). */
  answered: boolean;
}

export interface BotApiProxy {
  readonly apiRoot: string;
  /** Every getUpdates that reached the proxy, in order of arrival. */
  readonly calls: GetUpdatesCall[];
  /** Resolves when `n` getUpdates have arrived (counted from the start). */
  arrived(n: number): Promise<void>;
  /** Resolves right after the answer to the `n`th getUpdates was sent to its client. */
  answered(n: number): Promise<void>;
  /**
   * Holds the `n`th getUpdates (counted from the start) before it reaches the sandbox; `held`
   * resolves when it arrives, `release` forwards it. A held request whose client dies is dropped.
   */
  hold(n: number): { held: Promise<void>; release(): void };
  close(): Promise<void>;
}

export async function startBotApiProxy(target: string): Promise<BotApiProxy> {
  const to = new URL(target);
  const calls: GetUpdatesCall[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const answerWaiters = new Map<number, () => void>();
  const holds = new Map<number, { arrived: () => void; gate: Promise<void> }>();
  const sockets = new Set<Socket>();

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse, call?: GetUpdatesCall): void => {
    const out = request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } },
      (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const text = Buffer.concat(chunks);
          if (call) {
            try {
              const j = JSON.parse(text.toString('utf8')) as { ok?: boolean; result?: Array<{ update_id: number }> };
              if (j.ok && Array.isArray(j.result)) call.ids = j.result.map((u) => u.update_id);
            } catch {
              // not JSON: no ids
            }
          }
          if (res.destroyed) return;
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(text);
          if (call) {
            call.answered = true;
            answerWaiters.get(calls.indexOf(call) + 1)?.();
          }
        });
      },
    );
    out.on('error', () => res.destroy());
    out.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (!/\/getUpdates$/i.test((req.url ?? '').split('?')[0] ?? '')) return forward(req, body, res);
      let offset: number | undefined;
      try {
        const p = JSON.parse(body.toString('utf8') || '{}') as { offset?: number };
        offset = typeof p.offset === 'number' ? p.offset : undefined;
      } catch {
        offset = undefined;
      }
      const call: GetUpdatesCall = { offset, ids: [], answered: false };
      calls.push(call);
      for (const w of waiters.filter((x) => calls.length >= x.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      const h = holds.get(calls.length);
      if (!h) return forward(req, body, res, call);
      h.arrived();
      let gone = false;
      res.on('close', () => (gone = !res.writableFinished));
      void h.gate.then(() => {
        if (!gone && !res.destroyed) forward(req, body, res, call);
      });
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    arrived: (n) => (calls.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    answered: (n) => (calls[n - 1]?.answered ? Promise.resolve() : new Promise((resolve) => answerWaiters.set(n, resolve))),
    hold(n) {
      let arrived!: () => void;
      let release!: () => void;
      const held = new Promise<void>((r) => (arrived = r));
      const gate = new Promise<void>((r) => (release = r));
      holds.set(n, { arrived, gate });
      return { held, release };
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
