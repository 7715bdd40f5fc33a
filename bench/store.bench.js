// The peer store at 100,000 peers (issue 4): adding them in one command (one flush), loading them,
// username lookups, resident memory; and the same kind of work through naive `conf.set` per peer
// (at 5,000 peers, extrapolated to 100,000), as a ratio. Build first: `npx tsc -p .`.
//   node --expose-gc bench/store.bench.js        (or: npm run bench -- store)
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Conf from 'conf';
import { openPeerStore } from '../dist/store/index.js';
import { profilePaths } from '../dist/core/paths.js';
import { median, missed, now, report } from './lib.js';

const N = 100_000;
const NAIVE_N = 5_000;
const LOOKUPS = 200_000;
const quiet = () => {};

/** A peer as Telegram would describe it: mostly users, some bots, groups and channels. */
function peerInput(i) {
  const id = 1_000_000_000 + i;
  const hash = BigInt.asIntN(64, BigInt(id) * 0x9e3779b97f4a7c15n).toString();
  const r = i % 20;
  if (r === 0) return { kind: 'supergroup', id, accessHash: hash, title: `Group ${i}`, usernames: [`group_${i}`], members: i % 5000 };
  if (r === 1) return { kind: 'channel', id, accessHash: hash, title: `News ${i % 500}`, usernames: [`news_${i}`] };
  if (r === 2) return { kind: 'bot', id, accessHash: hash, firstName: `Bot${i}`, usernames: [`b${i}_bot`] };
  // Many users share names: print names get #1, #2... suffixes.
  return { kind: 'user', id, accessHash: hash, firstName: `First${i % 3000}`, lastName: `Last${i % 7}`, usernames: [`user_${i}`], phone: `1555${i}`, interaction: i % 3 === 0 };
}

function usernameOf(i) {
  const r = i % 20;
  return r === 0 ? `group_${i}` : r === 1 ? `news_${i}` : r === 2 ? `b${i}_bot` : `user_${i}`;
}

async function child(dir) {
  // A fresh process: load the store, look usernames up, report time and memory as one JSON line.
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const t0 = now();
  const store = await openPeerStore({ paths: profilePaths(dir), notice: quiet });
  const loadMs = now() - t0;
  if (store.size !== N) throw new Error(`loaded ${store.size} peers, expected ${N}`);
  const names = [];
  for (let k = 0; k < 1000; k++) names.push(usernameOf((k * 7919) % N).toUpperCase());
  let found = 0;
  const t1 = now();
  for (let k = 0; k < LOOKUPS; k++) {
    const r = store.resolveRef({ kind: 'username', username: names[k % 1000], raw: '@' + names[k % 1000] });
    if ('peer' in r) found++;
  }
  const lookupMs = (now() - t1) / LOOKUPS;
  if (found !== LOOKUPS) throw new Error(`only ${found} of ${LOOKUPS} lookups found their peer`);
  globalThis.gc?.();
  // V8 hands freed pages back shortly after a collection: let it settle.
  await new Promise((r) => setTimeout(r, 500));
  globalThis.gc?.();
  const rss = process.memoryUsage().rss;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const t2 = now();
  const completions = store.completions('@user_12', 20).length;
  const completionMs = now() - t2;
  process.stdout.write(JSON.stringify({ loadMs, lookupMs, rssMb: rss / 2 ** 20, peakRssMb: peakRss / 2 ** 20, rssBeforeMb: rssBefore / 2 ** 20, completions, completionMs }) + '\n');
  await store.close();
}

async function main() {
  // How fast this machine is at what the store does most (string-keyed Map inserts), to read the
  // figures below against: about 150-250 ms on a current laptop.
  {
    const t = now();
    const m = new Map();
    for (let i = 0; i < 1_000_000; i++) m.set(`user:${1_000_000_000 + i}`, i);
    report('machine: 1,000,000 Map.set with string keys', now() - t, 'ms');
  }
  const dir = mkdtempSync(join(tmpdir(), 'tgsh-bench-store-'));
  try {
    // 1. One command that learns 100,000 new peers: upserts in memory, then one flush.
    let addSeconds;
    {
      const store = await openPeerStore({ paths: profilePaths(dir), notice: quiet });
      // What Telegram sent (made before the clock starts: building it is not the store's work).
      const inputs = [];
      for (let i = 0; i < N; i++) inputs.push(peerInput(i));
      const t0 = now();
      for (let i = 0; i < N; i++) store.upsert(inputs[i], 'mtproto');
      const upsertMs = now() - t0;
      const t1 = now();
      await store.flush();
      const flushMs = now() - t1;
      addSeconds = (upsertMs + flushMs) / 1000;
      report('add 100,000 new peers in one command (upserts + one flush)', addSeconds, 's', { op: '<=', limit: 3 });
      report('  of which upserts', upsertMs, 'ms');
      report('  of which the flush (lock, merge, write)', flushMs, 'ms');
      report('  peers.json size', statSync(profilePaths(dir).peers).size / 2 ** 20, 'MB');
      // A later command that changes one peer of the 100,000 (every command flushes).
      store.upsert({ kind: 'user', id: 1_000_000_003, lastName: 'Changed' }, 'updates');
      const t2 = now();
      await store.flush();
      report('one changed peer, flush of a 100,000-peer store', now() - t2, 'ms');
      await store.close();
    }

    // 2. Load, lookups and memory in a fresh process (this one holds the writer's garbage).
    //    Three fresh processes; the median of each figure (a shared 2-core machine is noisy).
    const self = fileURLToPath(import.meta.url);
    const runs = [];
    for (let k = 0; k < 3; k++) {
      const r = spawnSync(process.execPath, ['--expose-gc', self, '--child', dir], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
      runs.push(JSON.parse(r.stdout.trim().split('\n').pop()));
    }
    const c = Object.fromEntries(Object.keys(runs[0]).map((k) => [k, median(runs.map((x) => x[k]))]));
    report('load 100,000 peers (open: settings, credentials, peers)', c.loadMs / 1000, 's', { op: '<=', limit: 1.5 });
    process.stdout.write(`${'  the three loads'.padEnd(58)} ${runs.map((x) => (x.loadMs / 1000).toFixed(3)).join(' / ')} s\n`);
    report('username lookup (@name, any case), average', c.lookupMs, 'ms', { op: '<=', limit: 0.01 });
    report('resident memory with 100,000 peers loaded (settled)', Math.round(c.rssMb), 'MB', { op: '<=', limit: 200 });
    report('  peak resident memory while loading (parse of the file)', Math.round(c.peakRssMb), 'MB');
    report('  completion of @user_12 (one pass over the indexes)', c.completionMs, 'ms');

    // 3. The naive way: conf.set per peer (each reads and parses the whole file, then rewrites
    //    it), measured at 5,000 peers. Each set costs a + b*n at n entries, so n sets cost
    //    a*n + b*n^2/2. By default the per-set cost is sampled at 0, 1,250, ... 5,000 entries (the
    //    store filled between samples with one assignment), which takes seconds; with
    //    TGSH_BENCH_NAIVE_FULL=1 all 5,000 sets are timed one after another (minutes).
    const naiveDir = join(dir, 'naive');
    const conf = new Conf({ cwd: naiveDir, configName: 'peers', accessPropertiesByDotNotation: false, configFileMode: 0o600 });
    const shape = await openPeerStore({ paths: profilePaths(join(dir, 'shape')), notice: quiet });
    const records = [];
    for (let i = 0; i < NAIVE_N; i++) records.push(shape.upsert(peerInput(i), 'mtproto'));
    await shape.close();
    const key = (r) => `user:${r.id}`;
    let a;
    let b;
    let naiveAt5k;
    if (process.env.TGSH_BENCH_NAIVE_FULL === '1') {
      const half = NAIVE_N / 2;
      const t0 = now();
      for (let i = 0; i < half; i++) conf.set(key(records[i]), records[i]);
      const tHalf = now() - t0;
      for (let i = half; i < NAIVE_N; i++) conf.set(key(records[i]), records[i]);
      const tFull = now() - t0;
      b = (2 * (tFull - 2 * tHalf)) / (NAIVE_N * NAIVE_N - 2 * half * half);
      a = (tFull - (b * NAIVE_N * NAIVE_N) / 2) / NAIVE_N;
      naiveAt5k = tFull / 1000;
      report(`naive conf.set per peer, ${NAIVE_N.toLocaleString('en')} sets one after another (measured)`, naiveAt5k, 's');
    } else {
      const points = [];
      const SAMPLES = 20;
      for (let n = 0; n <= NAIVE_N; n += NAIVE_N / 4) {
        // Fill to n entries in one assignment, then time SAMPLES single sets of new keys.
        const fill = {};
        for (let i = 0; i < n; i++) fill[key(records[i])] = records[i];
        conf.store = fill;
        const t = now();
        for (let k = 0; k < SAMPLES; k++) conf.set(`extra:${k}`, records[k]);
        points.push([n + SAMPLES / 2, (now() - t) / SAMPLES]);
      }
      // Least squares: per-set ms = a + b*n.
      const m = points.length;
      const sx = points.reduce((s, [x]) => s + x, 0);
      const sy = points.reduce((s, [, y]) => s + y, 0);
      const sxx = points.reduce((s, [x]) => s + x * x, 0);
      const sxy = points.reduce((s, [x, y]) => s + x * y, 0);
      b = (m * sxy - sx * sy) / (m * sxx - sx * sx);
      a = (sy - b * sx) / m;
      report(`naive conf.set at ${NAIVE_N.toLocaleString('en')} entries, one set (measured)`, points[points.length - 1][1], 'ms');
      naiveAt5k = (a * NAIVE_N + (b * NAIVE_N * NAIVE_N) / 2) / 1000;
      report(`naive conf.set per peer, ${NAIVE_N.toLocaleString('en')} peers (from the measured per-set costs)`, naiveAt5k, 's');
    }
    const naiveAt100k = (a * N + (b * N * N) / 2) / 1000;
    report('naive conf.set per peer, extrapolated to 100,000 peers', naiveAt100k, 's');
    const storeAt5k = await (async () => {
      const s2 = await openPeerStore({ paths: profilePaths(join(dir, 'small')), notice: quiet });
      const t = now();
      for (let i = 0; i < NAIVE_N; i++) s2.upsert(peerInput(i), 'mtproto');
      await s2.flush();
      const ms = now() - t;
      await s2.close();
      return ms / 1000;
    })();
    report(`peer store, ${NAIVE_N.toLocaleString('en')} new peers (upserts + one flush)`, storeAt5k, 's');
    report('ratio naive / store at 5,000 peers', naiveAt5k / storeAt5k, 'x');
    report('ratio naive (extrapolated) / store (measured) at 100,000 peers', naiveAt100k / addSeconds, 'x');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (missed().length > 0) process.exitCode = 1;
}

if (process.argv[2] === '--child') await child(process.argv[3]);
else await main();
