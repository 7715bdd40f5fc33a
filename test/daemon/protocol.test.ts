// telegram-cli's socket protocol on the built binary against the sandbox: byte-exact frames in
// text and JSON, per-connection order with connections side by side, hostile input (a 2 MiB line,
// NUL, invalid UTF-8, binary garbage), clients that reset mid-answer or half-close, quit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { FramedClient, cleanup, expectedFrame, startDaemon, type Daemon } from './helpers.js';
import { runTgsh } from '../helpers/cli.js';

const V = '0.1.0';
const EXAMPLE_JSON = '{"user": {"id": "$010000006459670b02c0c7fd66d44708", "peer_type": "user", "peer_id": 191322468, "print_name": "Example", "flags": 1, "first_name": "Example", "username": "example_user"}}';

let text: Daemon;
let json: Daemon;
beforeAll(async () => {
  [text, json] = await Promise.all([startDaemon(['--sandbox', '-P', '0']), startDaemon(['--sandbox', '--json', '-P', '0'])]);
});
afterAll(cleanup);

async function exchange(d: Daemon, input: string, frames: number): Promise<Buffer> {
  const c = await FramedClient.open({ port: d.port! });
  c.send(input);
  await c.next(frames);
  c.close();
  return c.bytes();
}

describe('frames, byte for byte', () => {
  it('SUCCESS, FAIL, a peer and a list in text', async () => {
    const bytes = await exchange(text, "version\nnope\nresolve_username example_user\nsandbox say @carol_never hi\nhelp version\n", 5);
    expect(bytes.toString('utf8')).toBe(
      expectedFrame(`version\ttgsh ${V}\n`) +
        expectedFrame("FAIL: 38: can not find command 'nope'\n") +
        'ANSWER 8\nExample\n\n' +
        'ANSWER 8\nSUCCESS\n\n' +
        'ANSWER 36\nversion\n\tPrints the version of tgsh\n\n',
    );
    // The hint of a FAIL (stderr's part in a pipe) is not in the frame.
    expect(bytes.toString()).not.toContain("type 'help'");
  });

  it('SUCCESS, FAIL, a peer and a list in JSON: one JSON value per payload', async () => {
    const bytes = await exchange(json, 'sandbox say @carol_never hi\nnope\nresolve_username example_user\nhelp version\n', 4);
    expect(bytes.toString('utf8')).toBe(
      'ANSWER 22\n{"result": "SUCCESS"}\n\n' +
        expectedFrame('{"result": "FAIL", "error_code": 38, "error": "can not find command \'nope\'", "hint": "type \'help\' for the list of commands"}\n') +
        expectedFrame(EXAMPLE_JSON + '\n') +
        expectedFrame('[{"command": "version", "signature": "version", "description": "Prints the version of tgsh", "aliases": []}]\n'),
    );
  });

  it('lists of peers are framed as pipe mode prints them (contact_list, dialog_list)', async () => {
    for (const d of [text, json]) {
      const c = await FramedClient.open({ port: d.port! });
      c.send('contact_list\ndialog_list\n');
      const [contacts, dialogs] = await c.next(2);
      c.close();
      // The same lines through the daemon's private socket, as `tgsh -e` prints them on stdout.
      const piped = await runTgsh(['--sandbox', ...(d === json ? ['--json'] : []), '-e', 'contact_list', '-e', 'dialog_list'], { home: d.home });
      expect(piped.code).toBe(0);
      expect(contacts! + dialogs!).toBe(piped.stdout);
      expect(contacts).toMatch(d === json ? /^\[\{"id": "\$01000000/ : /^Example\t@example_user\tstarted\n/m);
    }
  });

  it('n counts bytes, not characters', async () => {
    const c = await FramedClient.open({ port: text.port! });
    c.send('é😀\n');
    await c.next();
    c.close();
    const payload = "FAIL: 38: can not find command 'é😀'\n";
    expect(c.bytes().toString('utf8')).toBe(`ANSWER 40\n${payload}\n`);
  });
});

describe('order and concurrency', () => {
  it('answers each connection in the order of its lines while eight run side by side', async () => {
    const clients = await Promise.all(Array.from({ length: 8 }, () => FramedClient.open({ port: json.port! })));
    const N = 200;
    clients.forEach((c, i) => c.send(Array.from({ length: N }, (_, k) => (k % 2 ? `nope${i}x${k}` : 'version')).join('\n') + '\n'));
    const all = await Promise.all(clients.map((c) => c.next(N)));
    all.forEach((frames, i) => {
      frames.forEach((f, k) => {
        const v = JSON.parse(f) as { error?: string; version?: string };
        if (k % 2) expect(v.error).toBe(`can not find command 'nope${i}x${k}'`);
        else expect(v.version).toBe(`tgsh ${V}`);
      });
    });
    for (const c of clients) c.close();
  });

  it('a slow line on one connection does not hold back another', async () => {
    const slow = await FramedClient.open({ port: json.port! });
    slow.send('listen 3\nversion\n');
    await new Promise((r) => setTimeout(r, 200));
    const fast = await FramedClient.open({ port: json.port! });
    fast.send('version\n');
    const [v] = await fast.next();
    expect(JSON.parse(v!)).toEqual({ version: `tgsh ${V}` });
    // The slow one is still listening: nothing of it has been answered yet.
    expect(slow.bytes().length).toBe(0);
    const [done, after] = await slow.next(2);
    expect(JSON.parse(done!)).toEqual({ result: 'SUCCESS', events: 0 });
    expect(JSON.parse(after!)).toEqual({ version: `tgsh ${V}` });
    slow.close();
    fast.close();
  });
});

describe('hostile input', () => {
  it('a 2 MiB line gets one FAIL and the connection goes on; 1 MiB is still a line', async () => {
    const c = await FramedClient.open({ port: text.port! });
    c.send('version\n');
    c.send('x'.repeat(2 * 1024 * 1024) + '\n');
    c.send('y'.repeat(1024 * 1024) + '\n');
    c.send('version\n');
    const [a, big, mib, b] = await c.next(4);
    expect(a).toBe(`version\ttgsh ${V}\n`);
    expect(big).toBe('FAIL: 38: line too long (2097152 bytes; 1048576 at most): not run\n');
    expect(mib).toMatch(/^FAIL: 38: can not find command 'y+/);
    expect(b).toBe(`version\ttgsh ${V}\n`);
    c.close();
  });

  it('NUL, invalid UTF-8 and binary garbage: a FAIL per line, never a crash; CRLF is a line end', async () => {
    const c = await FramedClient.open({ port: json.port! });
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256).filter((b) => b !== 0x0a));
    c.send(Buffer.concat([Buffer.from('ver\u0000sion\n'), Buffer.from([0xff, 0xfe, 0x41, 0x0a]), garbage, Buffer.from('\nversion\r\n')]));
    const frames = (await c.next(4)).map((f) => JSON.parse(f) as { error?: string; version?: string });
    expect(frames[0]!.error).toBe('can not parse line: it holds a NUL byte');
    expect(frames[1]!.error).toBe('can not parse line: not valid UTF-8');
    expect(frames[2]!.error).toMatch(/^can not parse line: (not valid UTF-8|it holds a NUL byte)$/);
    expect(frames[3]).toEqual({ version: `tgsh ${V}` });
    c.close();
    expect(json.child.exitCode).toBeNull();
  });

  it('a client that resets mid-answer disturbs nobody; a half-closed one still gets every answer', async () => {
    const other = await FramedClient.open({ port: json.port! });
    other.send('main_session\n');
    // Killed mid-answer: a long answer (help) is asked for and the connection reset at once.
    for (let i = 0; i < 20; i++) {
      const s = connect({ port: json.port!, host: '127.0.0.1' });
      s.on('error', () => {});
      s.on('connect', () => s.write('help\nhelp\nhelp\n'));
      s.once('data', () => s.resetAndDestroy());
    }
    // `printf 'version\n...' | nc -N`: lines, then the writing side shut.
    const half = await FramedClient.open({ port: json.port! });
    half.socket.end('version\nresolve_username example_user\nversion');
    const frames = await half.next(3);
    expect(frames.map((f) => JSON.parse(f) as unknown)).toEqual([{ version: `tgsh ${V}` }, JSON.parse(EXAMPLE_JSON), { version: `tgsh ${V}` }]);
    await half.untilClosed();
    other.send('version\n');
    expect(JSON.parse((await other.next())[0]!)).toEqual({ version: `tgsh ${V}` });
    other.close();
  });

  it('quit and safe_quit close that connection only (after their SUCCESS); the daemon serves on', async () => {
    for (const q of ['quit', 'safe_quit']) {
      const keep = await FramedClient.open({ port: text.port! });
      const c = await FramedClient.open({ port: text.port! });
      c.send(`version\n${q}\nversion\n`);
      expect(await c.next(2)).toEqual([`version\ttgsh ${V}\n`, 'SUCCESS\n']);
      await c.untilClosed();
      keep.send('version\n');
      expect(await keep.next()).toEqual([`version\ttgsh ${V}\n`]);
      keep.close();
    }
    expect(text.child.exitCode).toBeNull();
  });

  it('main_session, blank lines and comments get no frame', async () => {
    const c = await FramedClient.open({ port: text.port! });
    c.send('\n# nothing\nmain_session\n   \nversion\n');
    expect(await c.next()).toEqual([`version\ttgsh ${V}\n`]);
    expect(c.bytes().toString()).toBe(expectedFrame(`version\ttgsh ${V}\n`));
    c.close();
  });
});

describe('where it listens', () => {
  it('-P is on loopback only', async () => {
    const other = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (other) {
      const refused = await new Promise<boolean>((resolve) => {
        const s = connect({ port: text.port!, host: other });
        s.once('connect', () => {
          s.destroy();
          resolve(false);
        });
        s.once('error', () => resolve(true));
      });
      expect(refused).toBe(true);
    }
    // And the listening socket itself is bound to 127.0.0.1 (ss/netstat-free: from /proc).
    const { readFileSync } = await import('node:fs');
    const hex = text.port!.toString(16).toUpperCase().padStart(4, '0');
    const rows = readFileSync('/proc/net/tcp', 'utf8').split('\n').filter((l) => l.includes(`:${hex} `) && / 0A /.test(l));
    expect(rows.map((r) => r.trim().split(/\s+/)[1])).toEqual([`0100007F:${hex}`]);
  });

  it('--accept-any-tcp listens on every interface and warns on stderr', async () => {
    const d = await startDaemon(['--sandbox', '-P', '0', '--accept-any-tcp']);
    expect(d.stderr()).toContain('anyone who can reach this port controls the account');
    const c = await FramedClient.open({ port: d.port! });
    c.send('version\n');
    expect(await c.next()).toEqual([`version\ttgsh ${V}\n`]);
    c.close();
    expect((await d.stop()).code).toBe(0);
  });
});
