// The user account's speed (issue 13, section 4). Run `npx tsc -p .` first (npm run bench does).
//   1. In one running process, 1,000 `msg` lines as the user through tgsh (the executor, the store,
//      the shared MTProto link) against raw GramJS invoke(messages.SendMessage) on the same
//      in-process sandbox, logged in as the same account: ratio of medians <= 1.5. Rounds alternate
//      which side goes first, so machine load hits both alike.
//   2. `history <peer> 100` in a new process with a saved user session against `tgsh sandbox serve`
//      (a separate process), against a resolve over MTProto in a new process: ratio <= 1.2.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, missed, now, report } from './lib.js';
import { serveSandbox, timeRun as timeRunIn } from './serve.js';
import { SANDBOX_API_HASH, SANDBOX_API_ID } from '../dist/sandbox/world/default-world.js';
import { startSandbox } from '../dist/sandbox/sandbox.js';
import { Api, createMtprotoClient, destroyClient, invokeWithTimeout } from '../dist/telegram/mtproto/index.js';
import { parseCli } from '../dist/cli/args.js';
import { resolveConfig } from '../dist/cli/config.js';
import { Services } from '../dist/session/services.js';
import { Executor } from '../dist/commands/executor.js';
import { commandRegistry } from '../dist/commands/registry.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'tgsh.js');
const tmp = mkdtempSync(join(tmpdir(), 'tgsh-bench-user-'));
const env = { ...process.env, TGSH_HOME: join(tmp, 'home') };
for (const k of Object.keys(env)) if (k.startsWith('TG_') || k.startsWith('TGSH_A')) delete env[k];
const PHONE = '15550001111';
const CODE = '12345';
const ALICE = 200000001;

// ---------------------------------------------------------------- 1: one process, 1,000 msg

const N = 1000;
const ROUNDS = 3;
// TGSH_BENCH_PART=2 runs the second part only.
const ONLY = process.env.TGSH_BENCH_PART;
if (ONLY !== '2') {
const sandbox = await startSandbox();
const endpoint = { host: sandbox.mtproto.host, port: sandbox.mtproto.port, rsaPublicKeyPem: sandbox.mtproto.rsaPublicKeyPem };
const raw = await createMtprotoClient({ endpoint, apiId: SANDBOX_API_ID, apiHash: SANDBOX_API_HASH, timeoutMs: 10_000 });
const code = await invokeWithTimeout(raw, new Api.auth.SendCode({ phoneNumber: PHONE, apiId: SANDBOX_API_ID, apiHash: SANDBOX_API_HASH, settings: new Api.CodeSettings({}) }));
await invokeWithTimeout(raw, new Api.auth.SignIn({ phoneNumber: PHONE, phoneCodeHash: code.phoneCodeHash, phoneCode: CODE }));
const alice = sandbox.world.users.get(ALICE);
const alicePeer = new Api.InputPeerUser({ userId: BigInt(ALICE), accessHash: BigInt(alice.access_hash) });

const sbKey = join(tmp, 'sandbox-rsa.pem');
writeFileSync(sbKey, sandbox.connection.rsa_key_pem);
const cli = parseCli(['--dc', sandbox.connection.dc, '--rsa-key', sbKey, '--api-id', String(SANDBOX_API_ID), '--api-hash', SANDBOX_API_HASH, '--bot-api-root', sandbox.connection.bot_api_root, '--config-dir', join(tmp, 'inproc'), '--phone', PHONE, '--code', CODE]);
const config = resolveConfig(cli.options, {}, false).config;
const services = new Services(config);
const executor = new Executor({ config, services, registry: commandRegistry(), mode: 'pipe', notice: () => {} });
const [login] = await executor.run('login');
if (login.kind !== 'success') throw new Error(`tgsh login failed: ${JSON.stringify(login)}`);
await executor.run('resolve_username alice_started');

let counter = 0n;
const rawSend = (text) => invokeWithTimeout(raw, new Api.messages.SendMessage({ peer: alicePeer, message: text, randomId: ++counter + 10_000_000n }));
// Warm-up: both sides connected, logged in, JIT warm.
for (let i = 0; i < 200; i++) await rawSend(`warm raw ${i}`);
for (let i = 0; i < 200; i++) await executor.run(`msg @alice_started warm tgsh ${i}`);

const rawTimes = [];
const tgshTimes = [];
for (let r = 0; r < ROUNDS; r++) {
  const rawSide = async () => {
    const t = now();
    for (let i = 0; i < N; i++) await rawSend(`raw ${r} ${i}`);
    rawTimes.push(now() - t);
  };
  const tgshSide = async () => {
    const served = sandbox.mtproto.stats.requestsFor('messages.sendMessage');
    const t = now();
    for (let i = 0; i < N; i++) {
      const [res] = await executor.run(`msg @alice_started tgsh ${r} ${i}`);
      if (res.kind !== 'messages') throw new Error(`tgsh failed a send: ${JSON.stringify(res)}`);
    }
    tgshTimes.push(now() - t);
    if (sandbox.mtproto.stats.requestsFor('messages.sendMessage') - served !== N) throw new Error('tgsh did not send every message');
  };
  if (r % 2 === 0) {
    await rawSide();
    await tgshSide();
  } else {
    await tgshSide();
    await rawSide();
  }
}
const mr = median(rawTimes);
const mt = median(tgshTimes);
report(`1. baseline: raw GramJS, ${N} sendMessage (median of ${ROUNDS})`, mr, 'ms');
report(`   tgsh, ${N} msg lines as the user (median of ${ROUNDS})`, mt, 'ms');
report('   tgsh / raw GramJS', mt / mr, 'x', { op: '<=', limit: 1.5 });
report('   per message, tgsh', mt / N, 'ms');
await services.close();
await destroyClient(raw);
await sandbox.close();
}

// ---------------------------------------------------------------- 2: new processes

const timeRun = (args) => timeRunIn(env, args);

const served = await serveSandbox(bin, env, tmp);
const c = served.connection;
const keyFile = join(tmp, 'rsa.pem');
writeFileSync(keyFile, c.rsa_key_pem);
const flags = ['--dc', c.dc, '--rsa-key', keyFile, '--api-id', String(c.api_id), '--api-hash', c.api_hash, '--bot-api-root', c.bot_api_root];
// Log in once (the session is saved), and write 100 messages to have a history to read.
timeRun([bin, ...flags, '--phone', PHONE, '--code', CODE, '-e', 'login']);
timeRun([bin, ...flags, '-e', 'resolve_username alice_started', '-e', '[x100] msg @alice_started a line of history']);

// 30 pairs (new processes are noisy on a shared machine); each pair alternates which goes first.
const RUNS = 30;
const resolves = [];
const histories = [];
const resolve = () => timeRun([bin, ...flags, '-e', 'resolve_username --force alice_started']);
const read = () => timeRun([bin, ...flags, '-e', 'history @alice_started 100']);
for (let i = 0; i < RUNS + 2; i++) {
  let o, h;
  if (i % 2 === 0) {
    o = resolve();
    h = read();
  } else {
    h = read();
    o = resolve();
  }
  if (o.stdout !== 'Alice Started\n') throw new Error(`wrong resolve answer ${o.stdout}`);
  if (h.stdout.trimEnd().split('\n').length !== 100) throw new Error('history did not show 100 messages');
  if (i >= 2) {
    resolves.push(o.ms);
    histories.push(h.ms);
  }
}
served.child.kill('SIGTERM');
report('2. baseline: new process, saved user session, resolve over MTProto, median', median(resolves), 'ms');
report('   new process, saved user session, history @peer 100, median', median(histories), 'ms');
report('   history / resolve', median(histories) / median(resolves), 'x', { op: '<=', limit: 1.2 });

rmSync(tmp, { recursive: true, force: true });
process.exitCode = missed().length ? 1 : 0;
