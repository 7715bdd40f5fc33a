// The socket daemon (issue 12, section 4), against the sandbox, figures in one run:
//   32 clients x 500 commands (local commands and store answers), each client one line at a time:
//     every answer right and in order; throughput >= 0.8x the same 16,000 lines piped into one
//     tgsh; p99 answer latency <= 20 ms
//   tgsh -e 'resolve_username example_user' handed to a running daemon <= 1.2x tgsh -e version
//     without one
//   1,000 pytg-style connections (connect, one command, read n-1 bytes, reset): all answered; the
//     daemon's open files and memory do not grow beyond a small bound
import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, now, report, missed } from './lib.js';
import { FrameReader } from '../dist/cli/daemon/framing.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'tgsh.js');
const homes = [];
function envFor() {
  const home = mkdtempSync(join(tmpdir(), 'tgsh-bench-daemon-'));
  homes.push(home);
  const env = { ...process.env, TGSH_HOME: home };
  for (const k of Object.keys(env)) if (/^(TG_|TGSH_PROFILE)/.test(k)) delete env[k];
  return env;
}

async function startDaemon(env) {
  const child = spawn(process.execPath, [bin, '--sandbox', '--json', '-P', '0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const until = Date.now() + 20_000;
  while (!/serving profile .*127\.0\.0\.1:(\d+)/.test(err)) {
    if (Date.now() > until || child.exitCode !== null) throw new Error(`daemon did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, port: Number(/127\.0\.0\.1:(\d+)/.exec(err)[1]) };
}

function client(port) {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.setNoDelay(true);
    const reader = new FrameReader();
    let want;
    s.on('data', (d) => {
      for (const p of reader.push(d)) want?.(p);
    });
    s.once('connect', () =>
      resolve({
        ask: (line) =>
          new Promise((res) => {
            want = res;
            s.write(line + '\n');
          }),
        close: () => s.destroy(),
      }),
    );
    s.once('error', reject);
  });
}

// ---- 1. 32 clients x 500 commands against 16,000 piped lines
const CMDS = process.env.BENCH_CMDS ? process.env.BENCH_CMDS.split(',') : ['version', 'resolve_username example_user', 'help version', 'nope', '[offline] user_info @example_user', 'contact_list', 'stats'];
const CLIENTS = 32;
const PER = 500;
const lineOf = (c, k) => CMDS[(c * 7 + k) % CMDS.length];
const expectOf = (line, v) => {
  if (line === 'version') return v.version?.startsWith('tgsh ');
  if (line === 'nope') return v.error === "can not find command 'nope'";
  if (line.startsWith('resolve_username') || line.includes('user_info')) return v.user?.username === 'example_user';
  if (line === 'help version') return Array.isArray(v) && v[0].command === 'version';
  if (line === 'stats') return v.mode === 'daemon';
  if (line === 'contact_list') return Array.isArray(v) && v.some((p) => p.username === 'example_user');
  return false;
};

const denv = envFor();
const daemon = await startDaemon(denv);
process.on('exit', () => daemon.child.kill('SIGKILL')); // never left running, even when this run fails
{
  // Warm-up: the store answers resolve_username from then on, as in the pipe run below after its first.
  const c = await client(daemon.port);
  for (const l of CMDS) await c.ask(l);
  c.close();
}
const latencies = [];
let wrong = 0;
const cpuOf = (pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ').slice(11, 13).reduce((a, b) => a + Number(b), 0) * 10;
const dcpu0 = cpuOf(daemon.child.pid), ccpu0 = process.cpuUsage();
const t0 = now();
await Promise.all(
  Array.from({ length: CLIENTS }, async (_, ci) => {
    const c = await client(daemon.port);
    for (let k = 0; k < PER; k++) {
      const line = lineOf(ci, k);
      const t = now();
      const p = await c.ask(line);
      latencies.push(now() - t);
      if (!expectOf(line, JSON.parse(p))) wrong++;
    }
    c.close();
  }),
);
const daemonMs = now() - t0;
const dcpu = cpuOf(daemon.child.pid) - dcpu0, ccpu = process.cpuUsage(ccpu0);
report('  daemon CPU during the run', dcpu, 'ms');
report('  clients CPU during the run', (ccpu.user + ccpu.system) / 1000, 'ms');
latencies.sort((a, b) => a - b);
const p99 = latencies[Math.floor(latencies.length * 0.99)];

const penv = envFor();
const lines = [];
for (let ci = 0; ci < CLIENTS; ci++) for (let k = 0; k < PER; k++) lines.push(lineOf(ci, k));
const tp = now();
const piped = spawnSync(process.execPath, [bin, '--sandbox', '--json', '--no-daemon'], { input: lines.join('\n') + '\n', env: penv, maxBuffer: 1 << 28 });
const pipeMs = now() - tp;
const pipeAnswers = piped.stdout.toString().split('\n').filter(Boolean).length;
if (pipeAnswers !== lines.length) throw new Error(`the pipe gave ${pipeAnswers} answers for ${lines.length} lines: ${piped.stderr}`);

report('32 clients x 500 commands: wrong or out-of-order answers', wrong, '', { op: '<=', limit: 0 });
report('32 x 500 over the daemon, total', daemonMs, 'ms');
report('the same 16,000 lines piped into one tgsh, total', pipeMs, 'ms');
report('daemon throughput / pipe throughput', pipeMs / daemonMs, 'x', { op: '>=', limit: 0.8 });
report('daemon answer latency, median', latencies[latencies.length >> 1], 'ms');
report('daemon answer latency, p99', p99, 'ms', { op: '<=', limit: 20 });

// ---- 2. tgsh -e through the daemon against tgsh -e version without one
{
  const none = envFor();
  const viaDaemon = { ...denv };
  const runs = { daemon: [], plain: [] };
  for (let i = 0; i < 17; i++) {
    let t = now();
    const a = spawnSync(process.execPath, [bin, '--sandbox', '--json', '-e', 'resolve_username example_user'], { env: viaDaemon });
    const ad = now() - t;
    t = now();
    const b = spawnSync(process.execPath, [bin, '-e', 'version'], { env: none });
    const bd = now() - t;
    if (a.status !== 0 || !a.stdout.toString().includes('example_user')) throw new Error(`via the daemon: ${a.status} ${a.stderr}`);
    if (b.status !== 0) throw new Error(`version: ${b.stderr}`);
    if (i >= 2) {
      runs.daemon.push(ad);
      runs.plain.push(bd);
    }
  }
  const md = median(runs.daemon), mp = median(runs.plain);
  report("tgsh -e 'resolve_username example_user' via the daemon, median", md, 'ms');
  report('tgsh -e version without a daemon, median', mp, 'ms');
  report('via the daemon / -e version', md / mp, 'x', { op: '<=', limit: 1.2 });
}

// ---- 3. 1,000 pytg-style connections
function pytg(port) {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' });
    let buf = Buffer.alloc(0);
    s.on('connect', () => s.write('[disable_preview] version \n'));
    s.on('error', reject);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const nl = buf.indexOf(10);
      if (nl < 0) return;
      const n = Number(/^ANSWER (\d+)$/.exec(buf.subarray(0, nl).toString())[1]);
      if (buf.length - nl - 1 >= n - 1) {
        const ok = JSON.parse(buf.subarray(nl + 1, nl + n).toString()).version !== undefined;
        s.resetAndDestroy();
        resolve(ok);
      }
    });
  });
}
const fds = () => readdirSync(`/proc/${daemon.child.pid}/fd`).length;
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${daemon.child.pid}/status`, 'utf8'))[1]) / 1024;
for (let i = 0; i < 100; i++) await pytg(daemon.port); // warm-up
await new Promise((r) => setTimeout(r, 300));
const fd0 = fds(), rss0 = rss();
let answered = 0;
for (let i = 0; i < 1000; i++) if (await pytg(daemon.port)) answered++;
await new Promise((r) => setTimeout(r, 500));
const fd1 = fds(), rss1 = rss();
report('1,000 pytg-style connections: answered', answered, '', { op: '>=', limit: 1000 });
report('open files of the daemon, growth', fd1 - fd0, '', { op: '<=', limit: 3 });
report('resident memory of the daemon, growth', rss1 - rss0, 'MB', { op: '<=', limit: 24 });

daemon.child.kill('SIGTERM');
await new Promise((r) => daemon.child.once('exit', r));
for (const h of homes) rmSync(h, { recursive: true, force: true });
process.exitCode = missed().length ? 1 : 0;
