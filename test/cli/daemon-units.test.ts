// The daemon's pure parts: framing and the bounded line reader; the daemon flags as settings.
import { describe, expect, it } from 'vitest';
import { frame, FrameReader } from '../../src/cli/daemon/framing.js';
import { LineReader } from '../../src/cli/daemon/line-reader.js';
import { parseCli } from '../../src/cli/args.js';
import { resolveConfig } from '../../src/cli/config.js';

describe('frame', () => {
  it("is telegram-cli's ANSWER <n>, n counting the payload's bytes with its own newline", () => {
    expect(frame('SUCCESS\n').toString()).toBe('ANSWER 8\nSUCCESS\n\n');
    expect(frame('{"result": "SUCCESS"}\n').toString()).toBe('ANSWER 22\n{"result": "SUCCESS"}\n\n');
    expect(frame('é\n').toString()).toBe('ANSWER 3\né\n\n');
    // Never ANSWER 0 (pytg hangs on it).
    expect(frame('').toString()).toBe('ANSWER 1\n\n\n');
  });

  it('reads back across any chunking', () => {
    const bytes = Buffer.concat([frame('a\n'), frame('bé\nc\n'), frame('{}\n')]);
    for (let size = 1; size <= bytes.length; size++) {
      const r = new FrameReader();
      const got: string[] = [];
      for (let i = 0; i < bytes.length; i += size) got.push(...r.push(bytes.subarray(i, i + size)));
      expect(got).toEqual(['a\n', 'bé\nc\n', '{}\n']);
    }
  });
});

describe('LineReader', () => {
  const lines = (r: LineReader, ...chunks: Array<string | Buffer>) => chunks.flatMap((c) => r.push(Buffer.isBuffer(c) ? c : Buffer.from(c)));

  it('splits on \\n, drops a \\r before it, keeps a line split across chunks, and a last line at the end', () => {
    const r = new LineReader(true);
    expect(lines(r, 'ver', 'sion\r\nhe', 'lp\n\nx')).toEqual([
      { kind: 'line', text: 'version' },
      { kind: 'line', text: 'help' },
      { kind: 'line', text: '' },
    ]);
    expect(r.end()).toEqual([{ kind: 'line', text: 'x' }]);
    expect(r.end()).toEqual([]);
  });

  it('a line over the bound is one item, however it arrives; the next line is whole', () => {
    const r = new LineReader(true, 10);
    expect(lines(r, '0123456789\n')).toEqual([{ kind: 'line', text: '0123456789' }]);
    expect(lines(r, '01234', '567890', '12', '\nok\n')).toEqual([
      { kind: 'bad', error: 'line too long (13 bytes; 10 at most): not run' },
      { kind: 'line', text: 'ok' },
    ]);
    expect(lines(r, 'x'.repeat(50))).toEqual([]);
    expect(r.end()).toEqual([{ kind: 'bad', error: 'line too long (50 bytes; 10 at most): not run' }]);
  });

  it('strict: NUL and invalid UTF-8 are bad items; not strict: decoded as readline does', () => {
    const strict = new LineReader(true);
    expect(lines(strict, Buffer.from([0x61, 0x00, 0x0a, 0xff, 0x0a, 0xe2, 0x82]), Buffer.from([0xac, 0x0a]))).toEqual([
      { kind: 'bad', error: 'can not parse line: it holds a NUL byte' },
      { kind: 'bad', error: 'can not parse line: not valid UTF-8' },
      { kind: 'line', text: '€' },
    ]);
    const loose = new LineReader(false);
    expect(lines(loose, Buffer.from([0x61, 0x00, 0x0a, 0xff, 0x0a]))).toEqual([
      { kind: 'line', text: 'a\u0000' },
      { kind: 'line', text: '\ufffd' },
    ]);
  });
});

describe('daemon flags', () => {
  const config = (...argv: string[]) => {
    const cli = parseCli(argv);
    if (!cli.ok) return cli.error;
    const r = resolveConfig(cli.options, {}, false);
    return r.ok ? r.config : r.error;
  };

  it('-P, -S, -d, -L, --accept-any-tcp become the daemon settings (paths absolute)', () => {
    const c = config('-P', '4458', '-S', 'tg.sock', '-L', 'x.log', '--accept-any-tcp');
    expect(typeof c === 'object' && c.daemon).toEqual({ tcpPort: 4458, anyInterface: true, unixSocket: `${process.cwd()}/tg.sock`, detached: false, logFile: `${process.cwd()}/x.log` });
    const d = config('--daemonize');
    expect(typeof d === 'object' && d.daemon).toMatchObject({ detached: true, tcpPort: undefined, unixSocket: undefined });
    expect(typeof config('-e', 'version') === 'object' && (config('-e', 'version') as { daemon?: unknown }).daemon).toBeUndefined();
    expect((config('--no-daemon') as { noDaemon?: boolean }).noDaemon).toBe(true);
  });

  it('bad combinations are usage errors', () => {
    expect(config('-P', '70000')).toBe("-P: must be a TCP port (0 to 65535; 0 picks a free one), not '70000'");
    expect(config('-P', 'x')).toBe("-P: must be a TCP port (0 to 65535; 0 picks a free one), not 'x'");
    expect(config('-L', 'log')).toBe('-L logs the socket daemon: give it with -P, -S or -d');
    expect(config('--accept-any-tcp')).toBe('--accept-any-tcp goes with -P PORT');
    expect(config('-S', 's', '--accept-any-tcp')).toBe('--accept-any-tcp goes with -P PORT');
    expect(config('-d', '-e', 'version')).toBe('-d reads no commands of its own: leave out -e (send them to the socket)');
    expect(config('-S', '/' + 'x'.repeat(120))).toMatch(/too long for a unix socket/);
  });
});
