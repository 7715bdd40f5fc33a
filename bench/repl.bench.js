// Interactive start-up: time from spawning `node bin/tgsh.js` under a pseudo-terminal to the
// prompt on the screen, against a baseline in the same harness and the same run (`node -e` that
// prints the same banner and prompt). Median of 9 each, interleaved. Target: first prompt <= 450 ms.
//
// tgsh shows its banner and a provisional prompt before Ink has loaded (keys typed meanwhile wait
// in the terminal's buffer). So a second figure, "live", is reported without a target: a key is
// typed the moment the prompt shows, and the clock stops when the Ink prompt echoes it.
//
// The harness is script(1) (util-linux): a real pty whose output reaches us as a stream, so the
// prompt is seen the moment it is written (no screen polling). The pty is sized 100x30 first
// (a 0x0 pty breaks Ink's layout); the baseline pays for that too.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { median, now, report } from './lib.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const N = 9;
const TARGET_MS = 450;

if (spawnSync('script', ['--version']).status !== 0) {
  process.stdout.write('repl.bench: script(1) (util-linux) not found; skipped\n');
  process.exit(0);
}

const home = mkdtempSync(join(tmpdir(), 'tgsh-bench-repl-'));
const env = { ...process.env, TGSH_HOME: home, TERM: 'xterm-256color' };
delete env.CI; // Ink renders no live prompt under CI=true
delete env.NODE_ENV;

const sh = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
const TGSH = `node ${sh(join(ROOT, 'bin', 'tgsh.js'))}`;
const BASELINE = `node -e ${sh(`process.stdout.write("tgsh 0.0.0 — type 'help' for commands, Ctrl-D to exit\\r\\n> ")`)}`;

/**
 * Spawns `command` in a 100x30 pty; resolves with ms until a line starting with "> " shows, and
 * (with `live`) until the key typed at that moment is echoed on the prompt.
 */
function timeToPrompt(command, live = false) {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const child = spawn('script', ['-qfec', `stty cols 100 rows 30; exec ${command}`, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let seen;
    let echoed;
    const done = () => {
      child.stdin.write('\x15\x04'); // Ctrl-U, Ctrl-D: the shell exits
      setTimeout(() => child.kill('SIGTERM'), 3000).unref();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no prompt within 20 s from: ${command}\n${out}`));
    }, 20_000);
    child.stdout.on('data', (d) => {
      out += d.toString('utf8');
      const screen = stripVTControlCharacters(out);
      if (seen === undefined && /(^|[\r\n])> /.test(screen)) {
        seen = now() - t0;
        if (live) child.stdin.write('Q');
        else done();
      } else if (live && seen !== undefined && echoed === undefined && /> Q/.test(screen)) {
        echoed = now() - t0;
        done();
      }
    });
    child.on('close', () => {
      clearTimeout(timer);
      if (seen === undefined || (live && echoed === undefined)) reject(new Error(`no prompt from: ${command}\n${out}`));
      else resolve(live ? echoed : seen);
    });
  });
}

try {
  // One untimed run each: page cache, compiled files.
  await timeToPrompt(BASELINE);
  await timeToPrompt(TGSH);
  const base = [];
  const tgsh = [];
  const live = [];
  for (let i = 0; i < N; i++) {
    base.push(await timeToPrompt(BASELINE));
    tgsh.push(await timeToPrompt(TGSH));
    live.push(await timeToPrompt(TGSH, true));
  }
  const b = median(base);
  const t = median(tgsh);
  const l = median(live);
  report(`baseline: node -e printing the prompt, in a pty (median of ${N})`, b, 'ms');
  report(`repl: spawn to first prompt, in a pty (median of ${N})`, t, 'ms', { op: '<=', limit: TARGET_MS });
  report('repl: first prompt / baseline', t / b, 'x');
  report(`repl: spawn to live prompt (a key typed at once is echoed) (median of ${N})`, l, 'ms');
  report('repl: live prompt / baseline', l / b, 'x');
  process.exitCode = t <= TARGET_MS ? 0 : 1;
} finally {
  rmSync(home, { recursive: true, force: true });
}
