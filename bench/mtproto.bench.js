// The offline MTProto data centre with the unmodified GramJS client (through tgsh's factory):
// resolve round trips on a warm connection, 500 concurrent resolves, and a raw TCP echo round
// trip on loopback measured in the same run as the baseline. Run `npx tsc -p .` first.

import { createConnection, createServer } from 'node:net';
import { median, now, report, samples, missed } from './lib.js';
import { World } from '../dist/sandbox/world/world.js';
import { defaultWorldData, SANDBOX_API_HASH, SANDBOX_API_ID, SANDBOX_BOT_TOKEN } from '../dist/sandbox/world/default-world.js';
import { startMtprotoServer } from '../dist/sandbox/mtproto/index.js';
import { Api, createMtprotoClient, destroyClient, invokeWithTimeout } from '../dist/telegram/mtproto/index.js';

async function echoBaseline(n) {
  const server = createServer((s) => s.on('data', (d) => s.write(d)));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const sock = createConnection({ host: '127.0.0.1', port: server.address().port });
  sock.setNoDelay(true);
  await new Promise((r) => sock.once('connect', r));
  const payload = Buffer.alloc(120, 1);
  const roundTrip = () =>
    new Promise((resolve) => {
      let got = 0;
      const onData = (d) => {
        got += d.length;
        if (got >= payload.length) {
          sock.off('data', onData);
          resolve();
        }
      };
      sock.on('data', onData);
      sock.write(payload);
    });
  for (let i = 0; i < 50; i++) await roundTrip();
  const xs = await samples(n, roundTrip);
  sock.destroy();
  await new Promise((r) => server.close(r));
  return median(xs);
}

const data = defaultWorldData();
data.limits = { ...data.limits, resolve_budget: 1e9 };
const world = new World(data);
const server = await startMtprotoServer({ world });
const endpoint = { host: server.host, port: server.port, rsaPublicKeyPem: server.rsaPublicKeyPem };

const t0 = now();
const client = await createMtprotoClient({ endpoint, apiId: SANDBOX_API_ID, apiHash: SANDBOX_API_HASH, timeoutMs: 10000 });
const connectMs = now() - t0;
await invokeWithTimeout(client, new Api.auth.ImportBotAuthorization({ flags: 0, apiId: SANDBOX_API_ID, apiHash: SANDBOX_API_HASH, botAuthToken: SANDBOX_BOT_TOKEN }));

const names = ['example_user', 'tgsh_news', 'tgsh_chat', 'dora_bigid', 'alice_started'];
let k = 0;
const resolveOnce = () => invokeWithTimeout(client, new Api.contacts.ResolveUsername({ username: names[k++ % names.length] }));

for (let i = 0; i < 100; i++) await resolveOnce(); // warm-up (JIT, caches)
const echo = await echoBaseline(400);
const resolveMedian = median(await samples(400, resolveOnce));

const rounds = [];
for (let r = 0; r < 11; r++) {
  const t = now();
  const all = await Promise.all(Array.from({ length: 500 }, () => resolveOnce()));
  rounds.push(now() - t);
  if (all.length !== 500) throw new Error('lost answers');
}

report('fresh connect (key exchange + init), one sample', connectMs, 'ms');
report('baseline: raw TCP echo round trip on loopback (median of 400)', echo, 'ms');
report('resolve round trip, warm connection (median of 400)', resolveMedian, 'ms', { op: '<=', limit: 2 });
report('resolve / echo ratio', resolveMedian / echo, 'x');
report('500 concurrent resolves (median of 11 rounds)', median(rounds), 'ms', { op: '<=', limit: 250 });
report('500 concurrent resolves, per resolve', median(rounds) / 500, 'ms');
report('resolves served', server.stats.requestsFor('contacts.resolveUsername'), '');

await destroyClient(client);
await server.close();
process.exitCode = missed().length ? 1 : 0;
