// The daemon's life on the built binary: unix sockets (0600, a stale file replaced, a live one a
// usage error), -d with -L, SIGTERM with work in flight, and tgsh -e / piped tgsh handing their
// lines to a daemon serving the profile (and running them itself once it is gone).
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FramedClient, cleanup, newHome, sleep, startDaemon } from './helpers.js';
import { BIN, runTgsh } from '../helpers/cli.js';
import { startSandbox } from '../../src/sandbox/sandbox.js';
import { tgshOn } from '../helpers/sandbox.js';
import { SANDBOX_BOT_TOKEN } from '../../src/sandbox/world/index.js';

afterEach(cleanup);

const TRY = "Try 'tgsh --help' for the options.\n";

/** A unix socket file whose server died without removing it (SIGKILL). */
async function staleSocket(path: string): Promise<void> {
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((r) => child.stdout.once('data', () => r()));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  expect(statSync(path).isSocket()).toBe(true);
}

describe('unix sockets', () => {
  it('-S serves the same frames on a socket of mode 0600; a stale file is replaced', async () => {
    const home = newHome();
    const path = join(home, 'tg.sock');
    await staleSocket(path);
    const d = await startDaemon(['--sandbox', '-S', path], { home });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, 'profiles', 'sandbox', 'daemon.sock')).mode & 0o777).toBe(0o600);
    const c = await FramedClient.open({ path });
    c.send('resolve_username example_user\nnope\n');
    expect(await c.next(2)).toEqual(['Example\n', "FAIL: 38: can not find command 'nope'\n"]);
    c.close();
    expect((await d.stop()).code).toBe(0);
    expect(existsSync(path)).toBe(false);
  });

  it('a socket another tgsh serves is a usage error naming its pid, as is a profile already served', async () => {
    const home = newHome();
    const path = join(home, 'tg.sock');
    const first = await startDaemon(['--sandbox', '-S', path], { home });
    const other = await runTgsh(['--sandbox', '-p', 'other', '-S', path], { home });
    expect(other).toMatchObject({ code: 2, stdout: '', stderr: `tgsh: -S ${path} is already served by pid ${first.child.pid}\n${TRY}` });
    const same = await runTgsh(['--sandbox', '-d'], { home });
    expect(same).toMatchObject({ code: 2, stdout: '', stderr: `tgsh: profile 'sandbox' is already served by pid ${first.child.pid}\n${TRY}` });
    // A regular file is not taken for a socket.
    const file = join(home, 'plain');
    writeFileSync(file, 'x');
    const r = await runTgsh(['--sandbox', '-p', 'third', '-S', file], { home });
    expect(r.stderr).toBe(`tgsh: -S ${file}: ${file} exists and is not a socket\n${TRY}`);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });
});

describe('-d and -L', () => {
  it('-d: nothing on stdout or stderr, stdin not read, status in the 0600 log without secrets; SIGTERM exits 0', async () => {
    const home = newHome();
    const log = join(home, 'tgsh.log');
    const d = await startDaemon(['--sandbox', '-d', '-L', log, '-P', '0'], {
      home,
      input: 'msg @example_user from stdin\n',
      ready: async () => existsSync(log) && readFileSync(log, 'utf8').includes('serving'),
    });
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(readFileSync(log, 'utf8'))![1]);
    expect(statSync(log).mode & 0o777).toBe(0o600);
    const c = await FramedClient.open({ port });
    c.send('version\nsandbox inbox @example_user\nstats\n');
    const [v, inbox, stats] = await c.next(3);
    expect(v).toBe('version\ttgsh 0.1.0\n');
    expect(inbox).toBe('(nothing received)\n'); // stdin was not read
    expect(stats).toContain('mode\tdaemon');
    c.close();
    expect((await d.stop()).code).toBe(0);
    expect(d.stdout()).toBe('');
    expect(d.stderr()).toBe('');
    const text = readFileSync(log, 'utf8');
    expect(text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ tgsh\[\d+\]: tgsh: serving profile 'sandbox' on 127\.0\.0\.1:\d+ \(pid \d+\)$/m);
    expect(text).toMatch(/SIGTERM: stopping/);
    expect(text).toMatch(/tgsh: stopped\n$/);
    expect(text).not.toContain(SANDBOX_BOT_TOKEN.split(':')[1]);
  });
});

describe('SIGTERM', () => {
  it('stops accepting, answers or cancels what runs, loses nothing it acknowledged, exits 0 within seconds', async () => {
    const sandbox = await startSandbox();
    try {
      const home = newHome();
      const { flags } = tgshOn(sandbox, home);
      const d = await startDaemon([...flags, '--json', '-P', '0'], { home });
      const listener = await FramedClient.open({ port: d.port! });
      listener.send('listen 60\n');
      const sender = await FramedClient.open({ port: d.port! });
      const N = 40;
      sender.send(Array.from({ length: N }, (_, i) => `msg @example_user note ${i}`).join('\n') + '\n');
      await sender.next(3).then((f) => sender.frames.unshift(...f));
      const t0 = Date.now();
      const exit = await d.stop('SIGTERM');
      expect(exit.code).toBe(0);
      expect(Date.now() - t0).toBeLessThan(10_000);
      await sender.untilClosed();
      await listener.untilClosed();
      // The listener's line was cancelled, and answered all the same.
      expect(JSON.parse(listener.frames.at(-1)!)).toEqual({ result: 'SUCCESS', events: listener.frames.length - 1 });
      const acked = sender.frames.map((f) => JSON.parse(f) as { result: string });
      expect(acked.length).toBeGreaterThanOrEqual(3);
      expect(acked.length).toBeLessThan(N);
      expect(acked.every((a) => a.result === 'SUCCESS')).toBe(true);
      // Every message it said SUCCESS for reached Telegram, in order; nothing after them was sent.
      const got = sandbox.world.received(191322468).map((m) => m.text);
      expect(got.slice(0, acked.length)).toEqual(acked.map((_, i) => `note ${i}`));
      expect(got.length - acked.length).toBeLessThanOrEqual(1); // at most the one cut off mid-answer
      // New connections are refused now.
      await expect(FramedClient.open({ port: d.port! })).rejects.toThrow();
    } finally {
      await sandbox.close();
    }
  });
});

describe('tgsh -e and pipes hand their lines to the daemon', () => {
  it('same answers and exit status through the daemon; --no-daemon and a dead daemon run here', async () => {
    const home = newHome();
    const d = await startDaemon(['--sandbox', '-P', '0'], { home });
    const viaDaemon = await runTgsh(['--sandbox', '-e', 'resolve_username example_user', '-e', 'nope', '-e', 'msg @example_user handed over'], { home });
    expect(viaDaemon.stdout).toMatch(/^Example\nFAIL: 38: can not find command 'nope'\n \[\d\d:\d\d\]  Example <<< handed over\n$/);
    expect(viaDaemon.stderr).toBe("type 'help' for the list of commands\n"); // the hint, as in pipe mode; no sandbox banner
    expect(viaDaemon.code).toBe(1);
    // It was the daemon's world that got the message.
    const c = await FramedClient.open({ port: d.port! });
    c.send('sandbox inbox @example_user\n');
    expect((await c.next())[0]).toMatch(/>>> handed over\n$/);
    c.close();

    const piped = await runTgsh(['--sandbox', '--json'], { home, input: 'version\nresolve_username example_user\n' });
    expect(piped.code).toBe(0);
    expect(piped.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([
      { version: 'tgsh 0.1.0' },
      { user: expect.objectContaining({ username: 'example_user' }) },
    ]);

    // --no-daemon: run here (this process starts a sandbox of its own, and says so).
    const here = await runTgsh(['--sandbox', '--no-daemon', '-e', 'sandbox inbox @example_user'], { home });
    expect(here.stdout).toBe('(nothing received)\n');

    // The daemon killed: its socket file stays behind, and tgsh runs the lines itself.
    await d.stop('SIGKILL');
    expect(existsSync(join(home, 'profiles', 'sandbox', 'daemon.sock'))).toBe(true);
    const after = await runTgsh(['--sandbox', '-e', 'sandbox inbox @example_user'], { home });
    expect(after).toMatchObject({ code: 0, stdout: '(nothing received)\n' });
  });

  it('an exit status the daemon gives (4: no bot for listen) comes back the same', async () => {
    const home = newHome();
    await startDaemon(['-d', '-L', join(home, 'log')], { home, ready: async () => existsSync(join(home, 'profiles', 'default', 'daemon.sock')) });
    const r = await runTgsh(['-e', 'listen 1'], { home });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('FAIL: 401: listen needs a bot: no bot token is configured\n');
  });
});

describe('listen without a daemon', () => {
  it('tgsh --json -e "listen 1": the seeded messages and consent events as JSON lines, then SUCCESS', async () => {
    const r = await runTgsh(['--sandbox', '--json', '-e', 'listen 1']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(-1)).toEqual({ result: 'SUCCESS', events: lines.length - 1 });
    expect(lines.filter((e) => e.event === 'message').map((e) => e.text)).toContain('/start welcome');
    expect(lines.some((e) => e.event === 'consent' && e.state === 'blocked')).toBe(true);
  });

  it('in a pipe, listen ends with the input', async () => {
    const r = await runTgsh(['--sandbox', '--json'], { input: 'listen\nversion\n' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trimEnd().split('\n').at(-1)!)).toEqual({ version: 'tgsh 0.1.0' });
  });
});

describe('tgsh completion', () => {
  it('bash, zsh and fish scripts name the daemon flags; bash parses it', async () => {
    for (const sh of ['bash', 'zsh', 'fish']) {
      const r = await runTgsh(['completion', sh]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('tcp-port');
      expect(r.stdout).toContain('unix-socket');
    }
    const bash = await runTgsh(['completion', 'bash']);
    execFileSync('bash', ['-n'], { input: bash.stdout });
    const out = execFileSync('bash', ['-c', `${bash.stdout}\nCOMP_WORDS=(tgsh --tcp); COMP_CWORD=1; _tgsh; echo "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
    expect(out.trim()).toBe('--tcp-port');
    const bad = await runTgsh(['completion', 'tcsh']);
    expect(bad.code).toBe(2);
  });
});

void BIN;
void sleep;
