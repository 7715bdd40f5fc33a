// The sqlite backend at scale (issue 14): it makes its own data. 1,000,000 peers imported by one
// `tgsh --store sqlite -e 'import FILE'`; then new processes that answer from that store
// (`[offline] resolve_username user_999999`, `forget @user_N`) against `tgsh -e version` (the
// cost of starting tgsh at all), as ratios of medians; their peak resident memory; and 100,000
// peers added in one command (upserts + one flush) through the store API. Build first.
//   node bench/store-scale.bench.js        (or: npm run bench -- store-scale)
//   TGSH_BENCH_SCALE_N=200000 for a quicker run (the 1M targets are then only indicative)
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openPeerStore } from '../dist/store/index.js';
import { profilePaths } from '../dist/core/paths.js';
import { median, missed, now, report } from './lib.js';

const N = Number(process.env.TGSH_BENCH_SCALE_N ?? 1_000_000);
const ADD_N = 100_000;
const RUNS = 9;
const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(root, 'bin', 'tgsh.js');
const PROBE = join(root, 'bench', 'rss-probe.mjs');

function peer(i) {
  const id = 1_000_000_000 + i;
  const hash = BigInt.asIntN(64, BigInt(id) * 0x9e3779b97f4a7c15n).toString();
  const r = i % 20;
  if (r === 0) return { kind: 'supergroup', id, accessHash: hash, title: `Group ${i}`, usernames: [`group_${i}`], members: i % 5000, firstSeen: 1, lastSeen: 1 };
  if (r === 1) return { kind: 'channel', id, accessHash: hash, title: `News ${i % 500}`, usernames: [`news_${i}`], firstSeen: 1, lastSeen: 1 };
  return { kind: 'user', id, accessHash: hash, firstName: `First${i % 3000}`, lastName: `Last${i % 7}`, usernames: [`user_${i}`], phone: `1555${i}`, firstSeen: 1, lastSeen: 1 };
}

/** An export document of n peers, written in pieces (a 1M-peer string would be ~200 MB at once). */
function writeExport(file, n) {
  const fd = openSync(file, 'w');
  writeSync(fd, `{"format":"tgsh-export","version":1,"exported_at":"2026-12-02T00:00:00.000Z","peer_schema":2,"count":${n},"peers":[`);
  let buf = [];
  for (let i = 0; i < n; i++) {
    // user_999999 must exist whatever n is: the last peer is a user with that name.
    const p = i === n - 1 ? { ...peer(i), kind: 'user', title: undefined, firstName: 'Last', usernames: ['user_999999'] } : peer(i);
    if (i === 5 || i === n - 1) p.kind = 'user';
    buf.push(JSON.stringify(p));
    if (buf.length === 10_000) {
      writeSync(fd, (i >= 10_000 ? ',' : '') + buf.join(','));
      buf = [];
    }
  }
  if (buf.length) writeSync(fd, (n > buf.length ? ',' : '') + buf.join(','));
  writeSync(fd, ']}');
  closeSync(fd);
}

/** Runs tgsh in a new process; returns wall ms and its peak RSS (MB, from rss-probe.mjs). */
function tgsh(home, args) {
  const rssFile = join(home, `rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const env = { ...process.env, TGSH_HOME: home, TGSH_RSS_FILE: rssFile };
  for (const k of Object.keys(env)) if (/^(TG_|TGSH_STORE|CI$)/.test(k)) delete env[k];
  const t = now();
  const r = spawnSync(process.execPath, ['--import', PROBE, BIN, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = now() - t;
  if (r.status !== 0) throw new Error(`tgsh ${args.join(' ')} exited ${r.status}: ${r.stdout.slice(0, 500)} ${r.stderr.slice(0, 500)}`);
  let rssMb = NaN;
  try {
    rssMb = Number(readFileSync(rssFile, 'utf8')) / 1024;
    rmSync(rssFile);
  } catch {
    // no figure
  }
  return { ms, rssMb, stdout: r.stdout, stderr: r.stderr };
}

async function main() {
  const home = mkdtempSync(join(tmpdir(), 'tgsh-bench-scale-'));
  try {
    const file = join(home, 'export.json');
    const tg = now();
    writeExport(file, N);
    report(`generate an export of ${N.toLocaleString('en')} peers (bench data)`, (now() - tg) / 1000, 's');
    report('  export file size', statSync(file).size / 2 ** 20, 'MB');

    // 1. Import into a new sqlite profile (one command: parse, checks, merge, one transaction).
    const imp = tgsh(home, ['--store', 'sqlite', '-e', `import ${file}`]);
    if (!imp.stdout.includes('SUCCESS')) throw new Error(`import failed: ${imp.stdout}`);
    report(`import ${N.toLocaleString('en')} peers into sqlite (tgsh -e import)`, imp.ms / 1000, 's', { op: '<=', limit: 30 });
    report('  peers.sqlite size', statSync(join(home, 'profiles', 'default', 'peers.sqlite')).size / 2 ** 20, 'MB');
    const info = tgsh(home, ['--json', '-e', 'store info']);
    const count = JSON.parse(info.stdout.trim()).peers;
    if (count !== N) throw new Error(`store info says ${count} peers, expected ${N}`);
    rmSync(file);

    // 2. New processes on that store (the profile remembers sqlite), against `tgsh -e version`.
    const base = [];
    const resolve = [];
    const forget = [];
    const rss = [];
    for (let k = 0; k < RUNS; k++) {
      base.push(tgsh(home, ['-e', 'version']).ms);
      const r = tgsh(home, ['-e', '[offline] resolve_username user_999999']);
      if (r.stdout.startsWith('FAIL') || r.stdout.trim() === '') throw new Error(`resolve did not find the peer: ${r.stdout} ${r.stderr}`);
      resolve.push(r.ms);
      rss.push(r.rssMb);
      const f = tgsh(home, ['-e', `forget @user_${5 + k * 20}`]);
      if (!f.stdout.includes('SUCCESS')) throw new Error(`forget failed: ${f.stdout} ${f.stderr}`);
      forget.push(f.ms);
      rss.push(f.rssMb);
    }
    const b = median(base);
    report('tgsh -e version (new process, baseline)', b, 'ms');
    report(`[offline] resolve_username user_999999 at ${N.toLocaleString('en')} peers`, median(resolve), 'ms');
    report('  ratio resolve / version', median(resolve) / b, 'x', { op: '<=', limit: 1.3 });
    report(`forget @user_N at ${N.toLocaleString('en')} peers`, median(forget), 'ms');
    report('  ratio forget / version', median(forget) / b, 'x', { op: '<=', limit: 1.3 });
    report('peak RSS of those processes (max)', Math.max(...rss), 'MB', { op: '<=', limit: 120 });

    // 3. 100,000 new peers in one command, through the store API (upserts + one flush).
    const dir = join(home, 'profiles', 'add');
    const store = await openPeerStore({ paths: profilePaths(dir), notice: () => {}, store: 'sqlite' });
    const inputs = [];
    for (let i = 0; i < ADD_N; i++) {
      const p = peer(i);
      inputs.push({ kind: p.kind, id: p.id, accessHash: p.accessHash, firstName: p.firstName, lastName: p.lastName, title: p.title, usernames: p.usernames });
    }
    const t0 = now();
    for (const i of inputs) store.upsert(i, 'mtproto');
    const upsertMs = now() - t0;
    const t1 = now();
    await store.flush();
    const flushMs = now() - t1;
    report('add 100,000 new peers in one command, sqlite (upserts + one flush)', (upsertMs + flushMs) / 1000, 's', { op: '<=', limit: 3 });
    report('  of which upserts', upsertMs, 'ms');
    report('  of which the flush (one transaction)', flushMs, 'ms');
    store.upsert({ kind: 'user', id: 1_000_000_003, lastName: 'Changed' }, 'updates');
    const t2 = now();
    await store.flush();
    report('one changed peer, flush of a 100,000-peer sqlite store', now() - t2, 'ms');
    const t3 = now();
    const c = store.completions('@user_12', 20).length;
    report(`completion of @user_12 (${c} of 20, indexed)`, now() - t3, 'ms');
    await store.close();
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  if (missed().length > 0) process.exitCode = 1;
}

await main();
