// The built binary under a real terminal (tmux, on a private server socket): the prompt appears,
// a command answers, Ctrl-D exits, and the terminal is handed back in cooked mode with echo and a
// visible cursor, also after SIGTERM and after a crash. Waits poll the screen for a marker; no
// fixed sleeps. Needs tmux (CI installs it): without it this file says so loudly and skips, and
// fails under CI.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, cleanEnv, tempHome } from '../helpers/cli.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const built = existsSync(join(ROOT, 'dist', 'repl', 'run.js'));
if (!hasTmux) {
  process.stderr.write(
    '\n' +
      '*****************************************************************************\n' +
      '*  tmux NOT FOUND: the real-terminal test (test/e2e/terminal.test.ts) is     *\n' +
      '*  SKIPPED. Install tmux (apt-get install tmux) to run it; CI installs it.   *\n' +
      '*****************************************************************************\n\n',
  );
}

const V = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const SOCKET = `tgsh-e2e-${process.pid}`;
const home = tempHome();
const env = cleanEnv(home.dir, { PS1: 'sh$ ', TERM: 'xterm-256color', HISTFILE: '/dev/null' });
delete env.CI; // Ink renders no live prompt under CI=true
delete env.TMUX;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { env, encoding: 'utf8' });
}

const screen = (): string => tmux('capture-pane', '-p', '-t', 'e2e', '-S', '-200');

async function waitFor(test: RegExp, what: string, timeoutMs = 15_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = screen();
    if (test.test(s)) return s;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; screen:\n${s}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function typeLine(text: string): void {
  tmux('send-keys', '-t', 'e2e', '-l', text);
  tmux('send-keys', '-t', 'e2e', 'Enter');
}

let marker = 0;
/** Runs a line in the outer shell and returns the screen once its output is complete. */
async function shell(command: string): Promise<string> {
  const m = ++marker;
  // The marker is computed by the shell, so the echoed command line never matches it.
  typeLine(`${command}; echo "DONE-$((${m} * 1000 + 7))"`);
  return waitFor(new RegExp(`^DONE-${m * 1000 + 7}$`, 'm'), `marker ${m}`);
}

/** The lines after the last occurrence of `start` (the output of the last command). */
function after(s: string, start: string): string {
  return s.slice(s.lastIndexOf(start));
}

async function startTgsh(command = 'node bin/tgsh.js'): Promise<void> {
  tmux('clear-history', '-t', 'e2e');
  typeLine('clear');
  await waitFor(/^sh\$\s*$/m, 'a clear screen');
  typeLine(command);
  // With no credentials configured the shell opens on the offline sandbox and says so.
  await waitFor(
    new RegExp(`^tgsh ${V.replace(/\./g, '\\.')} — type 'help' for commands, Ctrl-D to exit\\nsandbox: an offline Telegram on 127\\.0\\.0\\.1; nothing leaves this machine\\ntry: resolve_username example_user, or sandbox users\\n`, 'm'),
    'the banner',
  );
  // Each start is a new sandbox world: its seeded messages arrive, the last one from Example.
  await waitFor(/^ \[\d\d \w{3}\]  Example >>> \/start\n>\s*$/m, 'the seeded messages and the prompt');
}

async function expectRestored(status: number): Promise<void> {
  const s = after(await shell('echo "STATUS=$?"; stty -a | tr " " "\\n" | grep -xE -- "-?(icanon|echo|isig)" | tr "\\n" " "; echo'), 'echo "STATUS=');
  expect(s).toContain(`STATUS=${status}`);
  // stty prints `-icanon` / `-echo` while raw mode is still on
  const flags = s.split('\n')[s.split('\n').findIndex((l) => l.startsWith('STATUS=')) + 1]!.trim().split(/\s+/).sort();
  expect(flags).toEqual(['echo', 'icanon', 'isig']);
  expect(tmux('display-message', '-p', '-t', 'e2e', '#{cursor_flag}').trim()).toBe('1');
}

describe.skipIf(!hasTmux && !process.env.CI)('interactive shell under a real terminal (tmux)', () => {
  beforeAll(async () => {
    if (!hasTmux) throw new Error('tmux is required for this test under CI (apt-get install tmux)');
    if (!built) throw new Error('dist/ is missing: run `npm run build` (npm test builds first)');
    tmux('new-session', '-d', '-s', 'e2e', '-x', '100', '-y', '30', '-c', ROOT, "PS1='sh$ ' bash --norc --noprofile");
    await waitFor(/^sh\$\s*$/m, 'the outer shell');
  });
  afterAll(() => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
    home.cleanup();
  });

  it('shows the prompt, answers a command, exits on Ctrl-D and restores the terminal', async () => {
    await startTgsh();
    typeLine('version');
    await waitFor(new RegExp(`^> version\\nversion: tgsh ${V.replace(/\./g, '\\.')}\\n>\\s*$`, 'm'), 'the answer to version');
    tmux('send-keys', '-t', 'e2e', 'C-d');
    await waitFor(/^sh\$\s*$/m, 'the outer shell after Ctrl-D');
    await expectRestored(0);
    const hist = join(home.dir, 'profiles', 'sandbox', 'history'); // no credentials: the sandbox profile
    expect(readFileSync(hist, 'utf8')).toBe('version\n');
    expect(statSync(hist).mode & 0o777).toBe(0o600);
  });

  it('Ctrl-Z stops tgsh with the terminal given back; fg brings the same line back', async () => {
    await startTgsh();
    tmux('send-keys', '-t', 'e2e', '-l', 'versi');
    await waitFor(/^> versi/m, 'typed text');
    tmux('send-keys', '-t', 'e2e', 'C-z');
    await waitFor(/^\[1\]\+\s+Stopped\s+node bin\/tgsh\.js\nsh\$\s*$/m, 'the job stopped');
    // While it is stopped, the outer shell has a cooked terminal with a cursor.
    const s = after(await shell('stty -a | tr " " "\\n" | grep -xE -- "-?(icanon|echo|isig)" | sort | tr "\\n" " "; echo'), 'stty -a');
    expect(s).toMatch(/^echo icanon isig\s*$/m);
    expect(tmux('display-message', '-p', '-t', 'e2e', '#{cursor_flag}').trim()).toBe('1');
    typeLine('fg');
    await waitFor(/^back in tgsh\n> versi/m, 'the prompt again, with the line being typed');
    typeLine('on');
    await waitFor(new RegExp(`^> version\\nversion: tgsh ${V.replace(/\./g, '\\.')}\\n>\\s*$`, 'm'), 'the answer to version');
    tmux('send-keys', '-t', 'e2e', 'C-d');
    await waitFor(/^sh\$\s*$/m, 'the outer shell after Ctrl-D');
    await expectRestored(0);
  });

  it('restores the terminal after SIGTERM', async () => {
    await startTgsh();
    tmux('send-keys', '-t', 'e2e', '-l', 'half a line');
    await waitFor(/^> half a line/m, 'typed text');
    const bash = tmux('display-message', '-p', '-t', 'e2e', '#{pane_pid}').trim();
    const node = execFileSync('pgrep', ['-P', bash], { encoding: 'utf8' }).trim().split('\n')[0]!;
    process.kill(Number(node), 'SIGTERM');
    await waitFor(/^sh\$\s*$/m, 'the outer shell after SIGTERM');
    await expectRestored(143);
  });

  it('restores the terminal, then reports a crash with status 70', async () => {
    // A preload that throws inside the process when told to (SIGUSR2): an uncaught exception.
    const preload = join(home.dir, 'crash.mjs');
    // Once: Ink's signal-exit raises a signal again after its own handlers ran.
    writeFileSync(preload, "let once = false; process.on('SIGUSR2', () => { if (once) return; once = true; setTimeout(() => { throw new Error('boom from the test'); }); });\n");
    await startTgsh(`node --import ${preload} bin/tgsh.js`);
    const bash = tmux('display-message', '-p', '-t', 'e2e', '#{pane_pid}').trim();
    const node = execFileSync('pgrep', ['-P', bash], { encoding: 'utf8' }).trim().split('\n')[0]!;
    process.kill(Number(node), 'SIGUSR2');
    const s = await waitFor(/^sh\$\s*$/m, 'the outer shell after the crash');
    expect(s).toMatch(/tgsh: crashed \(a bug in tgsh; please report it\): Error: boom from the test/);
    await expectRestored(70);
  });
});
