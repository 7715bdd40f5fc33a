// resolve_username's speed (issue 5, section 5). Run `npx tsc -p .` first (npm run bench does).
//   1. A new process with a saved session resolving over MTProto against `tgsh sandbox serve` (a
//      separate process): median wall <= 450 ms. `--force` makes every run ask the server.
//   2. The same name answered from the peer store: within the shell's start-up ratio, <= 1.6 x
//      `node -e 0` measured in the same run (GramJS is not even imported).
//   3. In one process, 1,000 resolves of distinct names through tgsh (one resolve_username line,
//      the executor, the store) against raw GramJS invoke(contacts.ResolveUsername) on the same
//      server, budgets lifted: ratio <= 1.5. Rounds alternate so machine load hits both alike.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, missed, now, report } from './lib.js';
import { serveSandbox, timeRun as timeRunIn } from './serve.js';
import { World } from '../dist/sandbox/world/world.js';
import { defaultWorldData, SANDBOX_API_HASH, SANDBOX_API_ID, SANDBOX_BOT_TOKEN } from '../dist/sandbox/world/default-world.js';
import { startSandbox } from '../dist/sandbox/sandbox.js';
import { Api, createMtprotoClient, destroyClient, invokeWithTimeout } from '../dist/telegram/mtproto/index.js';
import { parseCli } from '../dist/cli/args.js';
import { resolveConfig } from '../dist/cli/config.js';
import { Services } from '../dist/session/services.js';
import { Executor } from '../dist/commands/executor.js';
import { commandRegistry } from '../dist/commands/registry.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'tgsh.js');
const tmp = mkdtempSync(join(tmpdir(), 'tgsh-bench-resolve-'));
const env = { ...process.env, TGSH_HOME: join(tmp, 'home') };
for (const k of Object.keys(env)) if (k.startsWith('TG_')) delete env[k];

// ---------------------------------------------------------------- 1 and 2: new processes

const timeRun = (args) => timeRunIn(env, args);

const served = await serveSandbox(bin, env, tmp);
const c = served.connection;
const keyFile = join(tmp, 'rsa.pem');
writeFileSync(keyFile, c.rsa_key_pem);
const flags = ['--dc', c.dc, '--rsa-key', keyFile, '--bot-token', c.bot_token, '--api-id', String(c.api_id), '--api-hash', c.api_hash, '--bot-api-root', c.bot_api_root];
// The first run logs the bot in and saves the session; every later run reuses it.
const first = timeRun([bin, ...flags, '-e', 'resolve_username example_user']);
if (first.stdout !== 'Example\n') throw new Error(`unexpected answer ${first.stdout}`);

const RUNS = 15;
const base = [];
const help = [];
const stored = [];
const online = [];
for (let i = 0; i < RUNS + 2; i++) {
  const b = timeRun(['-e', '0']).ms;
  const h = timeRun([bin, '-e', 'help']).ms;
  const s = timeRun([bin, ...flags, '-e', 'resolve_username example_user']);
  const o = timeRun([bin, ...flags, '-e', 'resolve_username --force example_user']);
  if (s.stdout !== 'Example\n' || o.stdout !== 'Example\n') throw new Error('wrong answer');
  if (i >= 2) {
    base.push(b);
    help.push(h);
    stored.push(s.ms);
    online.push(o.ms);
  }
}
served.child.kill('SIGTERM');
const mb = median(base);
report('baseline: node -e 0, median', mb, 'ms');
report('tgsh -e help, median (the shell start-up, for reference)', median(help), 'ms');
report('1. new process, saved session, resolve over MTProto, median', median(online), 'ms', { op: '<=', limit: 450 });
report('   the same / node -e 0', median(online) / mb, 'x');
report('2. new process, answer in the peer store, median', median(stored), 'ms');
report('   answer in the store / node -e 0', median(stored) / mb, 'x', { op: '<=', limit: 1.6 });

// ---------------------------------------------------------------- 3: one process, 1,000 resolves

const N = 1000;
const ROUNDS = 5;
const data = defaultWorldData();
data.limits = { ...data.limits, resolve_budget: 1e9 };
const world = new World(data);
world.driver.addUsers(N * (2 * ROUNDS + 2), { prefix: 'bench_user_' });
const sandbox = await startSandbox({ world });
const endpoint = { host: sandbox.mtproto.host, port: sandbox.mtproto.port, rsaPublicKeyPem: sandbox.mtproto.rsaPublicKeyPem };

const raw = await createMtprotoClient({ endpoint, apiId: SANDBOX_API_ID, apiHash: SANDBOX_API_HASH, timeoutMs: 10_000 });
await invokeWithTimeout(raw, new Api.auth.ImportBotAuthorization({ flags: 0, apiId: SANDBOX_API_ID, apiHash: SANDBOX_API_HASH, botAuthToken: SANDBOX_BOT_TOKEN }));

const sbKey = join(tmp, 'sandbox-rsa.pem');
writeFileSync(sbKey, sandbox.connection.rsa_key_pem);
const cli = parseCli(['--dc', sandbox.connection.dc, '--rsa-key', sbKey, '--bot-token', SANDBOX_BOT_TOKEN, '--api-id', String(SANDBOX_API_ID), '--api-hash', SANDBOX_API_HASH, '--bot-api-root', sandbox.connection.bot_api_root, '--config-dir', join(tmp, 'inproc')]);
const config = resolveConfig(cli.options, {}, false).config;
const services = new Services(config);
const executor = new Executor({ config, services, registry: commandRegistry(), mode: 'pipe', notice: () => {} });
const store = await services.store();
await store.settings.set('resolve_per_second', 1e9);
await store.settings.set('resolve_burst', 1e9);

const names = (block) => Array.from({ length: N }, (_, i) => `bench_user_${block * N + i}`);
// Warm-up: both sides connected, logged in, JIT warm (block 0, split between them).
for (const n of names(0).slice(0, N / 2)) await invokeWithTimeout(raw, new Api.contacts.ResolveUsername({ username: n }));
await executor.run(`resolve_username ${names(0).slice(N / 2).join(' ')}`);

const rawTimes = [];
const tgshTimes = [];
for (let r = 0; r < ROUNDS; r++) {
  const a = names(1 + 2 * r);
  const b = names(2 + 2 * r);
  const rawSide = async () => {
    const t = now();
    for (const n of a) await invokeWithTimeout(raw, new Api.contacts.ResolveUsername({ username: n }));
    rawTimes.push(now() - t);
  };
  const tgshSide = async () => {
    const served = sandbox.mtproto.stats.requestsFor('contacts.resolveUsername');
    const t = now();
    const results = await executor.run(`resolve_username ${b.join(' ')}`);
    tgshTimes.push(now() - t);
    if (results.length !== N || results.some((x) => x.kind !== 'peer')) throw new Error('tgsh lost or failed resolves');
    // Every one of them went to the server (none answered by the store).
    if (sandbox.mtproto.stats.requestsFor('contacts.resolveUsername') - served !== N) throw new Error('tgsh did not ask the server for every name');
  };
  // Alternate which side goes first.
  if (r % 2 === 0) {
    await rawSide();
    await tgshSide();
  } else {
    await tgshSide();
    await rawSide();
  }
}
// One line per name (a flush of the store after each): reported, no target.
const perLine = names(2 * ROUNDS + 1).slice(0, 200);
const t = now();
for (const n of perLine) await executor.run(`resolve_username ${n}`);
const perLineMs = (now() - t) / perLine.length;

const mr = median(rawTimes);
const mt = median(tgshTimes);
report('3. baseline: raw GramJS, 1,000 sequential resolves (median of 5)', mr, 'ms');
report('   tgsh, resolve_username with 1,000 names (median of 5)', mt, 'ms');
report('   tgsh / raw GramJS', mt / mr, 'x', { op: '<=', limit: 1.5 });
report('   per resolve, raw GramJS', mr / N, 'ms');
report('   per resolve, tgsh', mt / N, 'ms');
report('   one line per name (store flushed after each), per resolve', perLineMs, 'ms');
report('   peers in the store afterwards', store.size, '');

await services.close();
await destroyClient(raw);
await sandbox.close();
rmSync(tmp, { recursive: true, force: true });
process.exitCode = missed().length ? 1 : 0;
