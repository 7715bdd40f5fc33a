// The built binary in pipe and -e modes: answers in order, exit statuses, hostile input.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { BIN, ROOT, cleanEnv, runTgsh, tempHome } from '../helpers/cli.js';

const V = (JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string }).version;

describe('pipe mode', () => {
  it('answers every line in order and skips blanks and comments', async () => {
    const r = await runTgsh([], { input: 'version\n\n# a comment\nnope\n  \nversion\n' });
    expect(r.stdout).toBe(`version\ttgsh ${V}\nFAIL: 38: can not find command 'nope'\nversion\ttgsh ${V}\n`);
    expect(r.stderr).toBe("type 'help' for the list of commands\n");
    expect(r.code).toBe(1);
  });

  it('exits 0 when every command succeeded, and handles a last line without newline', async () => {
    const r = await runTgsh([], { input: 'help\nversion' });
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(`version\ttgsh ${V}`);
  });

  it('answers in JSON, one value per line', async () => {
    const r = await runTgsh(['--json'], { input: 'version\nmsg\n"unbalanced\n' });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { version: `tgsh ${V}` },
      { result: 'FAIL', error_code: 38, error: expect.stringMatching(/^can not (find command|parse)/), hint: expect.any(String) },
      { result: 'FAIL', error_code: 38, error: 'can not parse line: unbalanced quote: " opened at column 1 is never closed' },
    ]);
  });

  it('stops at quit: later lines are not run', async () => {
    const r = await runTgsh([], { input: 'version\nquit\nversion\n' });
    expect(r.stdout).toBe(`version\ttgsh ${V}\nSUCCESS\n`);
    expect(r.code).toBe(0);
  });

  it('answers CRLF input, invalid UTF-8 and NUL bytes without dropping a line', async () => {
    const input = Buffer.concat([Buffer.from('version\r\n'), Buffer.from([0xff, 0xfe, 0x20, 0x00, 0x0a]), Buffer.from('\u0000\u0001\n'), Buffer.from('version\n')]);
    const r = await runTgsh(['--json'], { input });
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[1].error).toBe("can not find command '\ufffd\ufffd'");
    expect(lines[2].error).toBe("can not find command '\\x00\\x01'");
    expect(lines[3]).toEqual({ version: `tgsh ${V}` });
  });

  it('gives exactly one answer to each of 10,000 random lines', async () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const words = ['help', 'version', 'stats', 'msg', '@x', 'user#1', '$01', '"', "'", '\\', '--dry-run', '-1', '42', 'é', '😀', '\u0001', '\u0000', ']', 'x3', 'reply=1', 'zzz', '\t'];
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const parts = [words[rnd(3)]!.replace(/^/, '')];
      const n = rnd(6);
      for (let j = 0; j < n; j++) parts.push(words[rnd(words.length)]!);
      if (rnd(4) === 0) parts[0] = words[3 + rnd(words.length - 3)]!.replace(/^[\s#]+/, 'x');
      lines.push(parts.join(rnd(2) ? ' ' : ''));
    }
    const r = await runTgsh(['--json'], { input: lines.join('\n') + '\n', timeoutMs: 60_000 });
    const answers = r.stdout.split('\n').filter((l) => l !== '');
    expect(answers).toHaveLength(10_000);
    for (const a of answers) expect(() => JSON.parse(a)).not.toThrow();
  });
});

describe('exec mode', () => {
  it('runs -e commands in order, splitting newlines, then exits', async () => {
    const r = await runTgsh(['-e', 'version\nnope', '-e', 'version']);
    expect(r.stdout).toBe(`version\ttgsh ${V}\nFAIL: 38: can not find command 'nope'\nversion\ttgsh ${V}\n`);
    expect(r.code).toBe(1);
  });

  it('ignores stdin when -e is given', async () => {
    const r = await runTgsh(['-e', 'version'], { input: 'nope\n' });
    expect(r.stdout).toBe(`version\ttgsh ${V}\n`);
    expect(r.code).toBe(0);
  });

  it("accepts telegram-cli's -WRDC", async () => {
    const r = await runTgsh(['-WRDC', '-e', 'version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`version\ttgsh ${V}\n`);
  });
});

describe('command line', () => {
  it('exits 2 on a bad flag, an unexpected word or a bad setting', async () => {
    for (const args of [['--nope'], ['extra'], ['--dc', 'nohost'], ['--api-id', 'x'], ['-p', '../x'], ['-P', 'x'], ['-L', 'log'], ['-d', '-e', 'version']]) {
      const r = await runTgsh(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^tgsh: .+\nTry 'tgsh --help' for the options\.\n$/);
    }
  });

  it('answers --help and --version', async () => {
    const h = await runTgsh(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('usage: tgsh');
    expect(h.stdout).toContain('Exit status');
    const v = await runTgsh(['--version']);
    expect(v.stdout).toBe(`tgsh ${V}\n`);
  });

  it('never prints the bot token', async () => {
    // Built at run time so that no token-shaped string is committed (secret scanners flag those).
    const token = ['987654321', 'AAFakeTokenForTestsOnly_abcdefghijkl'].join(':');
    const r = await runTgsh(['--bot-token', token, '--json', '-e', 'stats']);
    expect(r.stdout + r.stderr).not.toContain('AAFakeTokenForTestsOnly');
    expect(JSON.parse(r.stdout).bot_token).toBe('987654321:***');
    const env = await runTgsh(['-e', 'stats', '--nope'], { env: { TG_BOT_TOKEN: token } });
    expect(env.stdout + env.stderr).not.toContain('AAFakeTokenForTestsOnly');
  });

  it('exits 130 on Ctrl-C while waiting for input', async () => {
    const home = tempHome();
    try {
      const child = spawn(process.execPath, [BIN], { env: cleanEnv(home.dir), stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('tgsh')) child.kill('SIGINT');
      });
      child.stdin.write('version\n');
      const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
      expect(code).toBe(130);
    } finally {
      home.cleanup();
    }
  });
});
