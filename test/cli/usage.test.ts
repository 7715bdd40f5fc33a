// The built binary's usage errors: one line naming what is wrong, then the --help pointer, exit
// status 2, and nothing run.
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTgsh, tempHome } from '../helpers/cli.js';
import { defaultWorldData } from '../../src/sandbox/world/default-world.js';

const homes: Array<{ cleanup(): void }> = [];
afterEach(() => {
  for (const h of homes.splice(0)) h.cleanup();
});
function home(): string {
  const h = tempHome();
  homes.push(h);
  return h.dir;
}

const TRY = "Try 'tgsh --help' for the options.\n";

describe('usage errors of the binary', () => {
  it('--max-wait -1 and a bad TGSH_MAX_WAIT', async () => {
    const flag = await runTgsh(['--max-wait', '-1', '-e', 'version']);
    expect(flag).toMatchObject({ code: 2, stdout: '', stderr: `tgsh: --max-wait: must be 0 or more seconds (0 never waits)\n${TRY}` });
    const env = await runTgsh(['-e', 'version'], { env: { TGSH_MAX_WAIT: 'abc' } });
    expect(env).toMatchObject({ code: 2, stdout: '', stderr: `tgsh: TGSH_MAX_WAIT: must be a number of seconds (0 never waits), not 'abc'\n${TRY}` });
  });

  it('--sandbox with flags that point at another Telegram; TG_* variables are left alone', async () => {
    const token = ['123456', 'AAFakeTokenForTestsOnly_abcdefghijkl'].join(':');
    const r = await runTgsh(['--sandbox', '--bot-token', token, '--bot-api-root', 'http://127.0.0.1:1', '-e', 'version']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `tgsh: --sandbox brings its own Telegram on 127.0.0.1, and --bot-token, --bot-api-root point elsewhere: leave them out, or leave out --sandbox\n${TRY}`,
    );
    const env = await runTgsh(['--sandbox', '-e', 'version'], { env: { TG_BOT_TOKEN: token, TG_API_ID: 'x' } });
    expect(env.code).toBe(0);
  });

  it('--world: a missing file fails at start, even for a command that never needs the sandbox', async () => {
    const r = await runTgsh(['--world', '/nonexistent/world.json', '-e', 'version']);
    expect(r).toMatchObject({ code: 2, stdout: '', stderr: `tgsh: --world /nonexistent/world.json: cannot read it (no such file)\n${TRY}` });
    const dir = home();
    const broken = join(dir, 'w.json');
    writeFileSync(broken, "{'users': []}");
    const b = await runTgsh(['--sandbox', '--world', broken, '-e', 'resolve_username example_user'], { home: dir });
    expect(b).toMatchObject({ code: 2, stdout: '', stderr: `tgsh: --world ${broken}: not valid JSON at line 1, column 2\n${TRY}` });
  });

  it('--world with bad fields: a usage error at start naming every field, before any command runs', async () => {
    const dir = home();
    const bad = join(dir, 'w.json');
    writeFileSync(bad, JSON.stringify({ ...defaultWorldData(), api_id: 'one', extra: true }));
    const r = await runTgsh(['--world', bad, '-e', 'version'], { home: dir });
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`tgsh: --world ${bad}: not a valid sandbox world (2 problems):\n  - extra: unknown field\n  - api_id: must be a positive 32-bit integer\n${TRY}`);
    expect(r.code).toBe(2);
  });

  it('a good --world file runs on the sandbox', async () => {
    const dir = home();
    const world = join(dir, 'w.json');
    writeFileSync(world, JSON.stringify(defaultWorldData()));
    const r = await runTgsh(['--world', world, '-D', '-e', 'resolve_username example_user'], { home: dir });
    expect(r).toMatchObject({ code: 0, stdout: 'Example\n' });
  });
});
