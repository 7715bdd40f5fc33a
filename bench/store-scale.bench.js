// The sqlite backend at scale (issue 14): it makes its own data. 1,000,000 peers imported by one
// `tgsh --store sqlite -e 'import FILE'`; then new processes that answer from that store
// (`[offline] resolve_username user_999999`, `forget @user_N`; 15 rounds after 2 not counted) against `tgsh -e version` (the
// cost of starting tgsh at all), as ratios of medians; their peak resident memory; and 100,000
// peers added in one command (upserts + one flush) through the store API. Build first.
//   node bench/store-scale.bench.js        (or: npm run bench -- store-scale)
//   TGSH_BENCH_SCALE_N=200000 for a quicker run (the 1M targets are then only indicative)
// Then, when PostgreSQL is installed (a private cluster on a free port, stopped at the end;
// "skipped: no PostgreSQL" otherwise): 4 processes importing 25,000 peers each at once into one
// database (peers kept); two `sync` processes of one bot at once against the sandbox (how many
// polled, what the other said); a `sync` killed with SIGKILL mid-batch and another after it
// (updates served again that were applied, users missing, the offset). Figures, not timings.
//   TGSH_BENCH_SCALE_ONLY=postgres runs only that part.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openPeerStore } from '../dist/store/index.js';
import { profilePaths } from '../dist/core/paths.js';
import { median, missed, now, report } from './lib.js';
import { findPostgresBin, startPostgres } from './pg-cluster.js';

const N = Number(process.env.TGSH_BENCH_SCALE_N ?? 1_000_000);
const ADD_N = 100_000;
/** Counted rounds of version / resolve / forget, after WARMUP rounds not counted (the file just written, cold caches). */
const RUNS = 15;
const WARMUP = 2;
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
  if (process.env.TGSH_BENCH_SCALE_ONLY !== 'postgres') await sqlitePart();
  await postgresPart();
  if (missed().length > 0) process.exitCode = 1;
}

async function sqlitePart() {
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
    for (let k = 0; k < WARMUP + RUNS; k++) {
      const counted = k >= WARMUP;
      const v = tgsh(home, ['-e', 'version']).ms;
      const r = tgsh(home, ['-e', '[offline] resolve_username user_999999']);
      if (r.stdout.startsWith('FAIL') || r.stdout.trim() === '') throw new Error(`resolve did not find the peer: ${r.stdout} ${r.stderr}`);
      const f = tgsh(home, ['-e', `forget @user_${5 + k * 20}`]);
      if (!f.stdout.includes('SUCCESS')) throw new Error(`forget failed: ${f.stdout} ${f.stderr}`);
      rss.push(r.rssMb, f.rssMb);
      if (!counted) continue;
      base.push(v);
      resolve.push(r.ms);
      forget.push(f.ms);
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
}

// ---------------------------------------------------------------- postgres: several processes

/** tgsh in a child process, without blocking this one (the sandbox answers from here). */
function tgshAsync(home, args) {
  const env = { ...process.env, TGSH_HOME: home, TZ: 'UTC' };
  for (const k of Object.keys(env)) if (/^(TG_|TGSH_STORE|CI$)/.test(k)) delete env[k];
  const proc = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => (stdout += d));
  proc.stderr.on('data', (d) => (stderr += d));
  const done = new Promise((resolve) => proc.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { proc, done };
}

/** A sandbox with n pending messages from n new users who started the bot (seeded updates confirmed). */
async function loadedSandbox(n, idBase) {
  const { startSandbox } = await import('../dist/sandbox/sandbox.js');
  const { SANDBOX_BOT_ID } = await import('../dist/sandbox/world/default-world.js');
  const sb = await startSandbox();
  const q = sb.world.updates(SANDBOX_BOT_ID);
  q.confirm(q.nextUpdateId);
  const users = sb.world.driver.addUsers(n, { startBot: SANDBOX_BOT_ID, idBase }).map((u) => u.id);
  sb.world.driver.enqueueMessages(n, { from: users });
  // What the Bot API served and the offsets it was sent (getUpdates: confirm, then peek).
  const served = [];
  const offsets = [];
  const peek = q.peek.bind(q);
  const confirm = q.confirm.bind(q);
  q.peek = (limit, allowed) => {
    const r = peek(limit, allowed);
    for (const u of r) served.push(u.update_id);
    return r;
  };
  q.confirm = (offset) => {
    offsets.push(offset);
    return confirm(offset);
  };
  return { sb, users, lastId: q.nextUpdateId - 1, served, offsets, botId: SANDBOX_BOT_ID, flags: ['--bot-api-root', sb.connection.bot_api_root, '--bot-token', sb.connection.bot_token] };
}

async function postgresPart() {
  const bin = findPostgresBin();
  if (!bin) {
    process.stdout.write('postgres part: skipped: no PostgreSQL (scripts/ci-postgres.sh installs it)\n');
    return;
  }
  const pg = await startPostgres(bin);
  const { PgBackend } = await import('../dist/store/pg-backend.js');
  const home = mkdtempSync(join(tmpdir(), 'tgsh-bench-pg-home-'));
  try {
    // 1. Four processes adding 25,000 peers each at once (tgsh -e import, one database).
    const db = pg.createDatabase();
    const url = pg.url(db);
    const files = [0, 1, 2, 3].map((k) => {
      const f = join(home, `part-${k}.json`);
      writeExportRange(f, k * 25_000, 25_000);
      return f;
    });
    const t = now();
    const runs = files.map((f, k) => tgshAsync(join(home, `writer-${k}`), ['--store', url, '-e', `import ${f}`]).done);
    const ends = await Promise.all(runs);
    const ms = now() - t;
    for (const e of ends) if (e.code !== 0) throw new Error(`import failed: ${e.stdout} ${e.stderr}`);
    const kept = Number(pg.sql('SELECT count(*) FROM tgsh_peers', db).trim());
    const names = Number(pg.sql('SELECT count(DISTINCT print_name) FROM tgsh_peers', db).trim());
    report('postgres: 4 processes adding 25,000 peers each at once: kept', kept, 'peers', { op: '>=', limit: 100_000 });
    report('  distinct print names among them', names, '', { op: '>=', limit: 100_000 });
    report('  wall time of the 4 imports', ms / 1000, 's');

    // 2. Two processes syncing one bot at once: one polls, the other says who does.
    {
      const w = await loadedSandbox(10_000, 920_000_000);
      const url2 = pg.url(pg.createDatabase());
      try {
        const a = tgshAsync(join(home, 'sync-a'), ['--store', url2, ...w.flags, '--json', '-e', 'sync']);
        const b = tgshAsync(join(home, 'sync-b'), ['--store', url2, ...w.flags, '--json', '-e', 'sync']);
        const results = await Promise.all([a.done, b.done]);
        const answers = results.map((r) => {
          try {
            return JSON.parse(r.stdout.trim().split('\n')[0]);
          } catch {
            return { result: 'FAIL', error: (r.stdout + r.stderr).trim().slice(0, 300) };
          }
        });
        const polled = answers.filter((x) => x.result === 'SUCCESS');
        const refused = answers.filter((x) => x.result !== 'SUCCESS');
        report('postgres: two syncs of one bot at once: syncs that polled', polled.length, '', { op: '<=', limit: 1 });
        report('  updates read by them (of 10,000)', polled.reduce((n, x) => n + (x.updates ?? 0), 0), '', { op: '>=', limit: 10_000 });
        for (const x of refused) process.stdout.write(`  the other said: FAIL: ${x.error_code ?? ''}: ${x.error}${x.hint ? ` (hint: ${x.hint})` : ''}\n`);
        report('  updates the Bot API served more than once', w.served.length - new Set(w.served).size, '', { op: '<=', limit: 0 });
      } finally {
        await w.sb.close();
      }
    }

    // 3. SIGKILL of the poller mid-batch, then another sync.
    {
      const n = 5000;
      const w = await loadedSandbox(n, 930_000_000);
      const url3 = pg.url(pg.createDatabase());
      const key = `update_offset:${w.botId}`;
      const probe = new PgBackend(url3);
      try {
        const first = w.lastId - n + 1;
        const a = tgshAsync(join(home, 'kill'), ['--store', url3, ...w.flags, '-e', 'sync']);
        // Once about a third is in the database, at whatever point of a batch that is.
        for (;;) {
          const e = await probe.readState(key).catch(() => undefined);
          if (e && e.value >= first + n / 3) break;
          await new Promise((r) => setTimeout(r, 5));
        }
        a.proc.kill('SIGKILL');
        const killed = await a.done;
        const servedBefore = w.served.length;
        const offsetsBefore = w.offsets.length;
        const atKill = (await probe.readState(key))?.value;
        const applied = new Set(w.served.slice(0, servedBefore).filter((id) => id < atKill));
        const b = await tgshAsync(join(home, 'kill'), ['--store', url3, ...w.flags, '-e', 'sync']).done;
        if (b.code !== 0) throw new Error(`the sync after the kill failed: ${b.stdout} ${b.stderr}`);
        const again = w.served.slice(servedBefore);
        const repeated = again.filter((id) => applied.has(id)).length;
        const index = await new PgBackend(url3).open(() => {});
        const missing = w.users.filter((id) => index.get(`user:${id}`) === undefined).length;
        const offset = (await probe.readState(key))?.value;
        const seen = new Set([...applied, ...again]);
        let unseen = 0;
        for (let id = first; id <= w.lastId; id++) if (!seen.has(id)) unseen++;
        process.stdout.write(`postgres: sync killed (${killed.signal}) with ${atKill - first} of ${n} updates in the database\n`);
        report('  updates applied before the kill and served again', repeated, '', { op: '<=', limit: 0 });
        report('  updates never applied (missed)', unseen, '', { op: '<=', limit: 0 });
        report('  users of the updates missing from the store', missing, '', { op: '<=', limit: 0 });
        report("  next poller's first offset - the database's", (w.offsets[offsetsBefore] ?? NaN) - atKill, '', { op: '<=', limit: 0 });
        report('  offset afterwards - (last update id + 1)', offset - (w.lastId + 1), '', { op: '<=', limit: 0 });
      } finally {
        await probe.close();
        await w.sb.close();
      }
    }
  } finally {
    pg.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

/** An export of `count` peers from index `start` (peer()), small enough to write at once. */
function writeExportRange(file, start, count) {
  const peers = [];
  for (let i = start; i < start + count; i++) peers.push(peer(i));
  writeFileSync(file, JSON.stringify({ format: 'tgsh-export', version: 1, exported_at: '2026-12-02T00:00:00.000Z', peer_schema: 2, count, peers }));
}

await main();
