// The sandbox Bot API server's throughput: sendMessage calls per second from grammY's own Api
// client on loopback, limits off, to users who started the bot, with some concurrency. Baseline:
// a bare node:http server answering {"ok":true,"result":true} to the same client and load, in the
// same run, so the ratio shows the server's own cost. Target: >= 2,000 sendMessage/s.
// The grammY client runs in worker threads (its fetch stack costs more CPU per call than the
// server), so client and server do not share one core; the baseline is measured the same way.
import { createServer } from 'node:http';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Api } from 'grammy';
import { startBotApiServer } from '../dist/sandbox/botapi/server.js';
import { METHODS } from '../dist/sandbox/botapi/methods.js';
import { SendLimiter } from '../dist/sandbox/botapi/limits.js';
import { readParams } from '../dist/sandbox/botapi/params.js';
import { World } from '../dist/sandbox/world/world.js';
import { defaultWorldData, SANDBOX_BOT_ID, SANDBOX_BOT_TOKEN } from '../dist/sandbox/world/default-world.js';
import { median, missed, now, report } from './lib.js';

const CONCURRENCY = 8;
const CALLS = 6000;
const ROUNDS = 3;

/** Sends `calls` messages with `CONCURRENCY` in flight; returns calls per second. */
async function load(api, chats, calls) {
  let next = 0;
  const t = now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= calls) return;
      await api.sendMessage(chats[i % chats.length], `bench message ${i}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return (calls / (now() - t)) * 1000;
}

async function bareServer() {
  const body = '{"ok":true,"result":true}';
  const server = createServer({ keepAliveTimeout: 5000 }, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((r) => {
        server.close(r);
        server.closeAllConnections();
      }),
  };
}

if (!isMainThread) {
  // A load generator: grammY's Api against the server each command names.
  const { chats } = workerData;
  parentPort.on('message', async ({ apiRoot, calls }) => {
    if (apiRoot === undefined) return parentPort.close();
    const api = new Api(SANDBOX_BOT_TOKEN, { apiRoot });
    parentPort.postMessage(await load(api, chats, calls));
  });
} else {
  const WORKERS = Number(process.env.BOTAPI_BENCH_WORKERS ?? 2);
  let workers = [];
  /** Has every client thread send `calls` in all to apiRoot; returns the summed calls per second. */
  const run = async (apiRoot, calls) => {
    const rates = await Promise.all(
      workers.map(
        (worker) =>
          new Promise((resolve, reject) => {
            worker.once('message', resolve);
            worker.once('error', reject);
            worker.postMessage({ apiRoot, calls: calls / workers.length });
          }),
      ),
    );
    return rates.reduce((a, b) => a + b, 0);
  };

  const data = defaultWorldData();
  data.limits = { bot_limits_enabled: false };
  const world = new World(data);
  const users = world.driver.addUsers(1000, { startBot: SANDBOX_BOT_ID });
  const chats = users.map((u) => u.id);
  const sandbox = await startBotApiServer({ world });
  const bare = await bareServer();

  workers = Array.from(
    { length: WORKERS },
    (_, w) => new Worker(new URL(import.meta.url), { workerData: { chats: chats.filter((_, i) => i % WORKERS === w) } }),
  );
  // Warm-up: JIT and keep-alive sockets on both servers.
  await run(bare.apiRoot, 2000);
  await run(sandbox.apiRoot, 2000);
  const sandboxRates = [];
  const bareRates = [];
  for (let r = 0; r < ROUNDS; r++) {
    bareRates.push(await run(bare.apiRoot, CALLS));
    sandboxRates.push(await run(sandbox.apiRoot, CALLS));
  }
  for (const w of workers) w.postMessage({});
  const delivered = chats.reduce((n, id) => n + world.received(id).length, 0);
  await sandbox.close();
  await bare.close();

  // The server's own work per call, without HTTP: parameters, checks, recording, JSON answer.
  const bot = world.bots.get(SANDBOX_BOT_ID);
  const ctx = { world, bot, limiter: new SendLimiter(world.limits), polls: new Map(), onClientGone() {} };
  const direct = [];
  for (let r = 0; r < ROUNDS; r++) {
    const n = 20000;
    const t = now();
    for (let i = 0; i < n; i++) {
      ctx.params = readParams('', 'application/json', Buffer.from(JSON.stringify({ chat_id: chats[i % chats.length], text: `bench message ${i}` })));
      JSON.stringify({ ok: true, result: METHODS.sendMessage(ctx) });
    }
    direct.push((n / (now() - t)) * 1000);
  }

  const rate = median(sandboxRates);
  const base = median(bareRates);
  report(`sandbox sendMessage, grammY Api, ${WORKERS}x${CONCURRENCY} in flight`, rate, 'calls/s', { op: '>=', limit: 2000 });
  report('baseline: bare node:http {"ok":true}, same client and load', base, 'calls/s');
  report('sandbox / baseline', rate / base, '');
  report('sendMessage handler alone (no HTTP), for scale', median(direct), 'calls/s');
  report('sendMessage calls over HTTP recorded in the world', delivered, '', { op: '>=', limit: ROUNDS * CALLS + 2000 });
  process.exitCode = missed().length ? 1 : 0;
}
