// Start-up and local throughput of the shell (issue 2, section 6).
//   tgsh -e help, and `echo help | tgsh`, against `node -e 0` in the same run: ratio <= 1.6
//   10,000 piped lines of local commands: <= 2 s in all
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, now, report, missed } from './lib.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'tgsh.js');
const home = mkdtempSync(join(tmpdir(), 'tgsh-bench-'));
const env = { ...process.env, TGSH_HOME: home };
for (const k of Object.keys(env)) if (k.startsWith('TG_')) delete env[k];

function timeRun(args, input) {
  const t = now();
  const r = spawnSync(process.execPath, args, { input, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const ms = now() - t;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

const RUNS = 15;
// Interleave the runs so that load on this shared machine hits both sides alike.
const base = [], exec = [], pipe = [];
for (let i = 0; i < RUNS + 2; i++) {
  const b = timeRun(['-e', '0']).ms;
  const e = timeRun([bin, '-e', 'help']).ms;
  const p = timeRun([bin], 'help\n').ms;
  if (i >= 2) { base.push(b); exec.push(e); pipe.push(p); } // two warm-up rounds
}
const mb = median(base), me = median(exec), mp = median(pipe);
report('node -e 0 (baseline), median', mb, 'ms');
report('tgsh -e help, median', me, 'ms');
report('echo help | tgsh, median', mp, 'ms');
report('tgsh -e help / node -e 0', me / mb, 'x', { op: '<=', limit: 1.6 });
report('echo help | tgsh / node -e 0', mp / mb, 'x', { op: '<=', limit: 1.6 });

const local = ['help', 'version', 'stats', 'help msg', 'nope', '# comment', 'version', '"bad', 'help help', 'stats'];
const lines = Array.from({ length: 10_000 }, (_, i) => local[i % local.length]).join('\n') + '\n';
const times = [];
for (let i = 0; i < 3; i++) {
  const t = now();
  const r = spawnSync(process.execPath, [bin, '--json'], { input: lines, env, maxBuffer: 1 << 28 });
  times.push(now() - t);
  const answers = r.stdout.toString().split('\n').filter(Boolean).length;
  if (answers !== 9_000) throw new Error(`expected 9000 answers (comments get none), got ${answers}`);
}
report('10,000 piped lines of local commands, median of 3', median(times), 'ms', { op: '<=', limit: 2000 });

rmSync(home, { recursive: true, force: true });
process.exitCode = missed().length ? 1 : 0;
