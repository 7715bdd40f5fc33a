// `tgsh sandbox serve`: the offline Telegram for other processes.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv, runTgsh, tempHome } from '../helpers/cli.js';
import { startSandbox } from '../../src/sandbox/sandbox.js';

describe('startSandbox', () => {
  it('serves both protocols on loopback with the connection a client needs', async () => {
    const sb = await startSandbox();
    try {
      const c = sb.connection;
      expect(c.dc).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(c.bot_api_root).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(c.rsa_key_pem).toContain('BEGIN RSA PUBLIC KEY');
      expect(c.bot_token).toBe('7000000001:sandbox-offline-token');
      const me = (await (await fetch(`${c.bot_api_root}/bot${c.bot_token}/getMe`)).json()) as { result: { username: string } };
      expect(me.result.username).toBe('tgsh_sandbox_bot');
    } finally {
      await sb.close();
    }
  });
});

describe('tgsh sandbox serve', () => {
  it('prints one JSON object, writes --state-out 0600, and stops cleanly on SIGTERM', async () => {
    const home = tempHome();
    try {
      const stateOut = join(home.dir, 'state.json');
      const child = spawn(process.execPath, [BIN, 'sandbox', 'serve', '--state-out', stateOut], { env: cleanEnv(home.dir), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const firstLine = await new Promise<string>((resolve) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
        });
      });
      const state = JSON.parse(firstLine) as Record<string, unknown>;
      expect(Object.keys(state)).toEqual(['dc', 'rsa_key_pem', 'bot_api_root', 'bot_token', 'api_id', 'api_hash']);
      expect(JSON.parse(readFileSync(stateOut, 'utf8'))).toEqual(state);
      expect(statSync(stateOut).mode & 0o777).toBe(0o600);
      const me = (await (await fetch(`${state.bot_api_root}/bot${state.bot_token}/getMe`)).json()) as { ok: boolean };
      expect(me.ok).toBe(true);
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(0);
      expect(err).toContain('nothing leaves this machine');
    } finally {
      home.cleanup();
    }
  });

  it('explains bad usage in one line each, with exit status 2', async () => {
    const cases: Array<[string[], string]> = [
      [['sandbox'], 'tgsh sandbox: expected a subcommand: serve'],
      [['sandbox', 'nope'], "tgsh sandbox: unknown subcommand 'nope' (expected 'serve')"],
      [['sandbox', 'serve', 'extra'], "tgsh sandbox serve: unexpected argument 'extra'"],
      [['sandbox', 'serve', '--dc-port', '-5'], "tgsh sandbox serve: --dc-port: must be a port number (0-65535; 0 picks a free one), not '-5'"],
      [['sandbox', 'serve', '--bogus'], "tgsh sandbox serve: unknown option '--bogus'"],
      [['--json', 'sandbox', 'serve'], "tgsh: 'sandbox' comes first, before any option: tgsh sandbox serve [--world FILE] [--state-out FILE] ..."],
    ];
    for (const [argv, line] of cases) {
      const r = await runTgsh(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')[0]).toBe(line);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(2); // the line and "Try 'tgsh ... --help'"
    }
  });

  it('a bad world file: every bad field named, exit status 2, nothing started', async () => {
    const home = tempHome();
    try {
      const bad = join(home.dir, 'world.json');
      writeFileSync(bad, '{"users": 5}');
      const w = await runTgsh(['sandbox', 'serve', '--world', bad, '--state-out', join(home.dir, 's.json')], { home: home.dir });
      expect(w.code).toBe(2);
      expect(w.stdout).toBe('');
      expect(w.stderr).toMatch(new RegExp(`^tgsh sandbox serve: --world ${bad}: not a valid sandbox world \\(\\d+ problems\\):\\n`));
      expect(w.stderr).toContain('\n  - users: must be an array');
      expect(existsSync(join(home.dir, 's.json'))).toBe(false);
      const missing = await runTgsh(['sandbox', 'serve', '--world', join(home.dir, 'none.json')], { home: home.dir });
      expect(missing.code).toBe(2);
      expect(missing.stderr.split('\n')[0]).toBe(`tgsh sandbox serve: --world ${join(home.dir, 'none.json')}: cannot read it (no such file)`);
    } finally {
      home.cleanup();
    }
  });

  it('a --state-out it cannot write: one line, exit status 2, before any server starts', async () => {
    const home = tempHome();
    try {
      const r = await runTgsh(['sandbox', 'serve', '--state-out', '/nonexistent/x.json'], { home: home.dir, timeoutMs: 10_000 });
      expect(r.signal).toBeNull(); // it ended by itself: no server kept it running
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe("tgsh sandbox serve: --state-out /nonexistent/x.json: no folder /nonexistent\nTry 'tgsh sandbox --help'.\n");
      const folder = await runTgsh(['sandbox', 'serve', '--state-out', home.dir], { home: home.dir, timeoutMs: 10_000 });
      expect(folder.code).toBe(2);
      expect(folder.stderr.split('\n')[0]).toBe(`tgsh sandbox serve: --state-out ${home.dir}: it is a folder`);
    } finally {
      home.cleanup();
    }
  });
});
