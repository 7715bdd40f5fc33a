// `tgsh sandbox serve`: the offline Telegram for other processes.
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
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

  it('explains bad usage and a bad world file', async () => {
    const r = await runTgsh(['sandbox', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("expected 'serve'");
    const home = tempHome();
    try {
      const bad = join(home.dir, 'world.json');
      writeFileSync(bad, '{"users": 5}');
      const w = await runTgsh(['sandbox', 'serve', '--world', bad], { home: home.dir });
      expect(w.code).toBe(1);
      expect(w.stderr).toMatch(/^tgsh sandbox: invalid sandbox world/);
      expect(w.stderr).toContain('users: must be an array');
    } finally {
      home.cleanup();
    }
  });
});
